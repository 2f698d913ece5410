package dev.drgw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InvalidTokenExceptionTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
    "token expired | token expired",
    "'say \"hi\"' | say  hi",
    "'line\r\nbreak' | line  break",
    "'back\\slash' | back slash",
    "'tab\there' | tab here",
    "'caf\u00e9' | caf",
    "'\n' | invalid token",
  })
  void messagesAreSafeForAHeader(String message, String expected) {
    assertThat(new InvalidTokenException(message).getMessage()).isEqualTo(expected);
  }

  @Test
  void longMessagesAreCut() {
    assertThat(new InvalidTokenException("x".repeat(10_000)).getMessage()).hasSize(200);
  }
}
