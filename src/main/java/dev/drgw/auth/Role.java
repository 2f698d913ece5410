package dev.drgw.auth;

import java.util.Optional;

/** A Provisioning API app role, carried in the token's {@code roles} claim. */
public enum Role {
  READ("Read"),
  WRITE("Write"),
  DELETE("Delete"),
  /** Everything; implies every other role. */
  ADMIN("Admin");

  private static final String PREFIX = "ProvisioningAPI.";

  private final String shortName;

  Role(String shortName) {
    this.shortName = shortName;
  }

  /** The value in the token's {@code roles} claim, e.g. {@code ProvisioningAPI.Read}. */
  public String claimValue() {
    return PREFIX + shortName;
  }

  /** Reads operator input: {@code read}, {@code Read} or {@code ProvisioningAPI.Read}, any case. */
  public static Optional<Role> parse(String s) {
    if (s == null) {
      return Optional.empty();
    }
    for (Role role : values()) {
      if (s.equalsIgnoreCase(role.shortName) || s.equalsIgnoreCase(role.claimValue())) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  /** Reads a token's role string, which must be an exact claim value. */
  static Optional<Role> fromClaim(String claim) {
    for (Role role : values()) {
      if (role.claimValue().equals(claim)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
