package dev.drgw.sip;

import java.util.function.LongSupplier;

/**
 * Admission of new calls at a sustained rate, with bursts up to one second's worth: a token
 * bucket. A gateway past its capacity must refuse new calls (503 with Retry-After) rather than
 * take them all and let every call's answers queue until they time out. Thread-safe; pure but
 * for the clock it is given.
 */
public final class CallAdmission {

  private final double perNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  /** {@code callsPerSecond} 0 admits everything. */
  public CallAdmission(int callsPerSecond, LongSupplier nanoTime) {
    if (callsPerSecond < 0) {
      throw new IllegalArgumentException("callsPerSecond must not be negative");
    }
    this.perNano = callsPerSecond / 1e9;
    this.burst = callsPerSecond;
    this.nanoTime = nanoTime;
    this.tokens = burst;
    this.last = nanoTime.getAsLong();
  }

  /** The sustained rate; 0 for no limit. */
  public int callsPerSecond() {
    return (int) burst;
  }

  /** Whether a new call may be taken now (and counts it if so). */
  public synchronized boolean admit() {
    if (burst == 0) {
      return true;
    }
    long now = nanoTime.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
