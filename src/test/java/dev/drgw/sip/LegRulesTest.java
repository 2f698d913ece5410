package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.sip.LegRules.Toward;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LegRulesTest {

  @ParameterizedTest(name = "toward {0}: {1} (Retry-After {2}, provisional passed back {3}) -> next peer {4}")
  @CsvSource({
      "TEAMS, 408, false, false, true",
      "TEAMS, 503, true, false, true",
      "TEAMS, 503, false, false, false",
      "TEAMS, 504, false, false, false",
      "TEAMS, 603, false, false, false",
      "TEAMS, 603, true, false, false",
      "TEAMS, 486, false, false, false",
      "TEAMS, 500, false, false, false",
      "TEAMS, 404, false, false, false",
      "TEAMS, 408, false, true, false",
      "TEAMS, 503, true, true, false",
      "OPERATOR, 408, false, false, true",
      "OPERATOR, 503, false, false, true",
      "OPERATOR, 503, true, false, true",
      "OPERATOR, 504, false, false, true",
      "OPERATOR, 500, false, false, false",
      "OPERATOR, 502, false, false, false",
      "OPERATOR, 480, false, false, false",
      "OPERATOR, 486, false, false, false",
      "OPERATOR, 404, false, false, false",
      "OPERATOR, 603, false, false, false",
      "OPERATOR, 503, false, true, false",
  })
  void failoverFollowsEachSidesRules(Toward toward, int status, boolean retryAfter, boolean provisional,
      boolean next) {
    assertThat(LegRules.failsOver(toward, status, retryAfter, provisional)).isEqualTo(next);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "sip:+441234567890@10.0.0.1;user=phone | +441234567890",
      "sip:441234567890@10.0.0.1 | +441234567890",
      "tel:+44-1234-567890 | +441234567890",
      "sip:anonymous@anonymous.invalid | anonymous",
      "sip:10.0.0.1 | anonymous",
      "sip:bob%3Cscript@host | bob%3Cscript",
      "sip:a\"b@host | anonymous",
      "'' | anonymous",
  })
  void theCallerIsItsNumberOrItsUserPartOrAnonymous(String uri, String user) {
    assertThat(LegRules.callerUser(uri)).isEqualTo(user);
  }

  static final CallDecision.ToTeams TO_TEAMS =
      new CallDecision.ToTeams("contoso", "+441273652000", "contoso.1r1.gw.example.net", "gold");

  @Test
  void towardMicrosoftTheRequestUriIsTheCalledNumberAtTheProxyWithUserPhone() {
    LegRules.LegPlan plan = LegRules.towardTeams(TO_TEAMS, "sip:+441234567890@10.0.0.1;user=phone", "Ann",
        new SipPeer("sip.pstnhub.microsoft.com", 5061, "tls"), 5063);

    assertThat(plan.requestUri()).isEqualTo("sip:+441273652000@sip.pstnhub.microsoft.com;user=phone");
    assertThat(plan.to()).isEqualTo("<sip:+441273652000@sip.pstnhub.microsoft.com;user=phone>");
    assertThat(plan.from()).isEqualTo("\"Ann\" <sip:+441234567890@contoso.1r1.gw.example.net;user=phone>");
    assertThat(plan.contact()).isEqualTo("<sip:+441234567890@contoso.1r1.gw.example.net:5063;transport=tls>");
    assertThat(plan.headers()).isEmpty();
  }

  @Test
  void towardAProxyOnAnotherPortThePortIsNamed() {
    LegRules.LegPlan plan = LegRules.towardTeams(TO_TEAMS, "sip:anonymous@anonymous.invalid", null,
        new SipPeer("localhost", 7001, "tls"), 5063);

    assertThat(plan.requestUri()).isEqualTo("sip:+441273652000@localhost:7001;user=phone");
    assertThat(plan.from()).isEqualTo("<sip:anonymous@contoso.1r1.gw.example.net;user=phone>");
  }

  @Test
  void displayNamesAreQuotedAndCannotBreakTheHeader() {
    LegRules.LegPlan plan = LegRules.towardTeams(TO_TEAMS, "sip:+441234567890@x", "Eve \"the\" \\ \r\nX-Evil: 1",
        new SipPeer("sip.pstnhub.microsoft.com", 5061, "tls"), 5063);

    assertThat(plan.from()).startsWith("\"Eve \\\"the\\\" \\\\   X-Evil: 1\" <sip:").doesNotContain("\r").doesNotContain("\n");
  }

  @Test
  void towardTheOperatorTheDecisionsHeadersAreAddedAndTheTransportNamed() {
    CallDecision.ToOperator call = new CallDecision.ToOperator("contoso", "+441273652000",
        Map.of("X-MS-TenantID", "t-1", "X-MS-Operator-Content", "gold"));

    LegRules.LegPlan udp = LegRules.towardOperator(call, "sip:+441632960123@contoso.1r1.gw.example.net:5063;user=phone",
        "sip:+441273652000@sip.pstnhub.microsoft.com:5061;user=phone", null, new SipPeer("10.1.1.1", 5060, "udp"),
        "192.0.2.10", 5060);
    LegRules.LegPlan tcp = LegRules.towardOperator(call, "sip:+441632960123@x", "sip:anonymous@anonymous.invalid", "",
        new SipPeer("2001:db8::1", 5070, "tcp"), "2001:db8::2", 5060);

    assertThat(udp.requestUri()).isEqualTo("sip:+441632960123@10.1.1.1:5060;user=phone");
    assertThat(udp.from()).isEqualTo("<sip:+441273652000@192.0.2.10;user=phone>");
    assertThat(udp.to()).isEqualTo("<sip:+441632960123@10.1.1.1;user=phone>");
    assertThat(udp.contact()).isEqualTo("<sip:+441273652000@192.0.2.10:5060>");
    assertThat(udp.headers()).containsExactly(Map.entry("X-MS-Operator-Content", "gold"), Map.entry("X-MS-TenantID", "t-1"));
    assertThat(tcp.requestUri()).isEqualTo("sip:+441632960123@[2001:db8::1]:5070;user=phone;transport=tcp");
    assertThat(tcp.from()).as("an anonymous caller stays anonymous").isEqualTo("<sip:anonymous@[2001:db8::2];user=phone>");
    assertThat(tcp.contact()).isEqualTo("<sip:anonymous@[2001:db8::2]:5060;transport=tcp>");
  }

  @Test
  void aCalledUserThatIsNoNumberIsKeptWhenSafe() {
    CallDecision.ToOperator call = new CallDecision.ToOperator("contoso", null, Map.of());
    SipPeer peer = new SipPeer("10.1.1.1", 5060, "udp");

    assertThat(LegRules.towardOperator(call, "sip:voicemail@x", "sip:+441273652000@x", null, peer, "h", 5060).requestUri())
        .isEqualTo("sip:voicemail@10.1.1.1:5060;user=phone");
    assertThat(LegRules.towardOperator(call, "sip:a>b@x", "sip:+441273652000@x", null, peer, "h", 5060).requestUri())
        .isEqualTo("sip:unknown@10.1.1.1:5060;user=phone");
  }

  @ParameterizedTest(name = "{0} crosses an INVITE: {1}")
  @CsvSource({
      "P-Asserted-Identity, true", "Privacy, true", "Session-Expires, true", "SUPPORTED, true", "Diversion, true",
      "Via, false", "Route, false", "Record-Route, false", "Contact, false", "Call-ID, false", "X-MS-SBC, false",
      "X-MS-Operator-Content, false", "X-MS-TenantID, false", "Authorization, false", "User-Agent, false",
  })
  void onlyEndToEndHeadersCrossWithAnInvite(String name, boolean crosses) {
    assertThat(LegRules.crosses(LegRules.INVITE_HEADERS, name)).isEqualTo(crosses);
  }

  @Test
  void answersAndRequestsInTheDialogCarryTheirOwnHeaders() {
    assertThat(LegRules.crosses(LegRules.RESPONSE_HEADERS, "Retry-After")).isTrue();
    assertThat(LegRules.crosses(LegRules.RESPONSE_HEADERS, "RSeq")).isFalse();
    assertThat(LegRules.crosses(LegRules.RESPONSE_HEADERS, "Contact")).isFalse();
    assertThat(LegRules.crosses(LegRules.IN_DIALOG_HEADERS, "Event")).isTrue();
    assertThat(LegRules.crosses(LegRules.IN_DIALOG_HEADERS, "Subscription-State")).isTrue();
    assertThat(LegRules.crosses(LegRules.IN_DIALOG_HEADERS, "RAck")).isFalse();
  }

  @ParameterizedTest(name = "Require: {0} on an answer -> ''{1}''")
  @CsvSource({"100rel, ''", "timer, timer", "'100rel, timer', timer", "'timer,100rel,replaces', 'timer,replaces'"})
  void reliabilityIsPerLegSo100relNeverCrossesWithAnAnswer(String value, String left) {
    assertThat(LegRules.requireOnAnswer(value)).isEqualTo(left);
  }

  @Test
  void extensionsDrgwCannotHonourAreNamedFor420() {
    assertThat(LegRules.unsupported(List.of("timer", "100rel"))).isEmpty();
    assertThat(LegRules.unsupported(List.of("precondition, timer", "sec-agree"))).containsExactly("precondition", "sec-agree");
  }
}
