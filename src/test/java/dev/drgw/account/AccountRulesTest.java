package dev.drgw.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.domain.Violation;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class AccountRulesTest {

  private static final DeploymentNames TWO_REGIONS = new DeploymentNames("gw.example.net", 2, "1r%d");
  private static final AccountRules RULES = new AccountRules(TWO_REGIONS);

  private static Account account(String name, String label, String token1, String token2) {
    return new Account(
        name,
        null,
        "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11",
        new DirectRouting(true, true, new DirectRoutingConfig(true, label, token1, token2)),
        null);
  }

  private static List<String> codes(List<Violation> violations) {
    return violations.stream().map(v -> v.target() + ":" + v.code()).toList();
  }

  @Test
  void aCompleteAccountIsValid() {
    assertThat(RULES.check(account("contoso", "contoso", "MS=ms1", "MS=ms2"))).isEmpty();
  }

  @ParameterizedTest(name = "name \"{0}\" -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "contoso                   | OK",
        "a                         | OK",
        "Contoso_Ltd-2             | OK",
        "NULL                      | name:Required",
        "''                        | name:InvalidLength",
        "contoso.com               | name:InvalidCharacters",
        "con toso                  | name:InvalidCharacters",
        "'x'';DROP TABLE accounts' | name:InvalidCharacters",
        "café                      | name:InvalidCharacters",
      })
  void accountNames(String name, String expected) {
    List<String> got = codes(RULES.check(account(name, "contoso", "t1", "t2")));
    assertThat(got).isEqualTo(expected.equals("OK") ? List.of() : List.of(expected));
  }

  @Test
  void nameOfOneHundredCharactersIsTheLimit() {
    assertThat(RULES.check(account("a".repeat(100), "x", "t", "t"))).isEmpty();
    assertThat(codes(RULES.check(account("a".repeat(101), "x", "t", "t"))))
        .containsExactly("name:InvalidLength");
  }

  private static final String LABEL = "serviceDetails.teamsDirectRouting.configuration.subdomain";

  @ParameterizedTest(name = "label \"{0}\" -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "contoso     | OK",
        "abcdefghij  | OK",
        "a_b-C9      | OK",
        "abcdefghijk | InvalidLength",
        "''          | InvalidLength",
        "NULL        | Required",
        "con.toso    | InvalidCharacters",
        "*           | InvalidCharacters",
        "con toso    | InvalidCharacters",
      })
  void subdomainLabels(String label, String expected) {
    List<String> got = codes(RULES.check(account("c", label, "t1", "t2")));
    assertThat(got).isEqualTo(expected.equals("OK") ? List.of() : List.of(LABEL + ":" + expected));
  }

  static Stream<Arguments> fullNameLengths() {
    // "<label>.1r2.<base>": label + 5 + base length characters.
    return Stream.of(
        Arguments.of("a".repeat(33) + ".net", "abcdef", 48, true),
        Arguments.of("a".repeat(33) + ".net", "abcdefg", 49, false),
        Arguments.of("gw.example.net", "abcdefghij", 29, true));
  }

  @ParameterizedTest(name = "base {0} label {1}: {2} characters, valid={3}")
  @MethodSource("fullNameLengths")
  void theFullSubdomainMustFitInFortyEightCharacters(
      String base, String label, int length, boolean valid) {
    DeploymentNames names = new DeploymentNames(base, 2, "1r%d");
    assertThat(names.customerSubdomain(label, 2)).hasSize(length);
    List<Violation> violations = new AccountRules(names).check(account("c", label, "t1", "t2"));
    if (valid) {
      assertThat(violations).isEmpty();
    } else {
      assertThat(violations).singleElement().satisfies(v -> {
        assertThat(v.code()).isEqualTo("SubdomainTooLong");
        assertThat(v.message()).contains("49 characters").contains("at most 48");
      });
    }
  }

  private static final String TOKENS = "serviceDetails.teamsDirectRouting.configuration.subdomainTokens.";

  @ParameterizedTest(name = "tokens {0} / {1} with {2} regions -> {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "MS=ms123 | MS=ms456 | 2 | OK",
        "MS=ms123 | NULL     | 1 | OK",
        "MS=ms123 | MS=ms456 | 1 | OK",
        "MS=ms123 | NULL     | 2 | region2Token:Required",
        "NULL     | MS=ms456 | 2 | region1Token:Required",
        "MS ms    | MS=ms456 | 2 | region1Token:InvalidCharacters",
        "MS=ms123 | a\"b     | 2 | region2Token:InvalidCharacters",
        "''       | MS=ms456 | 2 | region1Token:InvalidLength",
      })
  void tokens(String token1, String token2, int regions, String expected) {
    AccountRules rules = new AccountRules(new DeploymentNames("gw.example.net", regions, "1r%d"));
    List<String> got = codes(rules.check(account("c", "contoso", token1, token2)));
    assertThat(got).isEqualTo(expected.equals("OK") ? List.of() : List.of(TOKENS + expected));
  }

  @Test
  void tokenOfOneHundredCharactersIsTheLimit() {
    assertThat(RULES.check(account("c", "x", "t".repeat(100), "t"))).isEmpty();
    assertThat(codes(RULES.check(account("c", "x", "t".repeat(101), "t"))))
        .containsExactly(TOKENS + "region1Token:InvalidLength");
  }

  @ParameterizedTest
  @CsvSource({
    "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11, true",
    "5F2C3B1E-8A3D-4B53-9A5E-0C3A8F6D2B11, true",
    "5f2c3b1e8a3d4b539a5e0c3a8f6d2b11, false",
    "not-a-guid, false",
    "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b1, false",
  })
  void tenantIdMustBeAGuid(String tenant, boolean valid) {
    Account a =
        new Account("c", null, tenant, new DirectRouting(false, false, null), null);
    assertThat(RULES.check(a).isEmpty()).isEqualTo(valid);
  }

  @Test
  void directRoutingEnabledNeedsAConfiguration() {
    Account a = new Account("c", null, null, new DirectRouting(true, true, null), null);
    assertThat(codes(RULES.check(a)))
        .containsExactly("serviceDetails.teamsDirectRouting.configuration:Required");
  }

  @Test
  void directRoutingDisabledNeedsNoConfiguration() {
    Account a = new Account("c", null, null, new DirectRouting(false, false, null), null);
    assertThat(RULES.check(a)).isEmpty();
  }

  @Test
  void correlationIdIsLimitedAndFreeOfControlCharacters() {
    Account ok = new Account("c", "crm-1234 <script>'\"; --", null, DirectRouting.OFF, null);
    assertThat(RULES.check(ok)).isEmpty();
    Account tooLong = new Account("c", "x".repeat(257), null, DirectRouting.OFF, null);
    assertThat(codes(RULES.check(tooLong))).containsExactly("correlationId:InvalidLength");
    Account control = new Account("c", "a\nb", null, DirectRouting.OFF, null);
    assertThat(codes(RULES.check(control))).containsExactly("correlationId:InvalidCharacters");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    List<String> got = codes(RULES.check(account("bad name", "toolonglabel", null, "x y")));
    assertThat(got)
        .containsExactlyInAnyOrder(
            "name:InvalidCharacters",
            LABEL + ":InvalidLength",
            TOKENS + "region1Token:Required",
            TOKENS + "region2Token:InvalidCharacters");
  }

  @Test
  void subdomainKeyIgnoresCase() {
    assertThat(AccountRules.subdomainKey("ConToSo")).isEqualTo(AccountRules.subdomainKey("contoso"));
  }
}
