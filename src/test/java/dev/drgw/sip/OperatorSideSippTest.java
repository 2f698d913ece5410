package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.testing.Sipp;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator side's SIP listener driven by SIPp (Debian package sip-tester) over loopback, UDP
 * and TCP: OPTIONS answered 200 with Allow, calls to numbers that are not provisioned refused with
 * 404 and a reason phrase, hostile datagrams survived.
 */
class OperatorSideSippTest {

  static int port;
  static OperatorSide side;

  @BeforeAll
  static void start() throws Exception {
    port = Sipp.freePort();
    CallRouting routing = new CallRouting(CallRoutingTest.NAMES, 1, CallRoutingTest.HEADERS);
    side = OperatorSide.start("127.0.0.1", port, routing, () -> CallRoutingTest.SNAPSHOT,
        new OptionsPolling(new PeerHealth(List.of()), java.time.Duration.ofMinutes(1), "127.0.0.1"), CallRoutingTest.METERS_OPERATOR, CallRoutingTest.calls());
  }

  @AfterAll
  static void stop() {
    if (side != null) {
      side.close();
    }
  }

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"u1", "t1"})
  void optionsAreAnswered200WithAllow(String transport) throws Exception {
    Sipp.Run run = sipp("operator-options.xml", transport, Optional.empty());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.messages()).contains("SIP/2.0 200 OK");
  }

  @ParameterizedTest(name = "over {0}")
  @ValueSource(strings = {"u1", "t1"})
  void aCallToANumberThatIsNotProvisionedIsRefusedWith404AndSaysWhy(String transport) throws Exception {
    Sipp.Run run = sipp("operator-invite-404.xml", transport, Optional.of("+441273659999"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.messages()).contains("SIP/2.0 404 Called number is not provisioned");
  }

  @Test
  void aCallToANumberWithDirectRoutingOffIsRefusedWith404() throws Exception {
    Sipp.Run run = sipp("operator-invite-404.xml", "u1", Optional.of("+441273652002"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.messages()).contains("SIP/2.0 404 Direct Routing is disabled for the called number");
  }

  @Test
  void aCallToAProvisionedNumberIsNotRefusedButNotCarriedYet() throws Exception {
    Sipp.Run run = sipp("operator-invite-503.xml", "u1", Optional.of("+441273652000"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.messages()).contains("SIP/2.0 503 Teams side not running");
  }

  @Test
  void garbageAndOversizedDatagramsAreSurvived() throws Exception {
    try (DatagramSocket s = new DatagramSocket()) {
      InetAddress lo = InetAddress.getLoopbackAddress();
      List<byte[]> hostile = new ArrayList<>();
      hostile.add(new byte[0]);
      hostile.add("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      hostile.add("INVITE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      hostile.add("INVITE sip:+441273652000@x SIP/2.0\r\nVia: nonsense\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      hostile.add(("OPTIONS sip:x SIP/2.0\r\nContent-Length: 99999999\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] big = new byte[60_000];
      java.util.Arrays.fill(big, (byte) 'A');
      hostile.add(big);
      java.util.Random random = new java.util.Random(42);
      for (int i = 0; i < 200; i++) {
        byte[] junk = new byte[random.nextInt(1500)];
        random.nextBytes(junk);
        hostile.add(junk);
      }
      for (byte[] b : hostile) {
        s.send(new DatagramPacket(b, b.length, lo, port));
      }
    }
    try (Socket tcp = new Socket("127.0.0.1", port)) {
      tcp.getOutputStream().write(("INVITE sip:x SIP/2.0\r\nContent-Length: 5\r\n\r\n" + "B".repeat(20_000))
          .getBytes(StandardCharsets.US_ASCII));
    } catch (IOException closedByServer) {
      // the stack may close the connection mid-write: that is fine
    }

    Sipp.Run run = sipp("operator-options.xml", "u1", Optional.empty());
    assertThat(run.exitCode()).as("still answering after hostile input: %s", run.output()).isZero();
  }

  private static Sipp.Run sipp(String scenario, String transport, Optional<String> service) throws Exception {
    return Sipp.call(port, scenario, transport, service);
  }
}
