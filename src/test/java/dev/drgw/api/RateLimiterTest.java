package dev.drgw.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong now = new AtomicLong();
  private final RateLimiter limiter = new RateLimiter(60, now::get);

  @Test
  void aFullBucketAllowsABurstThenRefusesWithTheWait() {
    for (int i = 0; i < 60; i++) {
      assertThat(limiter.acquire("a")).as("request %d", i).isEmpty();
    }
    assertThat(limiter.acquire("a")).contains(Duration.ofSeconds(1));
  }

  @Test
  void tokensComeBackOverTime() {
    for (int i = 0; i < 60; i++) {
      limiter.acquire("a");
    }
    now.addAndGet(Duration.ofMillis(500).toNanos());
    assertThat(limiter.acquire("a")).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofMillis(400), Duration.ofMillis(600)));
    now.addAndGet(Duration.ofMillis(600).toNanos());
    assertThat(limiter.acquire("a")).isEmpty();
  }

  @Test
  void clientsHaveSeparateBuckets() {
    for (int i = 0; i < 60; i++) {
      limiter.acquire("a");
    }
    assertThat(limiter.acquire("a")).isPresent();
    assertThat(limiter.acquire("b")).isEmpty();
  }
}
