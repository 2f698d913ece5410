package dev.drgw.number;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.domain.Violation;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TelephoneNumberTest {

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "+442071234567    | OK",
        "+12              | OK",
        "+123456789012345 | OK",
        "+1234567890123456| has 16 digits",
        "442071234567     | must start with '+'",
        "0442071234567    | must start with '+'",
        "+0442071234567   | cannot start with 0",
        "+44 20 7123 4567 | only digits",
        "+44-20-71234567  | only digits",
        "+                | only digits",
        "+1               | too short",
        "''               | must start with '+'",
        "NULL             | is required",
        "+４４2071234567  | only digits",
      })
  void e164(String value, String expected) {
    Optional<Violation> violation = TelephoneNumber.check(value, "telephoneNumber");
    if (expected.equals("OK")) {
      assertThat(violation).isEmpty();
      assertThat(TelephoneNumber.isValid(value)).isTrue();
    } else {
      assertThat(violation).get().extracting(Violation::message).asString().contains(expected);
      assertThat(violation.get().target()).isEqualTo("telephoneNumber");
    }
  }
}
