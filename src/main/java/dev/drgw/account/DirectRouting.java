package dev.drgw.account;

import java.util.Optional;

/** The Teams Direct Routing service of an account; {@code configuration} may be null. */
public record DirectRouting(boolean syncEnabled, boolean enabled, DirectRoutingConfig configuration) {

  public static final DirectRouting OFF = new DirectRouting(false, false, null);

  public Optional<DirectRoutingConfig> config() {
    return Optional.ofNullable(configuration);
  }
}
