package dev.drgw.store;

import dev.drgw.account.Account;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import dev.drgw.snapshot.SnapshotSource;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Reads every account and number and the change-log head in one snapshot-isolated, read-only
 * transaction, streaming rows so that millions of numbers do not sit in memory twice.
 */
public final class JdbcSnapshotSource implements SnapshotSource {

  private static final int FETCH_SIZE = 10_000;

  private final Database database;

  JdbcSnapshotSource(Database database) {
    this.database = database;
  }

  @Override
  public long load(Consumer<Stored<Account>> accounts, Consumer<Stored<NumberEntry>> numbers) {
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
              h.createQuery("SELECT " + Rows.NUMBER_COLUMNS + " FROM numbers")
                  .setFetchSize(FETCH_SIZE)
                  .map((rs, ctx) -> Rows.number(rs))
                  .forEach(numbers);
              return seq;
            });
      } finally {
        if (database.dialect() == Dialect.H2) {
          handle.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
        }
      }
    }
  }
}
