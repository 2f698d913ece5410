package dev.drgw.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Usernames and passwords of local portal users. */
class UserRulesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "admin", "olivia.smith", "o_smith", "ops-1", "olivia@example.net", "A.B_c-d@9",
      "x234567890123456789012345678901234567890123456789012345678901234"})
  void goodUsernames(String username) {
    assertThat(UserRules.checkUsername(username)).isEmpty();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "x2345678901234567890123456789012345678901234567890123456789012345",
      "olivia smith",
      " olivia",
      "olivia\n",
      "olivia\u0000",
      "o'brien",
      "a/b",
      "a\\b",
      "a:b",
      "<script>",
      "ölivia",
      "\u0430dmin"})
  void badUsernames(String username) {
    assertThat(UserRules.checkUsername(username))
        .contains("a username is 1 to 64 letters, digits, '.', '_', '@' or '-'");
  }

  @Test
  void twelveCharactersAreEnough() {
    assertThat(UserRules.checkPassword("123456789012".toCharArray())).isEmpty();
  }

  @Test
  void elevenCharactersAreTooFew() {
    assertThat(UserRules.checkPassword("12345678901".toCharArray()))
        .contains("a password needs at least 12 characters");
  }

  @Test
  void noPasswordIsTooShort() {
    assertThat(UserRules.checkPassword(null)).contains("a password needs at least 12 characters");
    assertThat(UserRules.checkPassword(new char[0])).contains("a password needs at least 12 characters");
  }

  @Test
  void seventyTwoBytesAreTheLimit() {
    assertThat(UserRules.checkPassword("x".repeat(72).toCharArray())).isEmpty();
    assertThat(UserRules.checkPassword("x".repeat(73).toCharArray()))
        .contains("a password can have at most 72 bytes in UTF-8 (bcrypt's limit)");
  }

  @Test
  void theLimitCountsUtf8BytesNotCharacters() {
    String thirty = "€".repeat(30);
    assertThat(thirty).hasSize(30);
    assertThat(thirty.getBytes(StandardCharsets.UTF_8)).hasSize(90);

    assertThat(UserRules.checkPassword(thirty.toCharArray())).contains(
        "a password can have at most 72 bytes in UTF-8 (bcrypt's limit)");
    assertThat(UserRules.checkPassword("€".repeat(24).toCharArray())).as("72 bytes").isEmpty();
    assertThat(UserRules.checkPassword("€".repeat(25).toCharArray())).as("75 bytes").isPresent();
  }

  @Test
  void twoByteCharactersToo() {
    assertThat(UserRules.checkPassword("é".repeat(36).toCharArray())).isEmpty();
    assertThat(UserRules.checkPassword(("é".repeat(36) + "x").toCharArray())).isPresent();
  }
}
