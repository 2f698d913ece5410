package dev.drgw.config;

import java.util.Objects;
import java.util.Optional;

/**
 * SIP signalling: whether it runs, where the operator side listens, this node's region (whose
 * customer subdomains go to Teams) and the headers added toward the operator network.
 */
public record SipSettings(
    boolean enabled,
    String bind,
    int operatorPort,
    int nodeRegion,
    String customHeaderName,
    Optional<String> tenantHeaderName) {

  public SipSettings {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(customHeaderName, "customHeaderName");
    Objects.requireNonNull(tenantHeaderName, "tenantHeaderName");
  }
}
