package dev.drgw.api;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: {@code perMinute} requests a minute, refilled continuously, with a
 * burst of the same size. Each request counts as one, a batch included (as in ACG).
 */
final class RateLimiter {

  private static final int MAX_TRACKED_CLIENTS = 100_000;

  private final double capacity;
  private final double tokensPerNano;
  private final LongSupplier nanoClock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(int perMinute, LongSupplier nanoClock) {
    this.capacity = perMinute;
    this.tokensPerNano = perMinute / (double) Duration.ofMinutes(1).toNanos();
    this.nanoClock = nanoClock;
  }

  /** Takes one token for the client; when none is left, how long until one will be. */
  Optional<Duration> acquire(String clientId) {
    long now = nanoClock.getAsLong();
    if (buckets.size() > MAX_TRACKED_CLIENTS) {
      evictFull(now);
    }
    Bucket bucket = buckets.computeIfAbsent(clientId, id -> new Bucket(capacity, now));
    synchronized (bucket) {
      bucket.refill(now, capacity, tokensPerNano);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return Optional.empty();
      }
      long nanos = (long) Math.ceil((1 - bucket.tokens) / tokensPerNano);
      return Optional.of(Duration.ofNanos(nanos));
    }
  }

  private void evictFull(long now) {
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket bucket = it.next();
      synchronized (bucket) {
        bucket.refill(now, capacity, tokensPerNano);
        if (bucket.tokens >= capacity) {
          it.remove();
        }
      }
    }
  }

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.updated = now;
    }

    void refill(long now, double capacity, double perNano) {
      tokens = Math.min(capacity, tokens + (now - updated) * perNano);
      updated = now;
    }
  }
}
