package dev.drgw.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Records each HTTP request: a timer by method, route template and status code. */
public final class HttpMetrics {

  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)
  };

  private final MeterRegistry registry;

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * @param route the route template ({@code /accounts/{accountName}}), never the raw path, so
   *     that the number of series stays bounded
   */
  public void record(String method, String route, int status, double millis) {
    Timer.builder(Metrics.HTTP_REQUESTS)
        .description("HTTP requests served, by method, route template and status code")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .serviceLevelObjectives(BUCKETS)
        .register(registry)
        .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
  }
}
