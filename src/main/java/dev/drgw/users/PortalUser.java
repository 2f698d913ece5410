package dev.drgw.users;

/** A local portal user: name, role and bcrypt password hash. */
public record PortalUser(String username, UserRole role, String passwordHash) {

  @Override
  public String toString() {
    return "PortalUser[" + username + ", " + role.label() + "]";
  }
}
