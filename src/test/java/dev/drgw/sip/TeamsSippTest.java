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
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIPp playing Microsoft's proxy against the Teams side. Debian's SIPp has no TLS, so a real TLS
 * hop sits in front of it: socat takes SIPp's TCP and speaks mutual TLS to drgw with a client
 * certificate of the test CA, checking drgw's certificate against the CA and the region name.
 */
class TeamsSippTest {

  static TeamsSide side;
  static Process socat;
  static int hopPort;

  @BeforeAll
  static void start() throws Exception {
    String socatPath = Tools.require("socat", "socat");
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "teams-sipp-");
    TestCa ca = TestCa.create("drgw test CA");
    TestCa.Issued drgw = ca.issue("drgw", List.of("*.1r1.gw.example.net", "1r1.gw.example.net"), List.of(), true, true);
    TestCa.Issued microsoft = ca.issue("sip.pstnhub.microsoft.com", List.of("sip.pstnhub.microsoft.com"), List.of(),
        true, true);
    Path caFile = ca.writeCaPem(dir.resolve("ca.pem"));
    TlsMaterial tls = TlsMaterial.load(drgw.writeCertChainPem(dir.resolve("drgw.pem")),
        drgw.writeKeyPkcs8Pem(dir.resolve("drgw-key.pem")), Optional.of(caFile));
    int teamsPort = Sipp.freePort();
    side = TeamsSide.start("127.0.0.1", teamsPort, tls, new CallRouting(CallRoutingTest.NAMES, 1, CallRoutingTest.HEADERS),
        () -> CallRoutingTest.SNAPSHOT, "test",
        new OptionsPolling(new PeerHealth(List.of()), Duration.ofMinutes(1), "1r1.gw.example.net"),
        CallRoutingTest.METERS_TEAMS, CallRoutingTest.calls());
    hopPort = Sipp.freePort();
    socat = new ProcessBuilder(socatPath,
        "TCP-LISTEN:" + hopPort + ",bind=127.0.0.1,reuseaddr,fork",
        "OPENSSL:127.0.0.1:" + teamsPort + ",cert=" + microsoft.writeCertChainPem(dir.resolve("ms.pem"))
            + ",key=" + microsoft.writeKeyPkcs8Pem(dir.resolve("ms-key.pem")) + ",cafile=" + caFile
            + ",verify=1,commonname=1r1.gw.example.net")
        .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), hopPort)) {
        return s.isConnected();
      } catch (IOException notYet) {
        return false;
      }
    });
  }

  @AfterAll
  static void stop() {
    if (socat != null) {
      socat.destroy();
    }
    if (side != null) {
      side.close();
    }
  }

  @Test
  void microsoftsOptionsThroughARealTlsHopAreAnswered() throws Exception {
    Sipp.Run run = Sipp.call(hopPort, "teams-options.xml", "t1", Optional.empty());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.messages()).contains("SIP/2.0 200 OK");
  }

  @Test
  void aCallFromTeamsWithAnotherCustomersNumberIsRefusedByScreening() throws Exception {
    Sipp.Run run = Sipp.call(hopPort, "teams-invite-403.xml", "t1", Optional.of("+14255550100"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.messages()).contains("SIP/2.0 403 Calling number belongs to another customer");
  }

  @Test
  void aCallFromTeamsWithAnUnknownNumberIsRefusedByScreening() throws Exception {
    Sipp.Run run = Sipp.call(hopPort, "teams-invite-403.xml", "t1", Optional.of("+441273659999"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.messages()).contains("SIP/2.0 403 Calling number is not provisioned");
  }

  @Test
  void aCallFromTeamsWithDirectRoutingOffOnTheNumberIsRefusedByScreening() throws Exception {
    Sipp.Run run = Sipp.call(hopPort, "teams-invite-403.xml", "t1", Optional.of("+441273652002"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.messages()).contains("SIP/2.0 403 Direct Routing is disabled for the calling number");
  }
}
