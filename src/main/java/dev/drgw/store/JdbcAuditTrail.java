package dev.drgw.store;

import dev.drgw.audit.AuditCursor;
import dev.drgw.audit.AuditEntry;
import dev.drgw.audit.AuditQuery;
import dev.drgw.audit.AuditTrail;
import dev.drgw.domain.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.Query;

/** {@link AuditTrail} read from the audit_trail table, newest first, keyset-paged. */
public final class JdbcAuditTrail implements AuditTrail {

  private static final String COLUMNS =
      "seq, item, changed_at, actor, source, kind, entity_key, account_name, action, before_state,"
          + " after_state";

  private final Database database;

  JdbcAuditTrail(Database database) {
    this.database = database;
  }

  @Override
  public Page<AuditEntry> list(AuditQuery query) {
    if (query.limit() == 0) {
      return new Page<>(List.of(), Optional.empty());
    }
    List<Object> params = new ArrayList<>();
    String where = where(query, params, true);
    String sql =
        "SELECT " + COLUMNS + " FROM audit_trail" + where + " ORDER BY seq DESC, item DESC"
            + " OFFSET ? ROWS FETCH FIRST ? ROWS ONLY";
    params.add(query.skip());
    params.add(query.limit() + 1);
    List<AuditEntry> rows =
        database.jdbi().withHandle(h -> bind(h.createQuery(sql), params).map((rs, ctx) -> entry(rs)).list());
    if (rows.size() <= query.limit()) {
      return new Page<>(rows, Optional.empty());
    }
    List<AuditEntry> items = List.copyOf(rows.subList(0, query.limit()));
    return new Page<>(items, Optional.of(items.get(items.size() - 1).cursor().toString()));
  }

  @Override
  public long count(AuditQuery query) {
    List<Object> params = new ArrayList<>();
    String sql = "SELECT COUNT(*) FROM audit_trail" + where(query, params, false);
    return database.jdbi().withHandle(h -> bind(h.createQuery(sql), params).mapTo(Long.class).one());
  }

  private static String where(AuditQuery query, List<Object> params, boolean withCursor) {
    List<String> conditions = new ArrayList<>();
    query.account().ifPresent(a -> add(conditions, params, "account_name = ?", a));
    query.kind().ifPresent(k -> add(conditions, params, "kind = ?", k.wire()));
    query.entity().ifPresent(e -> add(conditions, params, "entity_key = ?", e));
    query.since().ifPresent(t -> add(conditions, params, "changed_at >= ?", t.atOffset(ZoneOffset.UTC)));
    query.until().ifPresent(t -> add(conditions, params, "changed_at < ?", t.atOffset(ZoneOffset.UTC)));
    if (withCursor && query.after().isPresent()) {
      AuditCursor c = query.after().get();
      conditions.add("(seq < ? OR (seq = ? AND item < ?))");
      params.add(c.seq());
      params.add(c.seq());
      params.add(c.item());
    }
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  private static void add(List<String> conditions, List<Object> params, String condition, Object value) {
    conditions.add(condition);
    params.add(value);
  }

  private static Query bind(Query query, List<Object> params) {
    for (int i = 0; i < params.size(); i++) {
      query.bind(i, params.get(i));
    }
    return query;
  }

  private static AuditEntry entry(ResultSet rs) throws SQLException {
    String kind = rs.getString("kind");
    String action = rs.getString("action");
    return new AuditEntry(
        rs.getLong("seq"),
        rs.getInt("item"),
        rs.getObject("changed_at", OffsetDateTime.class).toInstant(),
        rs.getString("actor"),
        rs.getString("source"),
        AuditEntry.Kind.parse(kind)
            .orElseThrow(() -> new IllegalStateException("unknown kind in the audit trail: " + kind)),
        rs.getString("entity_key"),
        rs.getString("account_name"),
        AuditEntry.Action.parse(action)
            .orElseThrow(() -> new IllegalStateException("unknown action in the audit trail: " + action)),
        rs.getString("before_state"),
        rs.getString("after_state"));
  }
}
