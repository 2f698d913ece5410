package dev.drgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** bcrypt hashes of portal passwords. */
class PasswordHasherTest {

  private static final char[] PASSWORD = "correct horse battery".toCharArray();

  private final PasswordHasher hasher = new PasswordHasher();

  @Test
  void theHashVerifiesItsPassword() {
    String hash = hasher.hash(PASSWORD);

    assertThat(hasher.matches("correct horse battery".toCharArray(), hash)).isTrue();
  }

  @Test
  void aWrongPasswordDoesNotMatch() {
    String hash = hasher.hash(PASSWORD);

    assertThat(hasher.matches("correct horse batterY".toCharArray(), hash)).isFalse();
    assertThat(hasher.matches("correct horse battery ".toCharArray(), hash)).isFalse();
    assertThat(hasher.matches(new char[0], hash)).isFalse();
  }

  @Test
  void noHashMeansNo() {
    assertThat(hasher.matches(PASSWORD, null)).isFalse();
    assertThat(hasher.matches("no such user at all".toCharArray(), null)).as("the dummy's own password").isFalse();
  }

  @Test
  void hashesAreSalted() {
    String first = hasher.hash(PASSWORD);
    String second = hasher.hash(PASSWORD);

    assertThat(first).isNotEqualTo(second);
    assertThat(hasher.matches(PASSWORD, second)).isTrue();
  }

  @Test
  void bcryptWithCostTwelve() {
    String hash = hasher.hash(PASSWORD);

    assertThat(hash).startsWith("$2a$12$").hasSize(60);
    assertThat(hash).doesNotContain("correct horse battery");
  }

  @Test
  void nonAsciiPasswordsRoundTrip() {
    char[] password = "pässwörd-€-密码-🔑".toCharArray();

    String hash = hasher.hash(password);

    assertThat(hasher.matches("pässwörd-€-密码-🔑".toCharArray(), hash)).isTrue();
    assertThat(hasher.matches("passwörd-€-密码-🔑".toCharArray(), hash)).isFalse();
  }

  @Test
  void theHashFitsTheDatabaseColumn() {
    assertThat(hasher.hash("x".repeat(72).toCharArray()).length()).isLessThanOrEqualTo(100);
  }
}
