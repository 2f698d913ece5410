package dev.drgw.config;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Provisioning API limits: the request rate limit per minute (empty = off) and how long a {@code
 * Repeatability-Request-ID} is remembered.
 */
public record ApiSettings(OptionalInt rateLimitPerMinute, Duration repeatabilityWindow) {

  public ApiSettings {
    Objects.requireNonNull(rateLimitPerMinute, "rateLimitPerMinute");
    Objects.requireNonNull(repeatabilityWindow, "repeatabilityWindow");
  }
}
