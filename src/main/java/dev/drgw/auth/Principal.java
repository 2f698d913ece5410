package dev.drgw.auth;

import java.util.Objects;
import java.util.Set;

/**
 * The caller a verified token speaks for. {@code clientId} is the token's {@code azp} or {@code
 * appid} claim, else the subject.
 */
public record Principal(String subject, String clientId, Set<Role> roles) {

  public Principal {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(clientId, "clientId");
    roles = Set.copyOf(roles);
  }

  /** Whether the caller holds {@code role}, directly or through {@link Role#ADMIN}. */
  public boolean has(Role role) {
    return roles.contains(Role.ADMIN) || roles.contains(role);
  }
}
