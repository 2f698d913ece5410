package dev.drgw;

import dev.drgw.sip.Calls;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first phases of a graceful stop (docs/operations.md, "Shutdown and draining"): the node
 * declares itself draining (/health/ready, new API requests, new calls and OPTIONS all get 503),
 * waits for the calls in progress to end, up to the drain timeout, and ends those left with BYE.
 * {@link Wiring#close} then stops the HTTP server (letting requests in progress finish), the
 * rest, and DNS last.
 */
final class Drain {

  private static final Logger log = LoggerFactory.getLogger(Drain.class);
  private static final long POLL_MS = 50;
  /** How long the BYEs of calls ended at the limit may take to be answered before the stacks stop. */
  private static final Duration BYE_ANSWERS = Duration.ofSeconds(2);

  private final AtomicBoolean draining = new AtomicBoolean();
  private final Duration timeout;
  private final Calls calls;

  /** {@code calls} is null while SIP is off. */
  Drain(Duration timeout, Calls calls) {
    this.timeout = timeout;
    this.calls = calls;
  }

  boolean draining() {
    return draining.get();
  }

  /** Runs the drain once; later calls return at once. */
  void run() {
    if (!draining.compareAndSet(false, true)) {
      return;
    }
    if (calls == null) {
      log.info("draining: refusing new API requests (SIP is off)");
      return;
    }
    calls.drain();
    int active = calls.active();
    log.info("draining: refusing new calls, OPTIONS and API requests; {} calls in progress, waiting up to {} s",
        active, timeout.toSeconds());
    long start = System.nanoTime();
    if (!waitFor(calls::active, timeout)) {
      return;
    }
    int left = calls.active();
    if (left == 0) {
      log.info("drained: every call ended within {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      return;
    }
    int ended = calls.endAll();
    log.info("drain time over: {} calls ended by drgw (BYE on both legs of answered calls, 503 and CANCEL on calls"
        + " not yet answered)", ended);
    waitFor(calls::byesUnanswered, BYE_ANSWERS);
  }

  /** Waits until {@code count} is zero or {@code limit} passes; false when interrupted. */
  private static boolean waitFor(IntSupplier count, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (count.getAsInt() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }
}
