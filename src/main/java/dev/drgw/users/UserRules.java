package dev.drgw.users;

import java.util.Optional;
import java.util.regex.Pattern;

/** Rules for usernames and passwords of local portal users. Pure. */
public final class UserRules {

  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  public static final int MIN_PASSWORD = 12;

  private UserRules() {}

  /** What is wrong with the username, if anything. */
  public static Optional<String> checkUsername(String username) {
    if (username == null || !USERNAME.matcher(username).matches()) {
      return Optional.of("a username is 1 to 64 letters, digits, '.', '_', '@' or '-'");
    }
    return Optional.empty();
  }

  /** What is wrong with the password, if anything. */
  public static Optional<String> checkPassword(char[] password) {
    if (password == null || password.length < MIN_PASSWORD) {
      return Optional.of("a password needs at least " + MIN_PASSWORD + " characters");
    }
    if (java.nio.charset.StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password)).remaining() > 72) {
      return Optional.of("a password can have at most 72 bytes in UTF-8 (bcrypt's limit)");
    }
    return Optional.empty();
  }
}
