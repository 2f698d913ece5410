package dev.drgw.users;

import java.util.List;
import java.util.Optional;

/** Where local portal users are kept. */
public interface UserStore {

  /** Adds the user; false when the username is taken. */
  boolean add(PortalUser user);

  Optional<PortalUser> find(String username);

  List<PortalUser> list();

  /** False when there was no such user. */
  boolean remove(String username);

  /** Sets a new password hash; false when there is no such user. */
  boolean setPasswordHash(String username, String passwordHash);
}
