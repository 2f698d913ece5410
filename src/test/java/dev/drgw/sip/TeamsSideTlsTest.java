package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drgw.testing.SipOverTls;
import dev.drgw.testing.Sipp;
import dev.drgw.testing.TestCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Teams side over real mutual TLS, with a Java TLS client playing Microsoft's proxy: certificates
 * from a test CA, OPTIONS answered with Allow and X-MS-SBC, calls from Teams decided (tenant from
 * the subdomain, screening), and clients without a certificate the CA vouches for refused.
 */
class TeamsSideTlsTest {

  static TestCa ca;
  static TeamsSide side;
  static int port;
  static SSLContext microsoft;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "teams-tls-");
    ca = TestCa.create("drgw test CA");
    TestCa.Issued drgw = ca.issue("drgw", List.of("*.1r1.gw.example.net", "1r1.gw.example.net"), List.of("127.0.0.1"),
        true, true);
    TlsMaterial tls = TlsMaterial.load(drgw.writeCertChainPem(dir.resolve("cert.pem")),
        drgw.writeKeyPkcs8Pem(dir.resolve("key.pem")), Optional.of(ca.writeCaPem(dir.resolve("ca.pem"))));
    port = Sipp.freePort();
    side = TeamsSide.start("127.0.0.1", port, tls, new CallRouting(CallRoutingTest.NAMES, 1, CallRoutingTest.HEADERS),
        () -> CallRoutingTest.SNAPSHOT, "test",
        new OptionsPolling(new PeerHealth(List.of()), java.time.Duration.ofMinutes(1), "1r1.gw.example.net"), CallRoutingTest.METERS_TEAMS, CallRoutingTest.calls());
    microsoft = ca.sslContext(ca.issue("sip.pstnhub.microsoft.com", List.of("sip.pstnhub.microsoft.com"), List.of(),
        true, true), true);
  }

  @AfterAll
  static void stop() {
    if (side != null) {
      side.close();
    }
  }

  @Test
  void microsoftsOptionsAreAnswered200WithAllowAndTheSbcHeader() throws Exception {
    String answer = exchange(microsoft, options());

    assertThat(answer).startsWith("SIP/2.0 200 OK\r\n").contains("X-MS-SBC: drgw/teams/test").containsPattern(
        "(?i)allow: .*INVITE");
  }

  @Test
  void aCallFromTeamsWithAnotherCustomersNumberIsRefused403AndSaysWhy() throws Exception {
    String answer = exchange(microsoft, invite("contoso.1r1.gw.example.net", "+14255550100"));

    assertThat(answer).startsWith("SIP/2.0 403 Calling number belongs to another customer\r\n").contains("X-MS-SBC:");
  }

  @Test
  void aCallFromTeamsToAnUnknownSubdomainIsRefused404() throws Exception {
    assertThat(exchange(microsoft, invite("nobody.1r1.gw.example.net", "+441273652000")))
        .startsWith("SIP/2.0 404 Unknown customer subdomain\r\n");
  }

  @Test
  void aScreenedCallerOfTheRightCustomerPassesTheDecision() throws Exception {
    assertThat(exchange(microsoft, invite("contoso.1r1.gw.example.net", "+441273652000")))
        .startsWith("SIP/2.0 503 Operator side not running\r\n");
  }

  @Test
  void aClientWithoutACertificateIsRefusedInTheHandshake() throws Exception {
    SSLContext anonymous = ca.sslContext(null, true);

    assertThatThrownBy(() -> exchange(anonymous, options())).isInstanceOf(IOException.class);
    assertThat(exchange(microsoft, options())).startsWith("SIP/2.0 200 OK");
  }

  @Test
  void aClientWithACertificateOfAnotherCaIsRefused() throws Exception {
    SSLContext stranger = ca.sslContext(TestCa.selfSigned("sip.pstnhub.microsoft.com",
        List.of("sip.pstnhub.microsoft.com")), true);

    assertThatThrownBy(() -> exchange(stranger, options())).isInstanceOf(IOException.class);
    assertThat(exchange(microsoft, options())).startsWith("SIP/2.0 200 OK");
  }

  @Test
  void onlyTls12AndNewerAreSpoken() throws Exception {
    try (SSLSocket socket = (SSLSocket) microsoft.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isIn("TLSv1.2", "TLSv1.3");
    }
  }

  private static String options() {
    return SipOverTls.request("OPTIONS sip:1r1.gw.example.net:" + port + ";transport=tls SIP/2.0",
        "From: <sip:sip.pstnhub.microsoft.com>;tag=1", "To: <sip:1r1.gw.example.net>", "CSeq: 1 OPTIONS", "", "");
  }

  private static String invite(String host, String caller) {
    String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n";
    return SipOverTls.request("INVITE sip:+441273652001@" + host + ":" + port + ";user=phone;transport=tls SIP/2.0",
        "From: <sip:" + caller + "@sip.pstnhub.microsoft.com;user=phone>;tag=2",
        "To: <sip:+441273652001@" + host + ";user=phone>", "CSeq: 1 INVITE",
        "Contact: <sip:api@sip.pstnhub.microsoft.com;transport=tls>\r\nContent-Type: application/sdp", sdp);
  }

  private static String exchange(SSLContext client, String request) throws IOException {
    return SipOverTls.exchange(client, port, request);
  }
}
