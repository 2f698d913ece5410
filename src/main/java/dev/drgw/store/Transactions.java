package dev.drgw.store;

import dev.drgw.changes.Change;
import dev.drgw.domain.Actor;
import dev.drgw.domain.ProvisioningException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs write transactions: the work, then the derived counters, then one change-log entry, all
 * committed together. A transaction that lost a race with a concurrent one is run again.
 */
final class Transactions {

  private static final Logger log = LoggerFactory.getLogger(Transactions.class);
  private static final int MAX_ATTEMPTS = 8;

  private final Database database;
  private final ChangeCodec codec;
  private final Clock clock;

  Transactions(Database database, ChangeCodec codec, Clock clock) {
    this.database = database;
    this.codec = codec;
    this.clock = clock;
  }

  <T> T write(Actor actor, Function<TxContext, T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return database
            .jdbi()
            .inTransaction(
                TransactionIsolationLevel.READ_COMMITTED,
                handle -> {
                  TxContext tx = new TxContext(handle, database.dialect(), clock.instant());
                  T result = work.apply(tx);
                  finish(tx, actor);
                  return result;
                });
      } catch (ProvisioningException e) {
        throw e;
      } catch (RuntimeException e) {
        if (!Dialect.isRetryable(e) || attempt == MAX_ATTEMPTS) {
          if (Dialect.isRetryable(e)) {
            log.warn("write gave up after {} attempts against concurrent writers", attempt, e);
            throw new ProvisioningException.Conflict(
                "ConcurrentUpdate",
                "the data changed concurrently too often to apply this request; retry it",
                null);
          }
          throw e;
        }
        log.debug("write attempt {} lost a race; retrying", attempt, e);
        sleepBeforeRetry(attempt);
      }
    }
  }

  private void finish(TxContext tx, Actor actor) {
    for (Map.Entry<String, Long> delta : tx.directRoutingDelta.entrySet()) {
      if (!tx.deletedAccounts.contains(delta.getKey())) {
        tx.handle
            .createUpdate(
                "UPDATE accounts SET dr_number_count = dr_number_count + :delta WHERE name = :name")
            .bind("delta", delta.getValue())
            .bind("name", delta.getKey())
            .execute();
      }
    }
    if (tx.changes.isEmpty()) {
      return;
    }
    String account = tx.changes.get(0).accountName();
    for (Change change : tx.changes) {
      if (!change.accountName().equals(account)) {
        throw new IllegalStateException("one transaction changed two accounts");
      }
    }
    // The head row stays locked until commit: sequence numbers follow commit order, no gaps.
    tx.handle.createUpdate("UPDATE change_head SET seq = seq + 1 WHERE id = 1").execute();
    long seq =
        tx.handle.createQuery("SELECT seq FROM change_head WHERE id = 1").mapTo(Long.class).one();
    tx.handle
        .createUpdate(
            "INSERT INTO change_log (seq, committed_at, account_name, actor, source, changes)"
                + " VALUES (:seq, :at, :account, :actor, :source, :changes)")
        .bind("seq", seq)
        .bind("at", tx.now)
        .bind("account", account)
        .bind("actor", truncate(actor.subject(), 256))
        .bind("source", truncate(actor.source(), 256))
        .bind("changes", codec.encode(tx.changes))
        .execute();
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  private static void sleepBeforeRetry(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << Math.min(attempt, 5)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a write", e);
    }
  }
}
