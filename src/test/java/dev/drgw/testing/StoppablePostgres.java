package dev.drgw.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A PostgreSQL server of its own (not the shared {@link TestPostgres}) that a test can stop and
 * start again on the same port and data directory, as an outage of the production database looks
 * to drgw: connections refused while it is down, the same data when it is back.
 */
public final class StoppablePostgres implements AutoCloseable {

  public static final String USER = "postgres";

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  private StoppablePostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** A fresh server (initdb) on a free port, started, with one database {@code drgw}. */
  public static StoppablePostgres start() {
    StoppablePostgres pg = new StoppablePostgres(TestServer.newDataDir(), Ports.free());
    pg.startAgain();
    pg.execute("postgres", "CREATE DATABASE drgw");
    return pg;
  }

  /** Starts the stopped server on the same port and data; returns how long it took. */
  public synchronized Duration startAgain() {
    if (server != null) {
      throw new IllegalStateException("PostgreSQL is already running");
    }
    long t0 = System.nanoTime();
    try {
      server = EmbeddedPostgres.builder()
          .setPort(port)
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          // four drgw nodes with their pools, their LISTEN connections and the test's own
          .setServerConfig("max_connections", "300")
          .setPGStartupWait(Duration.ofSeconds(30))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start PostgreSQL on port " + port + " in " + dataDir, e);
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /**
   * Stops the server (pg_ctl stop, fast mode: open connections are cut, as in a failover);
   * returns how long it took.
   */
  public synchronized Duration stop() {
    if (server == null) {
      throw new IllegalStateException("PostgreSQL is not running");
    }
    long t0 = System.nanoTime();
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      server = null;
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  public synchronized boolean running() {
    return server != null;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The JDBC URL drgw is given (without credentials: user {@link #USER}, no password). */
  public String jdbcUrl() {
    return jdbcUrl("drgw");
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** A new connection to database {@code drgw}; fails while the server is stopped. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, "");
  }

  private void execute(String database, String sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl(database), USER, "");
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Stops the server and deletes its data (about 40 MB a server; the nodes' logs stay). */
  @Override
  public synchronized void close() {
    if (server != null) {
      stop();
    }
    try (java.util.stream.Stream<Path> files = Files.walk(dataDir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dataDir, e);
    }
  }
}
