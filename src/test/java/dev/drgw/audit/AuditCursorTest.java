package dev.drgw.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The audit trail's continuation key: what it reads, and that it refuses everything else. */
class AuditCursorTest {

  @ParameterizedTest
  @ValueSource(strings = {"0.0", "1.2", "42.99", "9223372036854775807.2147483647"})
  void readsWhatItWrites(String text) {
    assertThat(AuditCursor.parse(text)).hasValueSatisfying(c -> assertThat(c.toString()).isEqualTo(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", ".", "1.", ".1", "1", "-1.2", "1.-2", "+1.2", "1.+2", " 1.2", "1.2 ", "1.2.3", "a.b",
      "9223372036854775808.1", "1.2147483648", "1,2", "1'; DROP TABLE audit_trail;--.1"})
  void refusesAnythingElse(String text) {
    assertThat(AuditCursor.parse(text)).isEmpty();
  }
}
