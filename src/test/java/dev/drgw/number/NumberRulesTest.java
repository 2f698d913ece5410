package dev.drgw.number;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.domain.Violation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumberRulesTest {

  @ParameterizedTest(name = "header \"{0}\" -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "NULL          | OK",
        "tier-gold_42  | OK",
        "''            | configuration.customSipHeader:InvalidLength",
        "has space     | configuration.customSipHeader:InvalidCharacters",
        "a;b=c         | configuration.customSipHeader:InvalidCharacters",
        "Via:evil      | configuration.customSipHeader:InvalidCharacters",
      })
  void customSipHeader(String header, String expected) {
    var violations = NumberRules.check(new NumberEntry("+442071234567", "contoso", true, header, null));
    var got = violations.stream().map(v -> v.target() + ":" + v.code()).toList();
    assertThat(got).isEqualTo(expected.equals("OK") ? java.util.List.of() : java.util.List.of(expected));
  }

  @ParameterizedTest
  @CsvSource({"100, true", "101, false"})
  void customSipHeaderIsAtMostOneHundredCharacters(int length, boolean valid) {
    var violations =
        NumberRules.check(new NumberEntry("+442071234567", "contoso", true, "h".repeat(length), null));
    assertThat(violations.isEmpty()).isEqualTo(valid);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"4420 | telephoneNumber", "+4420 | OK"})
  void numberAndAccountAreChecked(String number, String expected) {
    var violations = NumberRules.check(new NumberEntry(number, "bad name", false, null, null));
    assertThat(violations.stream().map(Violation::target))
        .isEqualTo(
            expected.equals("OK")
                ? java.util.List.of("accountName")
                : java.util.List.of(expected, "accountName"));
  }
}
