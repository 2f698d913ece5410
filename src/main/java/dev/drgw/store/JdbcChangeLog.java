package dev.drgw.store;

import dev.drgw.changes.ChangeLog;
import dev.drgw.changes.ChangeSet;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.OptionalLong;

/** {@link ChangeLog} read from the change_log table. */
public final class JdbcChangeLog implements ChangeLog {

  private final Database database;
  private final ChangeCodec codec;

  JdbcChangeLog(Database database, ChangeCodec codec) {
    this.database = database;
    this.codec = codec;
  }

  @Override
  public long latestSeq() {
    return database
        .jdbi()
        .withHandle(
            h -> h.createQuery("SELECT seq FROM change_head WHERE id = 1").mapTo(Long.class).one());
  }

  @Override
  public List<ChangeSet> after(long seq, int limit) {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT seq, committed_at, account_name, actor, source, changes"
                            + " FROM change_log WHERE seq > :seq ORDER BY seq"
                            + " FETCH FIRST :limit ROWS ONLY")
                    .bind("seq", seq)
                    .bind("limit", limit)
                    .map(
                        (rs, ctx) ->
                            new ChangeSet(
                                rs.getLong("seq"),
                                rs.getObject("committed_at", OffsetDateTime.class).toInstant(),
                                rs.getString("account_name"),
                                rs.getString("actor"),
                                rs.getString("source"),
                                codec.decode(rs.getString("changes"))))
                    .list());
  }

  @Override
  public OptionalLong latestSeqOf(String accountName) {
    Long seq =
        database
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT MAX(seq) FROM change_log WHERE account_name = :name")
                        .bind("name", accountName)
                        .mapTo(Long.class)
                        .one());
    return seq == null ? OptionalLong.empty() : OptionalLong.of(seq);
  }
}
