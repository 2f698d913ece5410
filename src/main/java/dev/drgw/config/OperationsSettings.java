package dev.drgw.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the process behaves toward its operator: how long a graceful stop waits for calls to end
 * ({@code drainTimeout}, zero for not at all) and the log line format.
 */
public record OperationsSettings(Duration drainTimeout, LogFormat logFormat) {

  /** One log line per event: {@code TEXT} for people, {@code JSON} (one object per line) for log shippers. */
  public enum LogFormat { TEXT, JSON }

  public OperationsSettings {
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(logFormat, "logFormat");
  }
}
