package dev.drgw.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The connection pool and schema of one database (embedded H2 or PostgreSQL). */
public final class Database implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Dialect dialect;

  private Database(HikariDataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.jdbi = Jdbi.create(dataSource);
  }

  /**
   * A connection of its own, outside the pool, for a session that lives as long as the node
   * (PostgreSQL LISTEN). The caller closes it.
   */
  Connection dedicatedConnection() throws SQLException {
    java.util.Properties props = new java.util.Properties();
    if (dataSource.getUsername() != null) {
      props.setProperty("user", dataSource.getUsername());
    }
    if (dataSource.getPassword() != null) {
      props.setProperty("password", dataSource.getPassword());
    }
    props.setProperty("connectTimeout", "5");
    props.setProperty("tcpKeepAlive", "true");
    return java.sql.DriverManager.getConnection(dataSource.getJdbcUrl(), props);
  }

  /**
   * True when {@code failure} means the database could not be reached or the connection broke
   * (as opposed to a refused or conflicting statement): the request may succeed later.
   */
  public static boolean isUnavailable(Throwable failure) {
    return isUnavailable(failure, 0);
  }

  private static boolean isUnavailable(Throwable failure, int depth) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      // A transaction whose connection died: restoring auto-commit or closing then fails too
      if (t instanceof org.jdbi.v3.core.transaction.UnableToRestoreAutoCommitStateException) {
        return true;
      }
      if (depth < 3) {
        for (Throwable suppressed : t.getSuppressed()) {
          if (isUnavailable(suppressed, depth + 1)) {
            return true;
          }
        }
      }
      if (t instanceof java.sql.SQLTransientConnectionException
          || t instanceof java.sql.SQLNonTransientConnectionException
          || t instanceof org.jdbi.v3.core.ConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") // connection exception
              || sql.getSQLState().startsWith("57P"))) { // admin shutdown, cannot connect now
        return true;
      }
    }
    return false;
  }

  /** Opens the pool and brings the schema up to date (Flyway migrations). */
  public static Database open(String url, String user, String password, int poolSize) {
    return open(url, user, password, poolSize, Duration.ofSeconds(30));
  }

  /**
   * Opens the database, waiting up to {@code initTimeout} for it. An embedded H2 file used by
   * another process fails with {@link InUseException}.
   */
  public static Database open(String url, String user, String password, int poolSize, Duration initTimeout) {
    Dialect dialect = Dialect.of(url);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(dialect == Dialect.H2 ? h2Url(url) : url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("drgw-db");
    config.setConnectionTimeout(Duration.ofSeconds(5).toMillis());
    config.setValidationTimeout(Duration.ofSeconds(2).toMillis());
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    if (dialect == Dialect.POSTGRESQL && !url.contains("reWriteBatchedInserts")) {
      // Batches of INSERTs (numbers, the change log) go as one multi-row INSERT per round trip.
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    config.setInitializationFailTimeout(initTimeout.toMillis());
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      if (dialect == Dialect.H2 && h2InUse(e)) {
        throw new InUseException(redact(url), e);
      }
      throw e;
    }
    try {
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    log.info("database ready: {} ({})", redact(url), dialect);
    return new Database(dataSource, dialect);
  }

  /**
   * Embedded H2 settings unless the URL sets them: commits reach the file at once (a killed
   * process loses no acknowledged write), and lock waits long enough for busy writers.
   */
  static String h2Url(String url) {
    StringBuilder b = new StringBuilder(url);
    String upper = url.toUpperCase(java.util.Locale.ROOT);
    if (!upper.contains(";WRITE_DELAY=")) {
      b.append(";WRITE_DELAY=0");
    }
    if (!upper.contains(";LOCK_TIMEOUT=")) {
      b.append(";LOCK_TIMEOUT=10000");
    }
    if (!upper.contains(";QUERY_CACHE_SIZE=")) {
      b.append(";QUERY_CACHE_SIZE=64"); // the default of 8 is fewer than a write uses: re-parsing
    }
    if (!upper.contains(";DB_CLOSE_ON_EXIT=")) {
      b.append(";DB_CLOSE_ON_EXIT=FALSE");
    }
    return b.toString();
  }

  /** The embedded H2 file is open in another process (H2 allows one). */
  public static final class InUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InUseException(String url, Throwable cause) {
      super("the embedded database " + url + " is in use by another process (a running drgw?)", cause);
    }
  }

  private static boolean h2InUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() == 90020) {
        return true;
      }
    }
    return false;
  }

  private static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
  }

  Jdbi jdbi() {
    return jdbi;
  }

  Dialect dialect() {
    return dialect;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
