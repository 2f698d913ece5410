package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.Sipp;
import dev.drgw.testing.TestServer;
import java.time.Duration;
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

  @BeforeAll
  void start() throws Exception {
    port = Sipp.freePort();
    server = TestServer.start(Map.of("DRGW_SIP_ENABLED", "true", "DRGW_SIP_OPERATOR_PORT", Integer.toString(port)));
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
    Sipp.Run passes = call("operator-invite-503.xml", number);
    assertThat(passes.exitCode()).as(passes.output()).isZero();

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
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(Map.of("DRGW_SIP_ENABLED", "true",
              "DRGW_SIP_OPERATOR_PORT", Integer.toString(taken.getLocalPort()))).close())
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("DRGW_SIP_OPERATOR_PORT");
    }
  }
}
