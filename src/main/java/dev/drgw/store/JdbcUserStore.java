package dev.drgw.store;

import dev.drgw.users.PortalUser;
import dev.drgw.users.UserRole;
import dev.drgw.users.UserStore;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;

/** {@link UserStore} in the portal_users table. */
public final class JdbcUserStore implements UserStore {

  private final Database database;

  public JdbcUserStore(Database database) {
    this.database = database;
  }

  @Override
  public boolean add(PortalUser user) {
    try {
      database
          .jdbi()
          .useHandle(
              h ->
                  h.createUpdate(
                          "INSERT INTO portal_users (username, password_hash, role, created_at)"
                              + " VALUES (:u, :p, :r, :now)")
                      .bind("u", user.username())
                      .bind("p", user.passwordHash())
                      .bind("r", user.role().label())
                      .bind("now", OffsetDateTime.now(ZoneOffset.UTC))
                      .execute());
      return true;
    } catch (JdbiException e) {
      if (Dialect.isRetryable(e)) {
        return false; // unique violation: the name is taken
      }
      throw e;
    }
  }

  @Override
  public Optional<PortalUser> find(String username) {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT username, password_hash, role FROM portal_users WHERE username = :u")
                    .bind("u", username)
                    .map((rs, ctx) -> user(rs.getString(1), rs.getString(2), rs.getString(3)))
                    .findOne());
  }

  @Override
  public List<PortalUser> list() {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT username, password_hash, role FROM portal_users ORDER BY username")
                    .map((rs, ctx) -> user(rs.getString(1), rs.getString(2), rs.getString(3)))
                    .list());
  }

  @Override
  public boolean remove(String username) {
    return database
            .jdbi()
            .withHandle(
                h -> h.createUpdate("DELETE FROM portal_users WHERE username = :u").bind("u", username).execute())
        == 1;
  }

  @Override
  public boolean setPasswordHash(String username, String passwordHash) {
    return database
            .jdbi()
            .withHandle(
                h -> h.createUpdate("UPDATE portal_users SET password_hash = :p WHERE username = :u")
                    .bind("u", username)
                    .bind("p", passwordHash)
                    .execute())
        == 1;
  }

  private static PortalUser user(String name, String hash, String role) {
    return new PortalUser(name, UserRole.parse(role).orElse(UserRole.READ), hash);
  }
}
