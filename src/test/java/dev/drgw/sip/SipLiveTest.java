package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.SipOverTls;
import dev.drgw.testing.Sipp;
import dev.drgw.testing.TestCa;
import dev.drgw.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import javax.net.ssl.SSLContext;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole server with SIP on: the operator side decides calls from what the API provisioned,
 * and a change through the API decides the next call within a second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SipLiveTest {

  private TestServer server;
  private ApiClient api;
  private int port;

  private int teamsPort;
  private TestCa ca;
  private Map<String, String> sipOn;

  @BeforeAll
  void start() throws Exception {
    port = Sipp.freePort();
    teamsPort = Sipp.freePort();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "sip-live-");
    ca = TestCa.create("drgw test CA");
    TestCa.Issued drgw = ca.issue("drgw", List.of("*.1r1.gw.example.net", "1r1.gw.example.net"), List.of(), true, true);
    int nobody;
    try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
      nobody = closed.getLocalPort();
    }
    sipOn = Map.of("DRGW_SIP_ENABLED", "true",
        "DRGW_TEAMS_PROXIES", "localhost:" + nobody,
        "DRGW_SIP_OPTIONS_INTERVAL", "1s",
        "DRGW_SIP_OPERATOR_TLS_PORT", "0",
        "DRGW_SIP_TLS_CERT", drgw.writeCertChainPem(dir.resolve("cert.pem")).toString(),
        "DRGW_SIP_TLS_KEY", drgw.writeKeyPkcs8Pem(dir.resolve("key.pem")).toString(),
        "DRGW_SIP_TLS_TRUST", ca.writeCaPem(dir.resolve("ca.pem")).toString());
    Map<String, String> env = new HashMap<>(sipOn);
    env.put("DRGW_SIP_OPERATOR_PORT", Integer.toString(port));
    env.put("DRGW_SIP_TEAMS_PORT", Integer.toString(teamsPort));
    server = TestServer.start(env);
    api = server.client(Role.ADMIN);
    assertThat(api.put("/accounts/contoso", """
        {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
          "configuration": {"subdomain": "contoso",
            "subdomainTokens": {"region1Token": "MS=1", "region2Token": "MS=2"}}}}}
        """).status()).isEqualTo(201);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private Sipp.Run call(String scenario, String number) throws Exception {
    return Sipp.call(port, scenario, "u1", Optional.of(number));
  }

  @Test
  void aNumberProvisionedThroughTheApiIsRoutableAndItsRemovalIsSeenWithinOneSecond() throws Exception {
    String number = "+441273650001";
    assertThat(call("operator-invite-404.xml", number).messages()).contains("404 Called number is not provisioned");

    assertThat(api.put("/accounts/contoso/numbers/%2B441273650001", """
        {"telephoneNumber": "+441273650001", "serviceDetails": {"teamsDirectRouting": {"enabled": true}}}
        """).status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(1)).until(() -> server.wiring().snapshot().current().number(number).isPresent());
    Sipp.Run passes = call("operator-invite-503.xml", number); // taken, but no Microsoft proxy is up in this test
    assertThat(passes.exitCode()).as(passes.output()).isZero();
    assertThat(passes.messages()).contains("503 No Microsoft proxy could be reached");

    long start = System.nanoTime();
    assertThat(api.delete("/accounts/contoso/numbers/%2B441273650001").status()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(1)).until(() -> server.wiring().snapshot().current().number(number).isEmpty());
    Sipp.Run refused = call("operator-invite-404.xml", number);
    assertThat(refused.exitCode()).as(refused.output()).isZero();
    assertThat(refused.messages()).contains("404 Called number is not provisioned");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void directRoutingTurnedOffOnTheNumberRefusesTheNextCall() throws Exception {
    String number = "+441273650002";
    assertThat(api.put("/accounts/contoso/numbers/%2B441273650002", """
        {"telephoneNumber": "+441273650002", "serviceDetails": {"teamsDirectRouting": {"enabled": false}}}
        """).status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(1)).until(() -> server.wiring().snapshot().current().number(number).isPresent());

    Sipp.Run refused = call("operator-invite-404.xml", number);

    assertThat(refused.exitCode()).as(refused.output()).isZero();
    assertThat(refused.messages()).contains("404 Direct Routing is disabled for the called number");
  }

  @Test
  void theOperatorsOptionsAreAnswered() throws Exception {
    Sipp.Run run = Sipp.call(port, "operator-options.xml", "t1", Optional.empty());

    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  @Test
  void aTakenPortStopsStartUpWithAMessageNamingTheSettings() throws Exception {
    try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
      Map<String, String> env = new HashMap<>(sipOn);
      env.put("DRGW_SIP_OPERATOR_PORT", Integer.toString(taken.getLocalPort()));
      assertThatThrownBy(() -> TestServer.start(env).close())
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("DRGW_SIP_OPERATOR_PORT");
    }
  }

  @Test
  void anUnusableKeyFileStopsStartUpNamingTheSettingAndTheFix() throws Exception {
    Path key = Files.writeString(Files.createTempFile(Path.of("target").toAbsolutePath(), "rsa-", ".pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    Map<String, String> env = new HashMap<>(sipOn);
    env.put("DRGW_SIP_TLS_KEY", key.toString());
    env.put("DRGW_SIP_OPERATOR_PORT", Integer.toString(Sipp.freePort()));

    assertThatThrownBy(() -> TestServer.start(env).close())
        .hasMessageContaining("DRGW_SIP_TLS_KEY")
        .hasMessageContaining(key.toString())
        .hasMessageContaining("openssl pkcs8 -topk8");
  }

  @Test
  void movingANumberOrTurningScreeningOffDecidesTheNextCallFromTeamsWithinOneSecond() throws Exception {
    SSLContext microsoft = ca.sslContext(ca.issue("sip.pstnhub.microsoft.com", List.of("sip.pstnhub.microsoft.com"),
        List.of(), true, true), true);
    String body = """
        {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
          "configuration": {"subdomain": "fabri", "callScreening": %s,
            "subdomainTokens": {"region1Token": "MS=3", "region2Token": "MS=4"}}}}}
        """;
    assertThat(api.put("/accounts/fabri", body.formatted("true")).status()).isEqualTo(201);
    assertThat(api.put("/accounts/contoso/numbers/%2B441273650020", """
        {"telephoneNumber": "+441273650020", "serviceDetails": {"teamsDirectRouting": {"enabled": true}}}
        """).status()).isEqualTo(201);
    java.util.function.Function<String, String> callFromFabri = caller -> {
      try {
        return SipOverTls.exchange(microsoft, teamsPort, SipOverTls.request(
            "INVITE sip:+14255550000@fabri.1r1.gw.example.net:" + teamsPort + ";user=phone;transport=tls SIP/2.0",
            "From: <sip:" + caller + "@sip.pstnhub.microsoft.com;user=phone>;tag=1",
            "To: <sip:+14255550000@fabri.1r1.gw.example.net;user=phone>", "CSeq: 1 INVITE",
            "Contact: <sip:api@sip.pstnhub.microsoft.com;transport=tls>\r\nContent-Type: application/sdp",
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    String carried = "SIP/2.0 503 No operator peer configured\r\n"; // taken: this test has no operator peer
    await().atMost(Duration.ofSeconds(1)).until(() -> callFromFabri.apply("+441273650020")
        .startsWith("SIP/2.0 403 Calling number belongs to another customer\r\n"));

    // the number moves to fabri: the next call from fabri with it is taken
    assertThat(api.delete("/accounts/contoso/numbers/%2B441273650020").status()).isEqualTo(204);
    assertThat(api.put("/accounts/fabri/numbers/%2B441273650020", """
        {"telephoneNumber": "+441273650020", "serviceDetails": {"teamsDirectRouting": {"enabled": true}}}
        """).status()).isEqualTo(201);
    long moved = System.nanoTime();
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
        .until(() -> callFromFabri.apply("+441273650020").startsWith(carried));
    assertThat(Duration.ofNanos(System.nanoTime() - moved)).isLessThan(Duration.ofSeconds(1));

    // an unknown caller is refused until screening is turned off, then taken
    assertThat(callFromFabri.apply("+441273659000")).startsWith("SIP/2.0 403 Calling number is not provisioned\r\n");
    assertThat(api.put("/accounts/fabri", body.formatted("false")).status()).isEqualTo(200);
    long off = System.nanoTime();
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
        .until(() -> callFromFabri.apply("+441273659000").startsWith(carried));
    assertThat(Duration.ofNanos(System.nanoTime() - off)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void theTeamsSideDecidesCallsFromWhatTheApiProvisioned() throws Exception {
    SSLContext microsoft = ca.sslContext(ca.issue("sip.pstnhub.microsoft.com", List.of("sip.pstnhub.microsoft.com"),
        List.of(), true, true), true);
    String caller = "+441273650003";
    // a new Via branch and Call-ID each time: the same text again would be a retransmission
    java.util.function.Supplier<String> invite = () -> SipOverTls.request("INVITE sip:+14255550000@contoso.1r1.gw.example.net:" + teamsPort
            + ";user=phone;transport=tls SIP/2.0",
        "From: <sip:" + caller + "@sip.pstnhub.microsoft.com;user=phone>;tag=1",
        "To: <sip:+14255550000@contoso.1r1.gw.example.net;user=phone>", "CSeq: 1 INVITE",
        "Contact: <sip:api@sip.pstnhub.microsoft.com;transport=tls>\r\nContent-Type: application/sdp", "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 4000 RTP/SAVP 0\r\n");
    assertThat(SipOverTls.exchange(microsoft, teamsPort, invite.get()))
        .startsWith("SIP/2.0 403 Calling number is not provisioned\r\n");

    assertThat(api.put("/accounts/contoso/numbers/%2B441273650003", """
        {"telephoneNumber": "+441273650003", "serviceDetails": {"teamsDirectRouting": {"enabled": true}}}
        """).status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(1)).until(() -> server.wiring().snapshot().current().number(caller).isPresent());

    assertThat(SipOverTls.exchange(microsoft, teamsPort, invite.get()))
        .startsWith("SIP/2.0 503 No operator peer configured\r\n")
        .contains("X-MS-SBC: drgw/teams/");
  }

  @Test
  void proxyHealthIsShownInReadinessAndMetricsWithoutMakingTheNodeUnready() throws Exception {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      var ready = server.anonymous().get("/health/ready");
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().at("/sipPeers/teams").toString()).contains("\"down\"");
    });
    String metrics = server.anonymous().get("/metrics").body();
    assertThat(metrics).containsPattern("drgw_sip_peer_up\\{peer=\"localhost:[0-9]+\",side=\"teams\"} 0.0");
  }

  @Test
  void callsAndRefusalsAreCountedInMetricsBySideRegionAndReason() throws Exception {
    Sipp.Run refused = call("operator-invite-404.xml", "+441273659998");
    assertThat(refused.exitCode()).as(refused.output()).isZero();
    assertThat(Sipp.call(port, "operator-options.xml", "u1", Optional.empty()).exitCode()).isZero();

    String metrics = server.anonymous().get("/metrics").body();

    assertThat(counter(metrics, "drgw_sip_call_refused_total", "reason=\"called_number_unknown\",region=\"1\",side=\"operator\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(counter(metrics, "drgw_sip_requests_received_total", "method=\"OPTIONS\",region=\"1\",side=\"operator\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(counter(metrics, "drgw_sip_requests_received_total", "method=\"INVITE\",region=\"1\",side=\"operator\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(counter(metrics, "drgw_sip_responses_sent_total", "class=\"4xx\",region=\"1\",side=\"operator\""))
        .isGreaterThanOrEqualTo(1);
    assertThat(counter(metrics, "drgw_sip_call_attempts_total", "region=\"1\",side=\"operator\""))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aCallPassedOnThatNoProxyTakesCountsAsAFailureAndLeavesNoActiveCall() throws Exception {
    assertThat(api.put("/accounts/contoso/numbers/%2B441273650009", """
        {"telephoneNumber": "+441273650009", "serviceDetails": {"teamsDirectRouting": {"enabled": true}}}
        """).status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(1))
        .until(() -> server.wiring().snapshot().current().number("+441273650009").isPresent());
    double before = Math.max(0, counter(server.anonymous().get("/metrics").body(), "drgw_sip_call_failures_total",
        "class=\"5xx\",region=\"1\",side=\"operator\""));

    Sipp.Run run = call("operator-invite-503.xml", "+441273650009");

    assertThat(run.exitCode()).as(run.output()).isZero();
    String metrics = server.anonymous().get("/metrics").body();
    assertThat(counter(metrics, "drgw_sip_call_failures_total", "class=\"5xx\",region=\"1\",side=\"operator\""))
        .isEqualTo(before + 1);
    assertThat(counter(metrics, "drgw_sip_active_calls", "direction=\"to_teams\",region=\"1\"")).isZero();
    assertThat(counter(metrics, "drgw_sip_active_calls", "direction=\"from_teams\",region=\"1\"")).isZero();
  }

  private static double counter(String metrics, String name, String labels) {
    return metrics.lines().filter(l -> l.startsWith(name + "{" + labels + "}"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
  }
}
