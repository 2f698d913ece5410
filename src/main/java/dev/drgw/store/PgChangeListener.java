package dev.drgw.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.LongConsumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wakes this node when another node commits a change: PostgreSQL LISTEN on a connection of its
 * own. Every commit of a change set sends NOTIFY with its sequence number (see
 * {@link Transactions}). The notification is only a wake-up: the change log stays the truth, so
 * a lost notification (the connection broke, the database restarted) costs at most one poll
 * interval. After reconnecting the listener wakes the follower once, which catches up from where
 * it stopped.
 */
public final class PgChangeListener implements AutoCloseable {

  static final String CHANNEL = "drgw_changes";
  private static final Logger log = LoggerFactory.getLogger(PgChangeListener.class);
  private static final int WAIT_MILLIS = 1_000;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final Duration CHECK_EVERY = Duration.ofSeconds(15);

  private final Database database;
  private final LongConsumer onChange;
  private final Thread thread;
  private volatile boolean closed;
  private volatile boolean listening;
  private volatile Connection connection;
  private final java.util.concurrent.atomic.AtomicInteger sessions = new java.util.concurrent.atomic.AtomicInteger();

  private PgChangeListener(Database database, LongConsumer onChange) {
    this.database = database;
    this.onChange = onChange;
    this.thread = new Thread(this::run, "drgw-pg-listen");
    thread.setDaemon(true);
  }

  /**
   * Starts listening when the database is PostgreSQL; returns null for H2 (an embedded database
   * has one node, which its own commits wake).
   *
   * @param onChange called with the sequence number of each notified change set, and with -1
   *     after (re)connecting
   */
  public static PgChangeListener start(Database database, LongConsumer onChange) {
    if (database.dialect() != Dialect.POSTGRESQL) {
      return null;
    }
    PgChangeListener listener = new PgChangeListener(database, onChange);
    listener.thread.start();
    return listener;
  }

  /** True while a LISTEN session is established. */
  public boolean listening() {
    return listening;
  }

  /** How many LISTEN sessions were established so far (reconnections included). */
  public int sessions() {
    return sessions.get();
  }

  private void run() {
    Duration backoff = Duration.ofMillis(100);
    while (!closed) {
      try (Connection c = database.dedicatedConnection()) {
        connection = c;
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        listening = true;
        sessions.incrementAndGet();
        backoff = Duration.ofMillis(100);
        log.info("listening for changes from other nodes (PostgreSQL LISTEN {})", CHANNEL);
        onChange.accept(-1); // anything committed while not listening
        PGConnection pg = c.unwrap(PGConnection.class);
        long lastCheck = System.nanoTime();
        while (!closed) {
          PGNotification[] notes = pg.getNotifications(WAIT_MILLIS);
          if (notes == null || notes.length == 0) {
            if (System.nanoTime() - lastCheck > CHECK_EVERY.toNanos()) {
              // A connection cut without a word (a failed-over server, a dropped NAT entry)
              // would otherwise wait here for ever.
              if (!c.isValid(2)) {
                throw new SQLException("the LISTEN connection no longer answers", "08006");
              }
              lastCheck = System.nanoTime();
            }
            continue;
          }
          long highest = -1;
          for (PGNotification n : notes) {
            try {
              highest = Math.max(highest, Long.parseLong(n.getParameter()));
            } catch (NumberFormatException e) {
              log.debug("ignoring notification with payload {}", n.getParameter());
            }
          }
          onChange.accept(highest);
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        if (listening) {
          log.warn("lost the LISTEN connection ({}); reconnecting, polling meanwhile", e.getMessage());
        } else {
          log.debug("cannot LISTEN yet ({}); retrying in {} ms", e.getMessage(), backoff.toMillis());
        }
        listening = false;
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      } finally {
        listening = false;
        connection = null;
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c = connection;
    if (c != null) {
      try {
        c.close(); // ends a getNotifications wait at once
      } catch (SQLException e) {
        log.debug("closing the LISTEN connection", e);
      }
    }
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
