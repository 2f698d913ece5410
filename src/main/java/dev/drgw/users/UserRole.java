package dev.drgw.users;

import java.util.Locale;
import java.util.Optional;

/**
 * What a portal user may do, mirroring the Provisioning API's roles: read sees everything,
 * write also creates and changes, delete also deletes, admin does all of it.
 */
public enum UserRole {
  READ,
  WRITE,
  DELETE,
  ADMIN;

  /** Whether this role includes {@code needed}. */
  public boolean allows(UserRole needed) {
    return this == ADMIN || this == needed || needed == READ;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code read}, {@code Write}, or {@code ProvisioningAPI.Delete}: case-insensitive. */
  public static Optional<UserRole> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("provisioningapi.")) {
      t = t.substring("provisioningapi.".length());
    }
    for (UserRole role : values()) {
      if (role.label().equals(t)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
