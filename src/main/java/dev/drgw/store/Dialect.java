package dev.drgw.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import java.util.Set;

/** The few places where H2 and PostgreSQL differ. */
enum Dialect {
  H2("FOR UPDATE"),
  POSTGRESQL("FOR NO KEY UPDATE");

  /** Lock clause for a row about to be updated without changing its key. */
  final String lockForUpdate;

  Dialect(String lockForUpdate) {
    this.lockForUpdate = lockForUpdate;
  }

  /**
   * Makes PostgreSQL plan the statement on every execution. For lookups by an array of keys the
   * driver would otherwise cache a generic plan after five runs, and one made while the table was
   * still small (a sequential scan) stays in use as the table grows: a bulk import into a fresh
   * database slowed down four-fold.
   */
  <T extends SqlStatement<T>> T planEachTime(T statement) {
    if (this == POSTGRESQL) {
      statement.addCustomizer(CUSTOM_PLANS);
    }
    return statement;
  }

  private static final StatementCustomizer CUSTOM_PLANS =
      new StatementCustomizer() {
        @Override
        public void beforeExecution(PreparedStatement stmt, StatementContext ctx) throws SQLException {
          stmt.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
        }
      };

  static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      return H2;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException("unsupported database URL; use jdbc:h2: or jdbc:postgresql:");
  }

  private static final String UNIQUE_VIOLATION = "23505";
  private static final Set<String> RETRYABLE =
      Set.of(
          "40001", // serialization failure (both), H2 deadlock
          "40P01", // PostgreSQL deadlock
          "HYT00", // H2 lock timeout
          UNIQUE_VIOLATION // a concurrent insert of the same key: the retry sees it committed
          );

  /** True when a transaction failed only because of a concurrent one and may be run again. */
  static boolean isRetryable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        for (SQLException e = sql; e != null; e = e.getNextException()) {
          if (e.getSQLState() != null && RETRYABLE.contains(e.getSQLState())) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
