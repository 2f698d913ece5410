package dev.drgw.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * This node's place in a deployment of several: its name in the node registry (empty: derived
 * from the host name and HTTP port at start), how often it reports, when a silent node stops
 * counting, and how far behind its snapshot may fall before it is not ready.
 */
public record NodeSettings(
    Optional<String> name, Duration heartbeatInterval, Duration staleAfter, Duration readyMaxLag) {

  public NodeSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(staleAfter, "staleAfter");
    Objects.requireNonNull(readyMaxLag, "readyMaxLag");
  }
}
