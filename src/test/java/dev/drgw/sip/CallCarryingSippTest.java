package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.testing.Sipp;
import dev.drgw.testing.TestCa;
import dev.drgw.testing.Tools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls carried through drgw between real SIP peers: SIPp plays the operator network (UDP) and
 * Microsoft's proxies (TCP behind socat mutual-TLS listeners, since Debian's SIPp has no TLS),
 * both sides of drgw run on loopback with the test snapshot ({@link CallRoutingTest#SNAPSHOT}).
 * Each test runs the callee's scenario in the background, then the caller's, and reads both
 * traces: what drgw sent on each side.
 */
class CallCarryingSippTest {

  static final String CALLER = "+441234567890";
  static final String PSTN = "+441632960123";

  static final List<Process> processes = new ArrayList<>();
  static Calls calls;
  static OperatorSide operator;
  static TeamsSide teams;
  static int operatorPort;
  static int teamsPort;
  /** socat TLS listeners playing sip and sip2.pstnhub.microsoft.com, and the SIPp UAS port behind each. */
  static int proxy1;
  static int proxy2;
  static int proxy1Sipp;
  static int proxy2Sipp;
  /** The operator's peers (SIPp UAS over UDP), in priority order. */
  static int peer1;
  static int peer2;
  /** Microsoft's proxy as caller: SIPp's TCP goes through socat into drgw's TLS port. */
  static int teamsHop;
  /** The way back to that SIPp for requests drgw sends within the dialog (its Record-Route). */
  static int teamsBack;
  static int teamsCallerSipp;
  /** The operator network calling over TLS: SIPp's TCP through socat into drgw's operator TLS port. */
  static int operatorTlsPort;
  static int operatorTlsHop;

  @BeforeAll
  static void start() throws Exception {
    String socat = Tools.require("socat", "socat");
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "calls-");
    TestCa ca = TestCa.create("drgw test CA");
    TestCa.Issued drgw = ca.issue("drgw", List.of("*.1r1.gw.example.net", "1r1.gw.example.net"), List.of(), true, true);
    TestCa.Issued microsoft = ca.issue("sip.pstnhub.microsoft.com", List.of("sip.pstnhub.microsoft.com", "localhost"),
        List.of("127.0.0.1"), true, true);
    Path caFile = ca.writeCaPem(dir.resolve("ca.pem"));
    Path msCert = microsoft.writeCertChainPem(dir.resolve("ms.pem"));
    Path msKey = microsoft.writeKeyPkcs8Pem(dir.resolve("ms-key.pem"));
    TlsMaterial tls = TlsMaterial.load(drgw.writeCertChainPem(dir.resolve("drgw.pem")),
        drgw.writeKeyPkcs8Pem(dir.resolve("drgw-key.pem")), Optional.of(caFile));

    operatorPort = Sipp.freePort();
    teamsPort = Sipp.freePort();
    proxy1 = Sipp.freePort();
    proxy2 = Sipp.freePort();
    proxy1Sipp = Sipp.freePort();
    proxy2Sipp = Sipp.freePort();
    peer1 = Sipp.freePort();
    peer2 = Sipp.freePort();
    teamsHop = Sipp.freePort();
    teamsBack = Sipp.freePort();
    teamsCallerSipp = Sipp.freePort();
    operatorTlsPort = Sipp.freePort();
    operatorTlsHop = Sipp.freePort();
    String msTls = ",cert=" + msCert + ",key=" + msKey + ",cafile=" + caFile + ",verify=1";
    socat(socat, dir, "proxy1", "OPENSSL-LISTEN:" + proxy1 + ",bind=127.0.0.1,reuseaddr,fork" + msTls,
        "TCP:127.0.0.1:" + proxy1Sipp);
    socat(socat, dir, "proxy2", "OPENSSL-LISTEN:" + proxy2 + ",bind=127.0.0.1,reuseaddr,fork" + msTls,
        "TCP:127.0.0.1:" + proxy2Sipp);
    socat(socat, dir, "hop", "TCP-LISTEN:" + teamsHop + ",bind=127.0.0.1,reuseaddr,fork",
        "OPENSSL:127.0.0.1:" + teamsPort + msTls + ",commonname=1r1.gw.example.net");
    socat(socat, dir, "back", "OPENSSL-LISTEN:" + teamsBack + ",bind=127.0.0.1,reuseaddr,fork" + msTls,
        "TCP:127.0.0.1:" + teamsCallerSipp);
    socat(socat, dir, "operator-tls", "TCP-LISTEN:" + operatorTlsHop + ",bind=127.0.0.1,reuseaddr,fork",
        "OPENSSL:127.0.0.1:" + operatorTlsPort + msTls + ",commonname=1r1.gw.example.net");

    calls = new Calls(Duration.ofSeconds(2), "X-MS-Operator-Content");
    CallRouting routing = new CallRouting(CallRoutingTest.NAMES, 1, CallRoutingTest.HEADERS);
    PeerHealth proxies = new PeerHealth(List.of(new SipPeer("localhost", proxy1, "tls"),
        new SipPeer("localhost", proxy2, "tls")));
    PeerHealth peers = new PeerHealth(List.of(new SipPeer("127.0.0.1", peer1, "udp"),
        new SipPeer("127.0.0.1", peer2, "udp")));
    operator = OperatorSide.start("127.0.0.1", operatorPort, operatorTlsPort, tls, routing, () -> CallRoutingTest.SNAPSHOT,
        new OptionsPolling(peers, Duration.ofMinutes(10), "127.0.0.1"), CallRoutingTest.METERS_OPERATOR, calls);
    teams = TeamsSide.start("127.0.0.1", teamsPort, tls, routing, () -> CallRoutingTest.SNAPSHOT, "test",
        new OptionsPolling(proxies, Duration.ofMinutes(10), "1r1.gw.example.net"), CallRoutingTest.METERS_TEAMS, calls);
    for (int port : List.of(proxy1, proxy2, teamsHop, teamsBack, operatorTlsHop)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> listening(port));
    }
    // The first OPTIONS of each side go to peers not running yet; wait until they have given up
    // on them, so that no OPTIONS retransmission reaches a SIPp scenario started later.
    await().atMost(Duration.ofSeconds(20)).until(() -> proxies.peers().stream()
        .allMatch(p -> proxies.state(p) == PeerHealth.State.DOWN)
        && peers.peers().stream().allMatch(p -> peers.state(p) == PeerHealth.State.DOWN));
  }

  @AfterAll
  static void stop() {
    processes.forEach(Process::destroy);
    if (operator != null) {
      operator.close();
    }
    if (teams != null) {
      teams.close();
    }
    if (calls != null) {
      calls.close();
    }
  }

  private static void socat(String socat, Path dir, String name, String listen, String connect) throws IOException {
    processes.add(new ProcessBuilder(socat, listen, connect).redirectErrorStream(true)
        .redirectOutput(dir.resolve("socat-" + name + ".log").toFile()).start());
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return s.isConnected();
    } catch (IOException notYet) {
      return false;
    }
  }

  // ------------------------------------------------------------ operator network → Teams

  private static Sipp.Run operatorCalls(String scenario, String number) throws Exception {
    return Sipp.call(operatorPort, scenario, "u1", Optional.of(number), Sipp.freePort(), Map.of());
  }

  private static Sipp.Background proxy(int which, String scenario) throws Exception {
    return Sipp.serve(scenario, "t1", which == 1 ? proxy1Sipp : proxy2Sipp,
        Map.of("proxy_port", Integer.toString(which == 1 ? proxy1 : proxy2)));
  }

  @Test
  void aCallToTeamsReachesMicrosoftAsMicrosoftWantsItAndTheCallerHangsUp() throws Exception {
    Sipp.Background microsoft = proxy(1, "teams-proxy-answers.xml");

    Sipp.Run caller = operatorCalls("operator-call.xml", "+441273652000");
    Sipp.Run callee = microsoft.finish();

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(callee.exitCode()).as(callee.output()).isZero();
    String invite = first(callee.messages(), "INVITE ");
    assertThat(invite)
        .startsWith("INVITE sip:+441273652000@localhost:" + proxy1 + ";user=phone SIP/2.0")
        .contains("Contact: <sip:" + CALLER + "@contoso.1r1.gw.example.net:" + teamsPort + ";transport=tls>")
        .contains("<sip:" + CALLER + "@contoso.1r1.gw.example.net;user=phone>")
        .contains("To: <sip:+441273652000@localhost;user=phone>")
        .contains("X-MS-SBC: drgw/teams/test")
        .doesNotContain("Record-Route");
    assertThat(body(invite)).as("SDP unchanged").isEqualTo(body(first(caller.messages(), "INVITE ")));
    assertThat(first(callee.messages(), "ACK ")).contains("X-MS-SBC: drgw/teams/test");
    assertThat(first(callee.messages(), "BYE ")).contains("X-MS-SBC: drgw/teams/test");
    String ok = first(caller.messages(), "SIP/2.0 200 OK");
    assertThat(ok).contains("RTP/SAVP").contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80")
        .contains("X-MS-Operator-Content: gold")
        .contains("Contact: <sip:127.0.0.1:" + operatorPort + ";transport=udp>")
        .doesNotContain("X-MS-SBC");
    assertThat(caller.messages()).contains("SIP/2.0 180 Ringing");
    await().atMost(Duration.ofSeconds(2)).until(() -> calls.activeToTeams() == 0);
  }

  @Test
  void theOperatorNetworkCanCallOverMutualTls() throws Exception {
    Sipp.Background microsoft = proxy(1, "teams-proxy-answers.xml");

    Sipp.Run caller = Sipp.call(operatorTlsHop, "operator-call.xml", "t1", Optional.of("+441273652000"),
        Sipp.freePort(), Map.of());
    Sipp.Run callee = microsoft.finish();

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(callee.exitCode()).as(callee.output()).isZero();
    assertThat(first(caller.messages(), "SIP/2.0 200 OK"))
        .contains("Contact: <sip:127.0.0.1:" + operatorTlsPort + ";transport=tls>");
  }

  @Test
  void whenTeamsHangsUpTheByeReachesTheOperatorNetwork() throws Exception {
    Sipp.Background microsoft = proxy(1, "teams-proxy-hangs-up.xml");

    Sipp.Run caller = operatorCalls("operator-call-callee-hangs-up.xml", "+441273652001");
    Sipp.Run callee = microsoft.finish();

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(callee.exitCode()).as(callee.output()).isZero();
    assertThat(first(caller.messages(), "BYE ")).doesNotContain("X-MS-SBC");
    assertThat(first(callee.messages(), "SIP/2.0 200 OK", "BYE")).contains("X-MS-SBC: drgw/teams/test");
  }

  @Test
  void reInviteInfoUpdateAndNotifyCrossWithinTheCallBothWays() throws Exception {
    Sipp.Background microsoft = proxy(1, "teams-proxy-reinvite.xml");

    Sipp.Run caller = operatorCalls("operator-call-reinvite.xml", "+441273652000");
    Sipp.Run callee = microsoft.finish();

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(callee.exitCode()).as(callee.output()).isZero();
    List<String> invites = all(callee.messages(), "INVITE ");
    assertThat(invites).hasSize(2);
    assertThat(invites.get(1)).contains("o=operator 1 2").contains("CSeq: 2 INVITE")
        .contains("Contact: <sip:" + CALLER + "@contoso.1r1.gw.example.net:" + teamsPort + ";transport=tls>");
    assertThat(all(caller.messages(), "SIP/2.0 200 OK")).anyMatch(m -> m.contains("o=- 1 2"));
    assertThat(first(callee.messages(), "INFO ")).contains("Info-Package: dtmf").contains("Signal=5")
        .contains("X-MS-SBC: drgw/teams/test");
    assertThat(first(callee.messages(), "UPDATE ")).contains("Session-Expires: 1800;refresher=uac")
        .contains("Contact: <sip:" + CALLER + "@contoso.1r1.gw.example.net:" + teamsPort + ";transport=tls>");
    assertThat(first(caller.messages(), "NOTIFY ")).contains("Event: refer;id=1")
        .contains("Subscription-State: terminated;reason=noresource").contains("\n\nSIP/2.0 200 OK")
        .doesNotContain("X-MS-SBC");
  }

  @Test
  void aCancelBeforeTheAnswerReachesTeamsAndTheCallerGets487() throws Exception {
    Sipp.Background microsoft = proxy(1, "teams-proxy-rings-until-cancelled.xml");

    Sipp.Run caller = operatorCalls("operator-call-cancel.xml", "+441273652000");
    Sipp.Run callee = microsoft.finish();

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(callee.exitCode()).as(callee.output()).isZero();
    assertThat(first(callee.messages(), "CANCEL ")).contains("Reason: Q.850;cause=16").contains("X-MS-SBC");
    assertThat(caller.messages()).contains("SIP/2.0 487 ");
    await().atMost(Duration.ofSeconds(2)).until(() -> calls.activeToTeams() == 0);
  }

  @Test
  void a503WithRetryAfterFromSipMovesTheCallToSip2() throws Exception {
    Sipp.Background sip = proxy(1, "teams-proxy-busy.xml");
    Sipp.Background sip2 = proxy(2, "teams-proxy-answers.xml");

    Sipp.Run caller = operatorCalls("operator-call.xml", "+441273652000");

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(sip.finish().exitCode()).isZero();
    Sipp.Run answered = sip2.finish();
    assertThat(answered.exitCode()).as(answered.output()).isZero();
    assertThat(first(answered.messages(), "INVITE ")).startsWith("INVITE sip:+441273652000@localhost:" + proxy2);
  }

  @Test
  void aProxyThatNeverAnswersIsLeftForTheNextOne() throws Exception {
    Sipp.Background sip = proxy(1, "teams-proxy-silent.xml");
    Sipp.Background sip2 = proxy(2, "teams-proxy-answers.xml");

    long started = System.nanoTime();
    Sipp.Run caller = operatorCalls("operator-call.xml", "+441273652000");

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
    sip.finish();
    assertThat(sip2.finish().exitCode()).isZero();
  }

  @Test
  void aProxyThatRingsOnlyAfterTheNoAnswerTimeIsCancelledAndTheCallStaysOnTheNextOne() throws Exception {
    Sipp.Background late = proxy(1, "teams-proxy-late.xml");
    Sipp.Background sip2 = proxy(2, "teams-proxy-answers.xml");

    Sipp.Run caller = operatorCalls("operator-call.xml", "+441273652000");

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(sip2.finish().exitCode()).isZero();
    Sipp.Run cancelled = late.finish();
    assertThat(cancelled.exitCode()).as(cancelled.output()).isZero();
    assertThat(first(cancelled.messages(), "CANCEL ")).contains("X-MS-SBC: drgw/teams/test");
  }

  @Test
  void a603FromMicrosoftStopsTheCallWithoutTryingTheNextProxy() throws Exception {
    Sipp.Background sip = proxy(1, "teams-proxy-declines.xml");
    Sipp.Background sip2 = proxy(2, "teams-proxy-answers.xml");

    Sipp.Run caller = operatorCalls("operator-call-refused.xml", "+441273652000");

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(caller.messages()).contains("SIP/2.0 603 Decline");
    assertThat(sip.finish().exitCode()).isZero();
    Sipp.Run untouched = sip2.finish(); // times out: it never got an INVITE
    assertThat(untouched.messages()).doesNotContain("INVITE sip:");
  }

  @Test
  void anUnknownCalledNumberGets404AndNothingReachesMicrosoft() throws Exception {
    Sipp.Run caller = operatorCalls("operator-call-refused.xml", "+441273659999");

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(caller.messages()).contains("SIP/2.0 404 Called number is not provisioned");
  }

  // ------------------------------------------------------------ Teams → operator network

  private static Sipp.Run teamsCalls(String scenario, String calling, String label) throws Exception {
    return Sipp.call(teamsHop, scenario, "t1", Optional.of(calling), teamsCallerSipp,
        Map.of("label", label, "called", PSTN, "back_port", Integer.toString(teamsBack)));
  }

  private static Sipp.Background peer(int which, String scenario) throws Exception {
    return Sipp.serve(scenario, "u1", which == 1 ? peer1 : peer2, Map.of());
  }

  @Test
  void anAllowedCallFromTeamsReachesTheOperatorWithTheCustomHeader() throws Exception {
    Sipp.Background network = peer(1, "operator-peer-answers.xml");

    Sipp.Run caller = teamsCalls("teams-call.xml", "+441273652000", "contoso");
    Sipp.Run callee = network.finish();

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(callee.exitCode()).as(callee.output()).isZero();
    assertThat(first(callee.messages(), "INVITE "))
        .startsWith("INVITE sip:" + PSTN + "@127.0.0.1:" + peer1 + ";user=phone SIP/2.0")
        .contains("X-MS-Operator-Content: gold")
        .contains("X-MS-TenantID: " + CallRoutingTest.TENANT)
        .contains("<sip:+441273652000@127.0.0.1;user=phone>")
        .contains("Contact: <sip:+441273652000@127.0.0.1:" + operatorPort + ">")
        .containsIgnoringCase("Session-Expires: 1800")
        .doesNotContain("X-MS-SBC");
    assertThat(body(first(callee.messages(), "INVITE "))).as("SDP unchanged")
        .isEqualTo(body(first(caller.messages(), "INVITE "))).contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80");
    String ok = first(caller.messages(), "SIP/2.0 200 OK");
    assertThat(ok).contains("Contact: <sip:" + PSTN + "@contoso.1r1.gw.example.net:" + teamsPort + ";transport=tls>")
        .contains("X-MS-SBC: drgw/teams/test").contains("o=operator 1 1")
        .contains("Record-Route: <sip:localhost:" + teamsBack + ";transport=tls;lr>");
    assertThat(callee.messages()).contains("BYE sip:");
    await().atMost(Duration.ofSeconds(2)).until(() -> calls.activeFromTeams() == 0);
  }

  @Test
  void screeningOffLetsAnotherCustomersNumberThroughWithoutItsHeader() throws Exception {
    Sipp.Background network = peer(1, "operator-peer-answers.xml");

    Sipp.Run caller = teamsCalls("teams-call.xml", "+441273652000", "fab");
    Sipp.Run callee = network.finish();

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(callee.exitCode()).as(callee.output()).isZero();
    assertThat(first(callee.messages(), "INVITE ")).doesNotContain("X-MS-Operator-Content");
  }

  @Test
  void screeningRefusesAnotherCustomersNumberAndNothingReachesTheOperator() throws Exception {
    Sipp.Run caller = teamsCalls("teams-call-refused.xml", "+14255550100", "contoso");

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(caller.messages()).contains("SIP/2.0 403 Calling number belongs to another customer");
  }

  @Test
  void whenTheOperatorSideHangsUpTheByeReachesTeamsThroughItsRecordRoute() throws Exception {
    Sipp.Background network = peer(1, "operator-peer-hangs-up.xml");

    Sipp.Run caller = teamsCalls("teams-call-callee-hangs-up.xml", "+441273652000", "contoso");
    Sipp.Run callee = network.finish();

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(callee.exitCode()).as(callee.output()).isZero();
    assertThat(first(caller.messages(), "BYE ")).contains("X-MS-SBC: drgw/teams/test")
        .contains("Route: <sip:localhost:" + teamsBack + ";transport=tls;lr>");
  }

  @Test
  void a503FromTheFirstOperatorPeerMovesTheCallToTheSecond() throws Exception {
    Sipp.Background busy = peer(1, "operator-peer-busy.xml");
    Sipp.Background second = peer(2, "operator-peer-answers.xml");

    Sipp.Run caller = teamsCalls("teams-call.xml", "+441273652000", "contoso");

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(busy.finish().exitCode()).isZero();
    Sipp.Run answered = second.finish();
    assertThat(answered.exitCode()).as(answered.output()).isZero();
  }

  @Test
  void aReliableProvisionalAnswerFromTheOperatorIsAcknowledgedByDrgw() throws Exception {
    Sipp.Background network = peer(1, "operator-peer-reliable-183.xml");

    Sipp.Run caller = teamsCalls("teams-call.xml", "+441273652000", "contoso");
    Sipp.Run callee = network.finish();

    assertThat(caller.exitCode()).as(caller.output()).isZero();
    assertThat(callee.exitCode()).as(callee.output()).isZero();
    assertThat(first(callee.messages(), "PRACK ")).contains("RAck: 1 1 INVITE");
    String progress = first(caller.messages(), "SIP/2.0 183 ");
    assertThat(progress).contains("o=operator 1 1").doesNotContain("RSeq");
  }

  // ------------------------------------------------------------ trace reading

  /** The first message in a SIPp trace starting with {@code start} (and containing {@code also}). */
  static String first(String trace, String start, String... also) {
    return all(trace, start).stream().filter(m -> List.of(also).stream().allMatch(m::contains)).findFirst()
        .orElseThrow(() -> new AssertionError("no message starting with " + start + " in:\n" + trace));
  }

  /** The body of a message from a trace. */
  static String body(String message) {
    int i = message.indexOf("\n\n");
    return i < 0 ? "" : message.substring(i + 2).strip();
  }

  /** Every message in a SIPp trace (sent or received, in order) that starts with {@code start}. */
  static List<String> all(String trace, String start) {
    List<String> out = new ArrayList<>();
    for (String block : trace.replace("\r\n", "\n").split("\n-{20,}[^\n]*\n")) {
      int body = block.indexOf("\n\n");
      String message = body < 0 ? "" : block.substring(body + 2);
      if (message.startsWith(start)) {
        out.add(message);
      }
    }
    return out;
  }
}
