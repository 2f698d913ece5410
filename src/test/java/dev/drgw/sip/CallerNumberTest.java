package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallerNumberTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "none", delimiter = '|', textBlock = """
      sip:+441273652000@sip.pstnhub.microsoft.com;user=phone        | +441273652000
      <sip:+441273652000@sip.pstnhub.microsoft.com:5061;transport=tls> | +441273652000
      sips:+441273652000@example.net                                | +441273652000
      SIP:+441273652000@EXAMPLE.NET                                 | +441273652000
      sip:+441273652000;phone-context=x@example.net                 | +441273652000
      tel:+441273652000                                             | +441273652000
      tel:+44-1273-652000;ext=12                                    | +441273652000
      TEL:+1 (425) 555.0100                                         | +14255550100
      sip:441273652000@10.0.0.1                                     | +441273652000
      sip:00441273652000@10.0.0.1                                   | +441273652000
      sip:+0441273652000@10.0.0.1                                   | none
      sip:0441273652000@10.0.0.1                                    | none
      sip:+4@10.0.0.1                                               | none
      sip:+1234567890123456@10.0.0.1                                | none
      sip:+123456789012345@10.0.0.1                                 | +123456789012345
      sip:anonymous@anonymous.invalid                               | none
      sip:+44127365200a@10.0.0.1                                    | none
      sip:+44%31273652000@10.0.0.1                                  | none
      sip:*123#@10.0.0.1                                            | none
      sip:4412+73652000@10.0.0.1                                    | none
      sip:@10.0.0.1                                                 | none
      sip:10.0.0.1                                                  | none
      sip:+441273652000                                             | none
      http://+441273652000@example.net                              | none
      +441273652000                                                 | none
      ''                                                            | none
      <                                                             | none
      """)
  void fromUri(String uri, String expected) {
    assertThat(CallerNumber.fromUri(uri)).isEqualTo(java.util.Optional.ofNullable(expected));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "none", delimiter = '|', textBlock = """
      +441273652000   | +441273652000
      441273652000    | +441273652000
      0044 1273 652000 | +441273652000
      +               | none
      ''              | none
      ++441273652000  | none
      """)
  void fromUser(String user, String expected) {
    assertThat(CallerNumber.fromUser(user)).isEqualTo(java.util.Optional.ofNullable(expected));
  }

  @org.junit.jupiter.api.Test
  void nullIsNoNumber() {
    assertThat(CallerNumber.fromUri(null)).isEmpty();
    assertThat(CallerNumber.fromUser(null)).isEmpty();
  }
}
