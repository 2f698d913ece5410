package dev.drgw.snapshot;

import dev.drgw.changes.ChangeLog;
import dev.drgw.changes.ChangeSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's {@link RoutingSnapshot} current: builds it from the store at start, then
 * applies the change log in order, woken at once by local commits and otherwise polling.
 */
public final class SnapshotFollower implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SnapshotFollower.class);
  private static final int BATCH = 10_000;
  private static final Duration COALESCE = Duration.ofMillis(5);

  private final SnapshotSource source;
  private final ChangeLog changeLog;
  private final Duration pollInterval;
  private final AtomicReference<RoutingSnapshot> current = new AtomicReference<>(RoutingSnapshot.empty());
  private final Semaphore wake = new Semaphore(0);
  private final List<Consumer<RoutingSnapshot>> listeners = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private final ExecutorService folder =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "drgw-snapshot-fold");
            t.setDaemon(true);
            return t;
          });
  /** The snapshot whose numbers are being folded, and the fold; follower thread only. */
  private RoutingSnapshot foldStart;
  private Future<NumberTable> fold;
  private volatile boolean closed;
  private volatile Duration lastBuild = Duration.ZERO;
  /** Commit time of the oldest change set known and not yet applied; null when none is. */
  private volatile Instant behindSince;
  /** Highest sequence a notification announced; the follower reads up to it at least. */
  private final AtomicLong announced = new AtomicLong();
  /** When a notification first announced a change set not yet applied; null when none is. */
  private volatile Instant announcedSince;
  /** The change log could not be read at all (the database is down): nothing can be caught up. */
  private volatile boolean logUnreachable;
  private volatile Consumer<Duration> propagationObserver = d -> {};
  private final java.time.Clock clock;

  public SnapshotFollower(SnapshotSource source, ChangeLog changeLog, Duration pollInterval) {
    this(source, changeLog, pollInterval, java.time.Clock.systemUTC());
  }

  public SnapshotFollower(SnapshotSource source, ChangeLog changeLog, Duration pollInterval, java.time.Clock clock) {
    this.clock = clock;
    this.source = source;
    this.changeLog = changeLog;
    this.pollInterval = pollInterval;
    this.thread = new Thread(this::follow, "drgw-snapshot");
    thread.setDaemon(true);
  }

  /** Builds the snapshot from the store (blocking), then starts following the change log. */
  public void start() {
    current.set(build());
    thread.start();
  }

  public RoutingSnapshot current() {
    return current.get();
  }

  /** How long building the snapshot from the store took at start. */
  public Duration lastBuild() {
    return lastBuild;
  }

  /** Called after every new snapshot, on the follower's thread; must be quick. */
  public void addListener(Consumer<RoutingSnapshot> listener) {
    listeners.add(listener);
  }

  /** Asks the follower to read the change log now (after a local commit). */
  public void wake() {
    wake.release();
  }

  /**
   * Asks the follower to read the change log now because change set {@code seq} was committed
   * elsewhere (-1: unknown, e.g. after a reconnection).
   */
  public void wake(long seq) {
    announce(seq);
    wake.release();
  }

  /** Notes that change set {@code seq} exists; from now on, until applied, it counts as lag. */
  private void announce(long seq) {
    if (announced.accumulateAndGet(seq, Math::max) > current.get().appliedSeq() && announcedSince == null) {
      announcedSince = clock.instant();
    }
  }

  /**
   * How far behind the snapshot is: the time since the oldest change set it knows of and has not
   * applied was committed; zero when it has applied everything it knows of. While the change log
   * cannot be read at all (the database is down) it is zero too, even if a notification announced
   * a change just before: the snapshot keeps serving the last state it had, as every node does,
   * and readiness must not take every node out at once.
   */
  public Duration lag() {
    if (logUnreachable) {
      return Duration.ZERO; // every node is in the same position: serving on is right
    }
    Instant since = behindSince;
    Instant heard = announcedSince;
    if (heard != null && announced.get() <= current.get().appliedSeq()) {
      heard = null;
    }
    Instant oldest = since == null ? heard : heard == null || since.isBefore(heard) ? since : heard;
    if (oldest == null) {
      return Duration.ZERO;
    }
    Duration lag = Duration.between(oldest, clock.instant());
    return lag.isNegative() ? Duration.ZERO : lag;
  }

  /** Told, for each change set applied, how long after its commit it was applied. */
  public void onPropagation(Consumer<Duration> observer) {
    this.propagationObserver = observer;
  }

  private RoutingSnapshot build() {
    long start = System.nanoTime();
    Map<String, AccountView> accounts = new HashMap<>();
    NumberBase.Builder numbers = new NumberBase.Builder();
    long seq =
        source.load(
            a -> accounts.put(a.value().name(), AccountView.of(a.value(), a.version())),
            n -> numbers.add(n.telephoneNumber(), n.accountName(), n.directRoutingEnabled(), n.customSipHeader()));
    NumberBase.Built built = numbers.build();
    RoutingSnapshot snapshot = RoutingSnapshot.of(seq, accounts, NumberTable.of(built));
    lastBuild = Duration.ofNanos(System.nanoTime() - start);
    log.info(
        "routing snapshot built at change {}: {} accounts, {} numbers in {} ms",
        seq, accounts.size(), built.base().size() + built.unkeyed().size(), lastBuild.toMillis());
    return snapshot;
  }

  private void follow() {
    while (!closed) {
      try {
        if (wake.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS)) {
          // Let the commits of the next few milliseconds join this one: one read of the
          // change log and one new snapshot for all of them.
          Thread.sleep(COALESCE.toMillis());
        }
        wake.drainPermits();
        if (closed) {
          return;
        }
        catchUp();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        noteUnreadable(e);
        sleep(pollInterval);
      }
    }
  }

  /**
   * The change log could not be read or applied. When the database answers and has changes this
   * node has not applied (an entry it cannot decode, e.g. written by a newer drgw during an
   * upgrade), the snapshot counts as behind from now on, so that readiness fails after
   * DRGW_READY_MAX_LAG instead of serving an old state silently. While the database is
   * unreachable nothing new is known and the snapshot serves on.
   */
  private void noteUnreadable(RuntimeException failure) {
    long head;
    try {
      head = changeLog.latestSeq();
    } catch (RuntimeException unreachable) {
      logUnreachable = true;
      log.warn("cannot read the change log ({}); serving the snapshot at change {} meanwhile",
          failure.getMessage(), current.get().appliedSeq());
      return;
    }
    if (head > current.get().appliedSeq()) {
      announce(head);
      log.error("cannot apply change set {} (the database has changes up to {}); this node serves change {}"
          + " and retries", current.get().appliedSeq() + 1, head, current.get().appliedSeq(), failure);
    } else {
      log.warn("could not follow the change log; retrying", failure);
    }
  }

  /** Applies every change set committed after the current snapshot. */
  void catchUp() {
    installFold();
    while (true) {
      RoutingSnapshot snapshot = current.get();
      List<ChangeSet> sets = changeLog.after(snapshot.appliedSeq(), BATCH);
      logUnreachable = false;
      if (sets.isEmpty()) {
        behindSince = null;
        if (announced.get() <= snapshot.appliedSeq()) {
          announcedSince = null;
        }
        return;
      }
      if (behindSince == null) {
        behindSince = sets.get(0).committedAt();
      }
      RoutingSnapshot next;
      try {
        next = snapshot.apply(sets);
      } catch (IllegalStateException gap) {
        log.error("{}; rebuilding the snapshot from the store", gap.getMessage());
        next = build();
      }
      current.set(next);
      Instant applied = clock.instant();
      Consumer<Duration> observer = propagationObserver;
      for (ChangeSet set : sets) {
        if (set.seq() <= next.appliedSeq()) {
          Duration d = Duration.between(set.committedAt(), applied);
          observer.accept(d.isNegative() ? Duration.ZERO : d);
        }
      }
      for (Consumer<RoutingSnapshot> listener : listeners) {
        try {
          listener.accept(next);
        } catch (RuntimeException e) {
          log.warn("snapshot listener failed", e);
        }
      }
      startFold(next);
      if (sets.size() < BATCH) {
        behindSince = null;
        if (announced.get() <= next.appliedSeq()) {
          announcedSince = null;
        }
        return;
      }
      behindSince = sets.get(sets.size() - 1).committedAt(); // more to read, all newer
    }
  }

  /**
   * Starts building a new base of numbers from the snapshot's base and overlay on another
   * thread, when the overlay has outgrown its bound, so that the follower keeps applying changes
   * meanwhile.
   */
  private void startFold(RoutingSnapshot snapshot) {
    if (fold != null || !snapshot.numbersWantFold()) {
      return;
    }
    foldStart = snapshot;
    fold =
        folder.submit(
            () -> {
              long start = System.nanoTime();
              NumberTable folded = snapshot.numbers().rebased();
              log.info("routing snapshot numbers folded into a new base at change {} in {} ms",
                  snapshot.appliedSeq(), (System.nanoTime() - start) / 1_000_000);
              wake();
              return folded;
            });
  }

  /** Replaces the current snapshot's numbers by the folded ones, once the fold is done. */
  private void installFold() {
    if (fold == null || !fold.isDone()) {
      return;
    }
    try {
      current.set(current.get().withNumbersFolded(foldStart, fold.get()));
    } catch (ExecutionException e) {
      log.warn("could not fold the routing snapshot's numbers; will try again", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      fold = null;
      foldStart = null;
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
    folder.shutdownNow();
    wake.release();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
