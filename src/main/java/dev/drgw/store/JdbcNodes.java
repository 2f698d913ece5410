package dev.drgw.store;

import dev.drgw.changes.NodeState;
import dev.drgw.changes.Nodes;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * {@link Nodes} in the nodes table. Times come from the database's clock (CURRENT_TIMESTAMP), so
 * a node's age does not depend on the clocks of the nodes agreeing.
 */
public final class JdbcNodes implements Nodes {

  private final Database database;

  JdbcNodes(Database database) {
    this.database = database;
  }

  @Override
  public void heartbeat(Report r) {
    String sql = database.dialect() == Dialect.H2
        ? "MERGE INTO nodes (name, region, applied_seq, dns_serving, draining, version, started_at, last_seen)"
            + " KEY (name) VALUES (:name, :region, :seq, :dns, :draining, :version, :started, CURRENT_TIMESTAMP)"
        : "INSERT INTO nodes (name, region, applied_seq, dns_serving, draining, version, started_at, last_seen)"
            + " VALUES (:name, :region, :seq, :dns, :draining, :version, :started, CURRENT_TIMESTAMP)"
            + " ON CONFLICT (name) DO UPDATE SET region = EXCLUDED.region, applied_seq = EXCLUDED.applied_seq,"
            + " dns_serving = EXCLUDED.dns_serving, draining = EXCLUDED.draining, version = EXCLUDED.version,"
            + " started_at = EXCLUDED.started_at, last_seen = EXCLUDED.last_seen";
    database.jdbi().useHandle(h -> h.createUpdate(sql)
        .bind("name", r.name())
        .bind("region", r.region())
        .bind("seq", r.appliedSeq())
        .bind("dns", r.dnsServing())
        .bind("draining", r.draining())
        .bind("version", r.version())
        .bind("started", OffsetDateTime.ofInstant(r.startedAt(), ZoneOffset.UTC))
        .execute());
  }

  @Override
  public List<NodeState> list() {
    return database.jdbi().withHandle(h -> h.createQuery(
            "SELECT name, region, applied_seq, dns_serving, draining, version, started_at, last_seen,"
                + " CURRENT_TIMESTAMP AS db_now FROM nodes ORDER BY region, name")
        .map((rs, ctx) -> {
          Instant lastSeen = rs.getObject("last_seen", OffsetDateTime.class).toInstant();
          Instant now = rs.getObject("db_now", OffsetDateTime.class).toInstant();
          Duration age = Duration.between(lastSeen, now);
          return new NodeState(rs.getString("name"), rs.getInt("region"), rs.getLong("applied_seq"),
              rs.getBoolean("dns_serving"), rs.getBoolean("draining"), rs.getString("version"),
              rs.getObject("started_at", OffsetDateTime.class).toInstant(), lastSeen,
              age.isNegative() ? Duration.ZERO : age);
        })
        .list());
  }

  @Override
  public int forget(Duration silence) {
    List<String> silent = list().stream().filter(n -> n.age().compareTo(silence) > 0).map(NodeState::name).toList();
    int removed = 0;
    for (String name : silent) {
      removed += remove(name) ? 1 : 0;
    }
    return removed;
  }

  @Override
  public boolean remove(String name) {
    return database.jdbi().withHandle(h ->
        h.createUpdate("DELETE FROM nodes WHERE name = :name").bind("name", name).execute()) > 0;
  }
}
