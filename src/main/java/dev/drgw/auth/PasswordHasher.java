package dev.drgw.auth;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** bcrypt password hashes for local portal users (Spring Security's implementation). */
public final class PasswordHasher {

  private static final int COST = 12;
  /**
   * A real hash to compare against when the user does not exist, so timing tells nothing; made
   * on first use (a bcrypt hash takes a quarter of a second, not worth spending at start-up).
   */
  private static final class Dummy {
    static final String HASH = new BCryptPasswordEncoder(COST).encode("no such user at all");
  }

  private final BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(COST);

  public String hash(char[] password) {
    return encoder.encode(java.nio.CharBuffer.wrap(password));
  }

  /** Whether the password matches the hash; with a null hash, spends the same time and says no. */
  public boolean matches(char[] password, String hash) {
    boolean ok = encoder.matches(java.nio.CharBuffer.wrap(password), hash == null ? Dummy.HASH : hash);
    return hash != null && ok;
  }
}
