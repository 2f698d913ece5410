package dev.drgw.store;

import dev.drgw.changes.Change;
import dev.drgw.domain.Actor;
import dev.drgw.domain.ProvisioningException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs write transactions with group commit. Each write is the caller's work, then its derived
 * counters, then one change-log entry. One writer thread takes every write that is waiting, runs
 * each inside a savepoint of one database transaction (a write that fails is rolled back to its
 * savepoint alone) and commits once: one disk sync and one hold of the change-log head serve the
 * whole group, so concurrent writers do not queue behind each other's commits.
 */
final class Transactions implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Transactions.class);
  private static final int MAX_ATTEMPTS = 8;
  private static final int MAX_GROUP = 64;

  private final Database database;
  private final ChangeCodec codec;
  private final Clock clock;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final List<Thread> writers = new ArrayList<>();
  private volatile boolean closed;
  /** Queued by {@link #close} to wake the writer without interrupting a database call. */
  private static final Pending<Void> STOP = new Pending<>(Actor.SYSTEM, tx -> null);

  Transactions(Database database, ChangeCodec codec, Clock clock) {
    this.database = database;
    this.codec = codec;
    this.clock = clock;
    for (int i = 0; i < database.dialect().writers; i++) {
      Thread writer = new Thread(this::writeLoop, "drgw-writer-" + i);
      writer.setDaemon(true);
      writer.start();
      writers.add(writer);
    }
  }

  /** Runs {@code work} in a write transaction and returns its result once committed. */
  <T> T write(Actor actor, Function<TxContext, T> work) {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
    Pending<T> pending = new Pending<>(actor, work);
    queue.add(pending);
    try {
      return pending.result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a write to commit", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** A write waiting for, or being run by, the writer thread. */
  private static final class Pending<T> {
    final Actor actor;
    final Function<TxContext, T> work;
    final CompletableFuture<T> result = new CompletableFuture<>();
    int attempts;
    T value;
    ProvisioningException refusal;

    Pending(Actor actor, Function<TxContext, T> work) {
      this.actor = actor;
      this.work = work;
    }

    /** Runs the work; keeps its result until the group commits. */
    void run(TxContext tx) {
      refusal = null;
      value = work.apply(tx);
    }

    /** Reports the outcome decided in a group that has now committed. */
    void settle() {
      if (refusal != null) {
        result.completeExceptionally(refusal);
      } else {
        result.complete(value);
      }
    }
  }

  private void writeLoop() {
    List<Pending<?>> retries = new ArrayList<>();
    while (!closed) {
      List<Pending<?>> group = new ArrayList<>(retries);
      retries.clear();
      try {
        if (group.isEmpty()) {
          group.add(queue.take());
        }
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(group, MAX_GROUP - group.size());
      if (group.remove(STOP) || closed) {
        queue.add(STOP); // wake the next writer too
        group.forEach(p -> p.result.completeExceptionally(new IllegalStateException("the store is closed")));
        break;
      }
      retries.addAll(runGroup(group));
      if (!retries.isEmpty()) {
        sleepBeforeRetry(retries.get(0).attempts);
      }
    }
    failAll(new IllegalStateException("the store was closed before the write ran"));
  }

  /**
   * Runs one group in one transaction; returns the writes to run again in the next group. Outcomes
   * (results and refusals alike) are reported only once the group has committed: a refusal may
   * depend on an earlier write of the same group.
   */
  private List<Pending<?>> runGroup(List<Pending<?>> group) {
    List<Pending<?>> again = new ArrayList<>();
    List<Pending<?>> decided = new ArrayList<>();
    GroupChanges changes = new GroupChanges();
    try (Handle handle = database.jdbi().open()) {
      handle.setTransactionIsolationLevel(TransactionIsolationLevel.READ_COMMITTED);
      handle.begin();
      try {
        for (int i = 0; i < group.size(); i++) {
          Pending<?> pending = group.get(i);
          pending.attempts++;
          String savepoint = "w" + i;
          handle.savepoint(savepoint);
          TxContext tx = new TxContext(handle, database.dialect(), clock.instant());
          try {
            pending.run(tx);
            changes.add(tx, pending.actor);
            handle.releaseSavepoint(savepoint);
            decided.add(pending);
          } catch (ProvisioningException e) {
            handle.rollbackToSavepoint(savepoint);
            pending.refusal = e;
            decided.add(pending);
          } catch (RuntimeException e) {
            handle.rollbackToSavepoint(savepoint);
            retryOrFail(pending, e, again);
          }
        }
        finish(handle, changes);
        handle.commit();
      } catch (RuntimeException e) {
        rollbackQuietly(handle);
        throw e;
      }
    } catch (RuntimeException e) {
      // The group's transaction failed as a whole (commit, connection): nothing of it happened.
      again.clear();
      for (Pending<?> pending : group) {
        if (!pending.result.isDone()) {
          retryOrFail(pending, e, again);
        }
      }
      return again;
    }
    decided.forEach(Pending::settle);
    return again;
  }

  private static void retryOrFail(Pending<?> pending, RuntimeException failure, List<Pending<?>> again) {
    if (!Dialect.isRetryable(failure)) {
      pending.result.completeExceptionally(failure);
    } else if (pending.attempts >= MAX_ATTEMPTS) {
      log.warn("write gave up after {} attempts against concurrent writers", pending.attempts, failure);
      pending.result.completeExceptionally(
          new ProvisioningException.Conflict(
              "ConcurrentUpdate",
              "the data changed concurrently too often to apply this request; retry it",
              null));
    } else {
      log.debug("write attempt {} lost a race; running it again", pending.attempts, failure);
      again.add(pending);
    }
  }

  private static void rollbackQuietly(Handle handle) {
    try {
      handle.rollback();
    } catch (RuntimeException e) {
      log.debug("rollback after a failed group also failed", e);
    }
  }

  /** What the successful writes of a group changed: counter deltas and change-log entries. */
  private static final class GroupChanges {
    final Map<String, Long> directRoutingDelta = new TreeMap<>();
    final List<TxContext> entries = new ArrayList<>();
    final List<Actor> actors = new ArrayList<>();

    void add(TxContext tx, Actor actor) {
      for (Map.Entry<String, Long> delta : tx.directRoutingDelta.entrySet()) {
        directRoutingDelta.merge(delta.getKey(), delta.getValue(), Long::sum);
      }
      tx.deletedAccounts.forEach(directRoutingDelta::remove);
      if (!tx.changes.isEmpty()) {
        String account = tx.changes.get(0).accountName();
        for (Change change : tx.changes) {
          if (!change.accountName().equals(account)) {
            throw new IllegalStateException("one write changed two accounts");
          }
        }
        entries.add(tx);
        actors.add(actor);
      }
    }
  }

  /**
   * The group's tail, kept short because concurrent groups queue behind it: counters (in account
   * order, so that groups never deadlock on them), then one sequence block from the change-log
   * head, whose row stays locked until commit, so sequence numbers follow commit order with no
   * gaps; then the group's change-log rows.
   */
  private void finish(Handle handle, GroupChanges group) {
    if (!group.directRoutingDelta.isEmpty()) {
      PreparedBatch counters =
          handle.prepareBatch(
              "UPDATE accounts SET dr_number_count = dr_number_count + :delta WHERE name = :name");
      group.directRoutingDelta.forEach(
          (account, delta) -> {
            if (delta != 0) {
              counters.bind("delta", delta).bind("name", account).add();
            }
          });
      if (counters.size() > 0) {
        counters.execute();
      }
    }
    int count = group.entries.size();
    if (count == 0) {
      return;
    }
    long last =
        handle.createQuery(database.dialect().advanceHead).bind("count", count).mapTo(Long.class).one();
    PreparedBatch log =
        handle.prepareBatch(
            "INSERT INTO change_log (seq, committed_at, account_name, actor, source, changes)"
                + " VALUES (:seq, :at, :account, :actor, :source, :changes)");
    for (int i = 0; i < count; i++) {
      TxContext tx = group.entries.get(i);
      Actor actor = group.actors.get(i);
      log.bind("seq", last - count + 1 + i)
          .bind("at", tx.now)
          .bind("account", tx.changes.get(0).accountName())
          .bind("actor", truncate(actor.subject(), 256))
          .bind("source", truncate(actor.source(), 256))
          .bind("changes", codec.encode(tx.changes))
          .add();
    }
    log.execute();
  }

  private static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  private static void sleepBeforeRetry(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L << Math.min(attempt, 5)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Fails every queued write; leaves the stop marker queued for the other writers. */
  private void failAll(RuntimeException failure) {
    List<Pending<?>> left = new ArrayList<>();
    queue.drainTo(left);
    left.stream().filter(p -> p != STOP).forEach(p -> p.result.completeExceptionally(failure));
    if (closed) {
      queue.add(STOP);
    }
  }

  /** Stops the writer after the group it is running; writes still queued fail. */
  @Override
  public void close() {
    closed = true;
    queue.add(STOP);
    for (Thread writer : writers) {
      try {
        writer.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    failAll(new IllegalStateException("the store was closed before the write ran"));
  }
}
