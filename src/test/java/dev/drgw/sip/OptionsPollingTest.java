package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.testing.SipOverTls;
import dev.drgw.testing.Sipp;
import dev.drgw.testing.TestCa;
import dev.drgw.testing.Tools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * drgw's OPTIONS to its peers: toward Teams over mutual TLS with SNI, the region domain in
 * Contact and X-MS-SBC, each proxy's health from its answer (200 up; 503 or nothing down); toward
 * the operator network to a SIPp peer.
 */
@SuppressWarnings("try") // the sides are opened for what they do in the background
class OptionsPollingTest {

  /** What a proxy saw: the request and the server name the client asked for. */
  record Seen(String request, String sni) {}

  /** A Java TLS server playing one Microsoft proxy on "localhost", answering OPTIONS with {@code status}. */
  static final class Proxy implements AutoCloseable {
    final SSLServerSocket socket;
    final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    final Thread thread;

    Proxy(TestCa ca, int status) throws Exception {
      TestCa.Issued cert = ca.issue("localhost", List.of("localhost"), List.of(), true, true);
      socket = (SSLServerSocket) ca.sslContext(cert, true).getServerSocketFactory()
          .createServerSocket(0, 50, InetAddress.getByName("localhost"));
      socket.setNeedClientAuth(true);
      thread = new Thread(() -> {
        while (!socket.isClosed()) {
          try (SSLSocket s = (SSLSocket) socket.accept()) {
            s.setSoTimeout(5000);
            s.startHandshake();
            String sni = ((ExtendedSSLSession) s.getSession()).getRequestedServerNames().stream()
                .map(n -> ((SNIHostName) n).getAsciiName()).findFirst().orElse(null);
            while (true) {
              String request = SipOverTls.readMessage(s.getInputStream());
              seen.add(new Seen(request, sni));
              s.getOutputStream().write(SipOverTls.answer(request, status, status == 200 ? "OK" : "Service Unavailable")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
          } catch (IOException closedOrDone) {
            // next connection
          }
        }
      }, "fake-microsoft-proxy");
      thread.setDaemon(true);
      thread.start();
    }

    String address() {
      return "localhost:" + socket.getLocalPort();
    }

    SipPeer peer() {
      return new SipPeer("localhost", socket.getLocalPort(), "tls");
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void theTeamsSidePollsEachProxyAndKnowsWhichAreUp() throws Exception {
    TestCa ca = TestCa.create("drgw test CA");
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "options-");
    TestCa.Issued drgw = ca.issue("drgw", List.of("*.1r1.gw.example.net", "1r1.gw.example.net"), List.of(), true, true);
    TlsMaterial tls = TlsMaterial.load(drgw.writeCertChainPem(dir.resolve("c.pem")),
        drgw.writeKeyPkcs8Pem(dir.resolve("k.pem")), Optional.of(ca.writeCaPem(dir.resolve("ca.pem"))));
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    try (Proxy up = new Proxy(ca, 200); Proxy busy = new Proxy(ca, 503)) {
      SipPeer gone = new SipPeer("localhost", closedPort, "tls");
      PeerHealth health = new PeerHealth(List.of(up.peer(), busy.peer(), gone));
      int port = Sipp.freePort();
      try (TeamsSide polling = TeamsSide.start("127.0.0.1", port, tls,
          new CallRouting(CallRoutingTest.NAMES, 1, CallRoutingTest.HEADERS), () -> CallRoutingTest.SNAPSHOT, "9.9",
          new OptionsPolling(health, Duration.ofSeconds(1), "1r1.gw.example.net"), CallRoutingTest.METERS_TEAMS, CallRoutingTest.calls())) {

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
          assertThat(health.state(up.peer())).isEqualTo(PeerHealth.State.UP);
          assertThat(health.state(busy.peer())).isEqualTo(PeerHealth.State.DOWN);
          assertThat(health.state(gone)).isEqualTo(PeerHealth.State.DOWN);
        });
        Seen first = up.seen.poll(1, TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(first.sni()).isEqualTo("localhost");
        assertThat(first.request()).startsWith("OPTIONS sip:localhost:" + up.socket.getLocalPort());
        assertThat(SipOverTls.header(first.request(), "Contact")).contains("sip:1r1.gw.example.net:" + port)
            .contains("transport=tls");
        assertThat(SipOverTls.header(first.request(), "X-MS-SBC")).isEqualTo("drgw/teams/9.9");
        assertThat(SipOverTls.header(first.request(), "Max-Forwards")).isEqualTo("70");
        assertThat(health.summary()).containsEntry(up.address(), "up").containsEntry(busy.address(), "down");
        // polled again, on the next interval
        assertThat(up.seen.poll(5, TimeUnit.SECONDS)).isNotNull();
      }
    }
  }

  @Test
  void theOperatorSidePollsItsPeersToo() throws Exception {
    String sipp = Tools.require("sipp", "sip-tester");
    int peerPort = Sipp.freePort();
    Process peer = new ProcessBuilder(sipp, "-sf", Sipp.SCENARIOS.resolve("operator-peer-answers-options.xml")
        .toAbsolutePath().toString(), "-i", "127.0.0.1", "-p", Integer.toString(peerPort), "-m", "1", "-nostdin",
        "-timeout", "20s", "-timeout_error")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    SipPeer sbc = new SipPeer("127.0.0.1", peerPort, "udp");
    SipPeer silent = new SipPeer("127.0.0.1", Sipp.freePort(), "udp");
    PeerHealth health = new PeerHealth(List.of(sbc, silent));
    try (OperatorSide polling = OperatorSide.start("127.0.0.1", Sipp.freePort(),
        new CallRouting(CallRoutingTest.NAMES, 1, CallRoutingTest.HEADERS), () -> CallRoutingTest.SNAPSHOT,
        new OptionsPolling(health, Duration.ofMinutes(1), "127.0.0.1"), CallRoutingTest.METERS_OPERATOR, CallRoutingTest.calls())) {

      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        assertThat(health.state(sbc)).isEqualTo(PeerHealth.State.UP);
        assertThat(health.state(silent)).isEqualTo(PeerHealth.State.DOWN);
      });
      assertThat(peer.waitFor(10, TimeUnit.SECONDS)).as("sipp peer got its OPTIONS and finished").isTrue();
      assertThat(peer.exitValue()).isZero();
    } finally {
      peer.destroyForcibly();
    }
  }
}
