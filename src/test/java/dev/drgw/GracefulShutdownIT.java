package dev.drgw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.ServerProcess;
import dev.drgw.testing.Sipp;
import dev.drgw.testing.TestCa;
import dev.drgw.testing.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the real jar (as systemd stops it) while a call is up: the node says it is draining
 * (readiness, API, new calls and OPTIONS answer 503), the call goes on until it ends, then the
 * process exits 0; a call that outlasts the drain time gets drgw's BYE on both legs. SIPp plays the
 * operator network (UDP) and Microsoft's proxy (behind a socat mutual-TLS listener).
 */
class GracefulShutdownIT {

  private static final String NUMBER = "+441273652000";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final List<Process> socats = new ArrayList<>();
  private ServerProcess server;
  private int operatorPort;
  private int proxySipp;
  private int proxy;

  @AfterEach
  void stop() {
    socats.forEach(Process::destroy);
    if (server != null) {
      server.close();
    }
  }

  /** drgw with SIP on, one Microsoft proxy (socat TLS → SIPp), contoso and its number provisioned. */
  private void startWithSip(String drainTimeout) throws Exception {
    String socat = Tools.require("socat", "socat");
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "drain-");
    TestCa ca = TestCa.create("drgw test CA");
    TestCa.Issued drgw = ca.issue("drgw", List.of("*.1r1.gw.example.net", "1r1.gw.example.net"), List.of(), true, true);
    TestCa.Issued microsoft = ca.issue("sip.pstnhub.microsoft.com", List.of("sip.pstnhub.microsoft.com", "localhost"),
        List.of("127.0.0.1"), true, true);
    Path caFile = ca.writeCaPem(dir.resolve("ca.pem"));
    operatorPort = Sipp.freePort();
    int teamsPort = Sipp.freePort();
    proxy = Sipp.freePort();
    proxySipp = Sipp.freePort();
    socats.add(new ProcessBuilder(socat, "OPENSSL-LISTEN:" + proxy + ",bind=127.0.0.1,reuseaddr,fork,cert="
        + microsoft.writeCertChainPem(dir.resolve("ms.pem")) + ",key=" + microsoft.writeKeyPkcs8Pem(dir.resolve("ms-key.pem"))
        + ",cafile=" + caFile + ",verify=1", "TCP:127.0.0.1:" + proxySipp).redirectErrorStream(true)
        .redirectOutput(dir.resolve("socat.log").toFile()).start());
    Map<String, String> env = new HashMap<>();
    env.put("DRGW_SIP_ENABLED", "true");
    env.put("DRGW_SIP_OPERATOR_PORT", Integer.toString(operatorPort));
    env.put("DRGW_SIP_TEAMS_PORT", Integer.toString(teamsPort));
    env.put("DRGW_SIP_OPERATOR_TLS_PORT", "0");
    env.put("DRGW_TEAMS_PROXIES", "localhost:" + proxy);
    env.put("DRGW_SIP_OPTIONS_INTERVAL", "10m");
    env.put("DRGW_SIP_TLS_CERT", drgw.writeCertChainPem(dir.resolve("cert.pem")).toString());
    env.put("DRGW_SIP_TLS_KEY", drgw.writeKeyPkcs8Pem(dir.resolve("key.pem")).toString());
    env.put("DRGW_SIP_TLS_TRUST", caFile.toString());
    env.put("DRGW_SHUTDOWN_DRAIN_TIMEOUT", drainTimeout);
    server = ServerProcess.start(env);
    ApiClient api = server.client(Role.ADMIN);
    assertThat(api.put("/accounts/contoso", """
        {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
          "configuration": {"subdomain": "contoso",
            "subdomainTokens": {"region1Token": "MS=1", "region2Token": "MS=2"}}}}}
        """).status()).isEqualTo(201);
    assertThat(api.put("/accounts/contoso/numbers/%2B441273652000", """
        {"telephoneNumber": "+441273652000", "serviceDetails": {"teamsDirectRouting": {"enabled": true}}}
        """).status()).isEqualTo(201);
    // The first OPTIONS went to the proxy before its SIPp ran; once it has given up, no OPTIONS
    // can reach the SIPp scenario started later.
    await().atMost(Duration.ofSeconds(20)).until(() -> get("/health/ready").body().contains("\"down\""));
  }

  private Sipp.Background microsoftAnswers() throws Exception {
    return Sipp.serve("teams-proxy-answers.xml", "t1", proxySipp, Map.of("proxy_port", Integer.toString(proxy)));
  }

  private Sipp.Background operatorCalls(String scenario) throws Exception {
    return Sipp.callInBackground(operatorPort, scenario, "u1", Optional.of(NUMBER), Sipp.freePort(), Map.of());
  }

  private void awaitAnswered() {
    await().atMost(Duration.ofSeconds(10)).until(() -> metric("drgw_sip_calls_answered_total") >= 1);
  }

  @Test
  void aTerminatedNodeDrainsRefusesNewCallsLetsTheCallEndAndExitsZero() throws Exception {
    startWithSip("30s");
    Sipp.Background microsoft = microsoftAnswers();
    Sipp.Background caller = operatorCalls("operator-call-holds.xml"); // hangs up 6 s after the answer
    awaitAnswered();

    long terminated = System.nanoTime();
    server.terminate();

    await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      HttpResponse<String> ready = get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).isEqualTo("{\"status\":\"draining\"}");
    });
    ApiClient.Response refused = server.client(Role.READ).get("/accounts");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Retry-After")).isNotNull();
    Sipp.Run newCall = Sipp.call(operatorPort, "operator-invite-503.xml", "u1", Optional.of(NUMBER));
    assertThat(newCall.exitCode()).as(newCall.output()).isZero();
    assertThat(newCall.messages()).contains("SIP/2.0 503 Service Unavailable").contains("Retry-After: 30");
    Sipp.Run options = Sipp.call(operatorPort, "operator-options-503.xml", "u1", Optional.empty());
    assertThat(options.exitCode()).as(options.output()).isZero();

    Sipp.Run callerRun = caller.finish(); // its BYE, relayed through the draining node, gets 200
    Sipp.Run microsoftRun = microsoft.finish();
    assertThat(callerRun.exitCode()).as(callerRun.output()).isZero();
    assertThat(microsoftRun.exitCode()).as(microsoftRun.output()).isZero();
    assertThat(microsoftRun.messages()).contains("BYE sip:");

    assertThat(server.awaitExit(Duration.ofSeconds(15))).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - terminated)).isLessThan(Duration.ofSeconds(20));
    assertThat(server.log()).contains("draining: refusing new calls, OPTIONS and API requests; 1 calls in progress")
        .contains("drained: every call ended").contains("HTTP server stopped").contains("drgw stopped");
  }

  @Test
  void aCallThatOutlastsTheDrainTimeGetsByeOnBothLegs() throws Exception {
    startWithSip("2s");
    Sipp.Background microsoft = microsoftAnswers(); // answers, then waits for a BYE
    Sipp.Background caller = operatorCalls("operator-call-callee-hangs-up.xml"); // answers, then waits for a BYE
    awaitAnswered();

    long terminated = System.nanoTime();
    server.terminate();

    Sipp.Run callerRun = caller.finish();
    Sipp.Run microsoftRun = microsoft.finish();
    assertThat(callerRun.exitCode()).as(callerRun.output()).isZero();
    assertThat(microsoftRun.exitCode()).as(microsoftRun.output()).isZero();
    assertThat(callerRun.messages()).contains("BYE sip:").contains("cause=503");
    assertThat(microsoftRun.messages()).contains("BYE sip:").contains("cause=503");
    assertThat(server.awaitExit(Duration.ofSeconds(20))).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - terminated)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(server.log()).contains("drain time over: 1 calls ended by drgw");
  }

  @Test
  void anHttpRequestInFlightWhenTheSignalComesIsCompleted() throws Exception {
    server = ServerProcess.start(Map.of());
    String token = server.client(Role.ADMIN).token();
    byte[] body = """
        {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
          "configuration": {"subdomain": "inflight",
            "subdomainTokens": {"region1Token": "MS=1", "region2Token": "MS=2"}}}}}
        """.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("PUT /accounts/inflight?" + ApiClient.VERSION + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, 20);
      out.flush();
      Thread.sleep(500); // the request is in its handler, reading the body

      server.terminate();
      await().atMost(Duration.ofSeconds(5)).until(() -> server.log().contains("stopping HTTP: waiting up to"));
      out.write(body, 20, body.length - 20);
      out.flush();

      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 201");
    }
    assertThat(server.awaitExit(Duration.ofSeconds(15))).isZero();
    assertThat(server.log()).contains("1 requests in progress");
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private double metric(String name) throws IOException, InterruptedException {
    return get("/metrics").body().lines().filter(l -> l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
