package dev.drgw.snapshot;

import dev.drgw.changes.ClusterView;
import dev.drgw.changes.NodeState;
import dev.drgw.changes.Nodes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports this node to the node registry (region, applied change, DNS serving) every interval
 * and at once after the snapshot applies changes (at most every {@link #MIN_SPACING}), and reads
 * every node's report back: the {@link ClusterView} that status across regions is derived from.
 * This node always counts with its current state, so a change it has applied shows at once, and
 * while the database is unreachable the last reports read stay in use.
 */
public final class NodeHeartbeat implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeHeartbeat.class);
  static final Duration MIN_SPACING = Duration.ofMillis(100);
  private static final Duration FORGET_AFTER = Duration.ofDays(1);

  private final Nodes nodes;
  private final String name;
  private final int region;
  private final String version;
  private final Instant startedAt;
  private final LongSupplier appliedSeq;
  private final BooleanSupplier dnsServing;
  private final Duration interval;
  private final Duration staleAfter;
  private final Semaphore wake = new Semaphore(0);
  private final Thread thread;
  private volatile BooleanSupplier draining = () -> false;
  private volatile List<NodeState> others = List.of();
  private volatile boolean reachable;
  private volatile boolean closed;
  private long lastForget;

  public NodeHeartbeat(Nodes nodes, String name, int region, String version, LongSupplier appliedSeq,
      BooleanSupplier dnsServing, Duration interval, Duration staleAfter) {
    this.nodes = nodes;
    this.name = name;
    this.region = region;
    this.version = version;
    this.startedAt = Instant.now();
    this.appliedSeq = appliedSeq;
    this.dnsServing = dnsServing;
    this.interval = interval;
    this.staleAfter = staleAfter;
    this.thread = new Thread(this::run, "drgw-heartbeat");
    thread.setDaemon(true);
  }

  /** Reports once (so that the node is registered before it serves), then every interval. */
  public void start() {
    beat();
    thread.start();
  }

  /** Reports soon: the snapshot applied something. */
  public void wake() {
    wake.release();
  }

  /** Whether this node is draining (shutting down), reported to the others. */
  public void drainingFrom(BooleanSupplier draining) {
    this.draining = draining;
  }

  public String name() {
    return name;
  }

  /** True when the last report reached the database. */
  public boolean reachable() {
    return reachable;
  }

  /** This node's current state. */
  public NodeState self() {
    Instant now = Instant.now();
    return new NodeState(name, region, appliedSeq.getAsLong(), dnsServing.getAsBoolean(),
        draining.getAsBoolean(), version, startedAt, now, Duration.ZERO);
  }

  /** Every registered node as last read, this one with its current state. */
  public List<NodeState> nodes() {
    List<NodeState> all = new ArrayList<>();
    NodeState self = self();
    boolean listed = false;
    for (NodeState n : others) {
      if (n.name().equals(name)) {
        all.add(self);
        listed = true;
      } else {
        all.add(n);
      }
    }
    if (!listed) {
      all.add(self);
    }
    return all;
  }

  /** What each region serves, as far as this node knows. */
  public ClusterView view() {
    return ClusterView.of(others, self(), staleAfter);
  }

  public Duration staleAfter() {
    return staleAfter;
  }

  private void run() {
    while (!closed) {
      try {
        wake.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
        if (closed) {
          return;
        }
        beat();
        Thread.sleep(MIN_SPACING.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void beat() {
    NodeState self = self();
    try {
      nodes.heartbeat(new Nodes.Report(name, region, self.appliedSeq(), self.dnsServing(), self.draining(),
          version, startedAt));
      others = nodes.list();
      if (!reachable) {
        log.info("node {} (region {}) reporting to the node registry", name, region);
      }
      reachable = true;
      long now = System.nanoTime();
      if (now - lastForget > Duration.ofMinutes(10).toNanos()) {
        lastForget = now;
        int forgotten = nodes.forget(FORGET_AFTER);
        if (forgotten > 0) {
          log.info("forgot {} node(s) silent for more than {}", forgotten, FORGET_AFTER);
        }
      }
    } catch (RuntimeException e) {
      if (reachable) {
        log.warn("cannot report to the node registry ({}); serving on, status from the last reports",
            e.getMessage());
      }
      reachable = false;
    }
  }

  @Override
  public void close() {
    closed = true;
    wake.release();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
