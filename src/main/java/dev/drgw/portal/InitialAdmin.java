package dev.drgw.portal;

import dev.drgw.auth.PasswordHasher;
import dev.drgw.users.PortalUser;
import dev.drgw.users.UserRole;
import dev.drgw.users.UserStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A first portal user on a fresh installation, so that the portal can be used at once: when
 * there is no portal user at all, {@code admin} is created with a random password, written to
 * {@code initial-admin-password} in the data directory (readable by drgw's user only). drgw never
 * reads the file back; the operator deletes it after changing the password or adding real users.
 */
public final class InitialAdmin {

  private static final Logger log = LoggerFactory.getLogger(InitialAdmin.class);
  public static final String USERNAME = "admin";
  public static final String FILE = "initial-admin-password";

  private InitialAdmin() {}

  /** Creates the first user if there is none; returns whether it did. */
  public static boolean ensure(UserStore users, PasswordHasher hasher, Path dataDir) throws IOException {
    if (!users.list().isEmpty()) {
      return false;
    }
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Path file = dataDir.resolve(FILE);
    if (!users.add(new PortalUser(USERNAME, UserRole.ADMIN, hasher.hash(password.toCharArray())))) {
      return false; // another node created it meanwhile
    }
    Files.deleteIfExists(file);
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
      Files.createFile(file);
    }
    Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
    log.warn("portal: no users yet, so created user '{}' (role admin) with the password in {}; sign in at"
        + " /portal, then add real users with 'drgw user add' and remove this one", USERNAME, file.toAbsolutePath());
    return true;
  }
}
