package dev.drgw.domain;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PreconditionTest {

  @ParameterizedTest(name = "If-Match={0} If-None-Match={1} current={2} -> holds={3}")
  @CsvSource(
      nullValues = "NULL",
      value = {
        "NULL, NULL, NULL, true",
        "NULL, NULL, abc, true",
        "abc, NULL, abc, true",
        "abc, NULL, xyz, false",
        "abc, NULL, NULL, false",
        "*, NULL, abc, true",
        "*, NULL, NULL, false",
        "NULL, *, NULL, true",
        "NULL, *, abc, false",
        "NULL, abc, abc, false",
        "NULL, abc, xyz, true",
      })
  void conditions(String ifMatch, String ifNoneMatch, String current, boolean holds) {
    Precondition p = new Precondition(Optional.ofNullable(ifMatch), Optional.ofNullable(ifNoneMatch));
    if (holds) {
      assertThatCode(() -> p.check(Optional.ofNullable(current), "x")).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> p.check(Optional.ofNullable(current), "x"))
          .isInstanceOf(ProvisioningException.PreconditionFailed.class);
    }
  }
}
