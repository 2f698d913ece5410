package dev.drgw.api;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outcomes of repeatable requests that could not be written to the request ledger because the
 * database had gone away (a 503 whose entry must be released, or a success whose answer must be
 * kept). They are written again before the next claim and once a second, so that a retry with
 * the same Repeatability-Request-ID is not refused as "in progress" for minutes after the
 * database returns.
 */
final class DeferredOutcomes {

  private static final Logger log = LoggerFactory.getLogger(DeferredOutcomes.class);
  private static final int MAX_KEPT = 100_000;

  private final ConcurrentLinkedQueue<Runnable> pending = new ConcurrentLinkedQueue<>();

  /** Keeps {@code write} to run again later (it failed just now). */
  void defer(Runnable write) {
    if (pending.size() >= MAX_KEPT) {
      log.warn("dropping a deferred request-ledger write: {} are waiting", MAX_KEPT);
      return;
    }
    pending.add(write);
  }

  int size() {
    return pending.size();
  }

  /** Runs the deferred writes in order; stops at the first that fails again (still unreachable). */
  void retry() {
    Iterator<Runnable> it = pending.iterator();
    while (it.hasNext()) {
      Runnable write = it.next();
      try {
        write.run();
        it.remove();
      } catch (RuntimeException e) {
        log.debug("deferred request-ledger write failed again", e);
        return;
      }
    }
  }
}
