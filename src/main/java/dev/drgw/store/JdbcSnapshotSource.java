package dev.drgw.store;

import dev.drgw.account.Account;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import dev.drgw.snapshot.SnapshotSource;
import java.sql.SQLException;
import java.util.function.Consumer;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Reads every account and number and the change-log head in one snapshot-isolated, read-only
 * transaction, streaming rows so that millions of numbers do not sit in memory twice. On
 * PostgreSQL the numbers come by {@code COPY ... TO STDOUT} (text format), several times faster
 * than a result set.
 */
public final class JdbcSnapshotSource implements SnapshotSource {

  private static final int FETCH_SIZE = 10_000;
  static final String COPY_NUMBERS =
      "COPY (SELECT telephone_number, account_name, dr_enabled, custom_sip_header FROM numbers) TO STDOUT";

  private final Database database;

  JdbcSnapshotSource(Database database) {
    this.database = database;
  }

  @Override
  public long load(Consumer<Stored<Account>> accounts, Consumer<NumberEntry> numbers) {
    try (Handle handle = database.jdbi().open()) {
      if (database.dialect() == Dialect.H2) {
        // H2's REPEATABLE READ takes its snapshot per table; SNAPSHOT takes one for the whole
        // transaction, as PostgreSQL's REPEATABLE READ does.
        handle.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
      } else {
        handle.setTransactionIsolationLevel(TransactionIsolationLevel.REPEATABLE_READ);
      }
      try {
        return handle.inTransaction(
            h -> {
              long seq =
                  h.createQuery("SELECT seq FROM change_head WHERE id = 1").mapTo(Long.class).one();
              h.createQuery("SELECT " + Rows.ACCOUNT_COLUMNS + " FROM accounts")
                  .setFetchSize(FETCH_SIZE)
                  .map((rs, ctx) -> Rows.account(rs))
                  .forEach(accounts);
              if (database.dialect() == Dialect.POSTGRESQL) {
                copyNumbers(h, numbers);
              } else {
                h.createQuery("SELECT " + Rows.NUMBER_COLUMNS + " FROM numbers")
                    .setFetchSize(FETCH_SIZE)
                    .map((rs, ctx) -> Rows.number(rs).value())
                    .forEach(numbers);
              }
              return seq;
            });
      } finally {
        if (database.dialect() == Dialect.H2) {
          handle.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
        }
      }
    }
  }

  private static void copyNumbers(Handle h, Consumer<NumberEntry> numbers) {
    try {
      copy(h, numbers);
    } catch (SQLException e) {
      throw new ConnectionException(e);
    }
  }

  private static void copy(Handle h, Consumer<NumberEntry> numbers) throws SQLException {
    CopyTextParser parser =
        new CopyTextParser(
            4,
            f -> numbers.accept(new NumberEntry(f[0], f[1], "t".equals(f[2]), f[3], null)));
    CopyOut copy = h.getConnection().unwrap(PGConnection.class).getCopyAPI().copyOut(COPY_NUMBERS);
    try {
      byte[] chunk;
      while ((chunk = copy.readFromCopy()) != null) {
        parser.accept(chunk, 0, chunk.length);
      }
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
    parser.finish();
  }
}
