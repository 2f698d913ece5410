package dev.drgw.store;

import dev.drgw.account.Account;
import dev.drgw.changes.Change;
import dev.drgw.domain.Actor;
import dev.drgw.domain.ProvisioningException;
import dev.drgw.number.NumberEntry;
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
 * Runs write transactions with group commit. The writer thread takes every write that is
 * waiting, locks the change-log head, and runs the writes one after another in one database
 * transaction, each with the next sequence number. A write the domain refuses before touching
 * the database (every rule is checked before writing) simply drops out. A write that fails after
 * writing, or with a database error, makes the group roll back: the writes before it run again as
 * a group, the failing one alone, in its own transaction. The group's tail applies the derived
 * counters, advances the head and inserts the change-log and audit-trail rows; then one commit,
 * one disk sync, serves the whole group. Sequence numbers are therefore gap-free and in commit
 * order, and each is the version of every entity its write touched.
 */
final class Transactions implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Transactions.class);
  private static final int MAX_ATTEMPTS = 8;
  private static final int MAX_GROUP = 64;

  private final Database database;
  private final ChangeCodec codec;
  private final Clock clock;
  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final List<Runnable> commitListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean closed;
  /** Queued by {@link #close} to wake the writer without interrupting a database call. */
  private static final Pending<Void> STOP = new Pending<>(Actor.SYSTEM, tx -> null);

  Transactions(Database database, ChangeCodec codec, Clock clock) {
    this.database = database;
    this.codec = codec;
    this.clock = clock;
    this.writer = new Thread(this::writeLoop, "drgw-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Runs after every commit that changed something (e.g. to wake the snapshot follower). */
  void onCommit(Runnable listener) {
    commitListeners.add(listener);
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
    /** Run in a transaction of its own: it failed in a group. */
    boolean alone;

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
      List<Pending<?>> group = nextGroup(retries);
      try {
        if (group.isEmpty()) {
          group.add(queue.take());
        }
      } catch (InterruptedException e) {
        break;
      }
      if (!group.get(0).alone && retries.isEmpty()) {
        queue.drainTo(group, MAX_GROUP - group.size());
      }
      if (group.remove(STOP) || closed) {
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

  /** Takes the next group from the writes to run again: up to the first that must run alone. */
  private static List<Pending<?>> nextGroup(List<Pending<?>> retries) {
    List<Pending<?>> group = new ArrayList<>();
    while (!retries.isEmpty()) {
      Pending<?> next = retries.get(0);
      if (next.alone && !group.isEmpty()) {
        break;
      }
      group.add(retries.remove(0));
      if (next.alone) {
        break;
      }
    }
    return group;
  }

  /**
   * Runs one group in one transaction; returns the writes to run again, in order. Outcomes
   * (results and refusals alike) are reported only once the group has committed: a refusal may
   * depend on an earlier write of the same group.
   */
  private List<Pending<?>> runGroup(List<Pending<?>> group) {
    List<Pending<?>> again = new ArrayList<>();
    List<Pending<?>> decided = new ArrayList<>();
    GroupChanges changes = new GroupChanges();
    int failedAt = -1;
    RuntimeException failure = null;
    boolean committed = false;
    try (Handle handle = database.jdbi().open()) {
      handle.setTransactionIsolationLevel(TransactionIsolationLevel.READ_COMMITTED);
      handle.begin();
      try {
        // Locked until commit: no other writer (on any node) takes sequence numbers meanwhile.
        long head =
            handle.createQuery("SELECT seq FROM change_head WHERE id = 1 FOR UPDATE").mapTo(Long.class).one();
        for (int i = 0; i < group.size() && failedAt < 0; i++) {
          Pending<?> pending = group.get(i);
          pending.attempts++;
          TxContext tx = new TxContext(handle, database.dialect(), clock.instant(), head + 1);
          try {
            pending.run(tx);
            changes.add(tx, pending.actor);
            decided.add(pending);
            if (!tx.changes.isEmpty()) {
              head++;
            }
          } catch (ProvisioningException e) {
            if (tx.wrote()) {
              failedAt = i;
              failure = e;
            } else {
              // Refused before writing anything: nothing of it to undo.
              pending.refusal = e;
              decided.add(pending);
            }
          } catch (RuntimeException e) {
            failedAt = i;
            failure = e;
          }
        }
        if (failedAt >= 0) {
          handle.rollback();
        } else {
          finish(handle, changes, head);
          handle.commit();
          committed = true;
        }
      } catch (RuntimeException e) {
        rollbackQuietly(handle);
        throw e;
      }
    } catch (RuntimeException e) {
      if (committed) {
        // Closing the connection failed after the commit had succeeded (the database going
        // away at that moment): the group happened, and its writers must be told so, or a
        // retry would write the same change twice.
        log.warn("the connection failed after a commit; the commit stands ({})", e.getMessage());
      } else {
        // The group's transaction failed as a whole (commit, connection): nothing of it happened.
        for (Pending<?> pending : group) {
          if (!pending.result.isDone()) {
            retryOrFail(pending, e, again);
          }
        }
        return again;
      }
    }
    if (failedAt >= 0) {
      // Nothing was committed: the writes before the failing one run again as a group, the
      // failing one alone, the rest after.
      for (int i = 0; i < group.size(); i++) {
        Pending<?> pending = group.get(i);
        if (i < failedAt) {
          pending.attempts--;
          again.add(pending);
        } else if (i == failedAt) {
          if (pending.alone && failure instanceof ProvisioningException refused) {
            pending.result.completeExceptionally(refused);
          } else {
            pending.alone = true;
            retryOrFail(pending, failure, again);
          }
        } else {
          again.add(pending);
        }
      }
      return again;
    }
    decided.forEach(Pending::settle);
    if (!changes.entries.isEmpty()) {
      for (Runnable listener : commitListeners) {
        try {
          listener.run();
        } catch (RuntimeException e) {
          log.warn("commit listener failed", e);
        }
      }
    }
    return again;
  }

  private static void retryOrFail(Pending<?> pending, RuntimeException failure, List<Pending<?>> again) {
    if (pending.alone && pending.attempts <= 1 && !Dialect.isRetryable(failure)) {
      // It failed inside a group; whether it fails on its own is for its own run to show.
      again.add(pending);
    } else if (!Dialect.isRetryable(failure)) {
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
   * The group's tail: counters (in account order), the head advanced to the last sequence number
   * used, and the group's change-log and audit-trail rows.
   */
  private void finish(Handle handle, GroupChanges group, long head) {
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
    if (group.entries.isEmpty()) {
      return;
    }
    handle.createUpdate("UPDATE change_head SET seq = :seq WHERE id = 1").bind("seq", head).execute();
    PreparedBatch log =
        handle.prepareBatch(
            "INSERT INTO change_log (seq, committed_at, account_name, actor, source, changes)"
                + " VALUES (:seq, :at, :account, :actor, :source, :changes)");
    // The commit follows at once: other nodes measure propagation from this moment (the writes'
    // own time may be earlier by their wait in the group).
    java.time.Instant committing = clock.instant();
    for (int i = 0; i < group.entries.size(); i++) {
      TxContext tx = group.entries.get(i);
      Actor actor = group.actors.get(i);
      log.bind("seq", tx.seq)
          .bind("at", committing)
          .bind("account", tx.changes.get(0).accountName())
          .bind("actor", truncate(actor.subject(), 256))
          .bind("source", truncate(actor.source(), 256))
          .bind("changes", codec.encode(tx.changes))
          .add();
    }
    log.execute();
    insertAudit(handle, group, committing);
    if (database.dialect() == Dialect.POSTGRESQL) {
      // Delivered to every listening node when (and only if) the transaction commits.
      handle.createQuery("SELECT pg_notify('" + PgChangeListener.CHANNEL + "', :seq)")
          .bind("seq", Long.toString(head))
          .mapTo(String.class)
          .one();
    }
  }

  /**
   * The audit-trail rows of the group's writes, at the change log's time: one batch, whatever the
   * number of entities.
   */
  private void insertAudit(Handle handle, GroupChanges group, java.time.Instant at) {
    PreparedBatch audit =
        handle.prepareBatch(
            "INSERT INTO audit_trail (seq, item, changed_at, actor, source, kind, entity_key,"
                + " account_name, action, before_state, after_state) VALUES (:seq, :item, :at,"
                + " :actor, :source, :kind, :entity, :account, :action, :before, :after)");
    for (int i = 0; i < group.entries.size(); i++) {
      TxContext tx = group.entries.get(i);
      Actor actor = group.actors.get(i);
      for (int item = 0; item < tx.audited.size(); item++) {
        Audited a = tx.audited.get(item);
        audit
            .bind("seq", tx.seq)
            .bind("item", item)
            .bind("at", at)
            .bind("actor", truncate(actor.subject(), 256))
            .bind("source", truncate(actor.source(), 256))
            .bind("kind", a.kind().wire())
            .bind("entity", a.entity())
            .bind("account", a.accountName())
            .bind("action", a.action().wire())
            .bind("before", state(a, true))
            .bind("after", state(a, false))
            .add();
      }
    }
    if (audit.size() > 0) {
      audit.execute();
    }
  }

  private String state(Audited audited, boolean before) {
    if (audited instanceof Audited.OfAccount a) {
      Account account = before ? a.before() : a.after();
      return account == null ? null : codec.auditState(account);
    }
    Audited.OfNumber n = (Audited.OfNumber) audited;
    NumberEntry number = before ? n.before() : n.after();
    return number == null ? null : codec.auditState(number);
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
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll(new IllegalStateException("the store was closed before the write ran"));
  }
}
