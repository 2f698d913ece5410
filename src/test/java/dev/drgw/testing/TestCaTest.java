package dev.drgw.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TestCa} against plain JSSE over loopback: a server requiring client certificates (the
 * gateway) and clients playing Microsoft's SIP proxies.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TestCaTest {

  private static final String GATEWAY_DOMAIN = "1r1.gw.example.net";
  private static final String TENANT_HOST = "contoso." + GATEWAY_DOMAIN;
  private static final int TIMEOUT_MILLIS = 5_000;

  private static TestCa ca;
  private static TestCa.Issued gateway;
  private static TestCa.Issued proxy;

  private ExecutorService executor;
  private SSLServerSocket server;

  @BeforeAll
  static void createPki() {
    ca = TestCa.create("drgw test CA");
    gateway = ca.issue("gateway", List.of("*." + GATEWAY_DOMAIN, GATEWAY_DOMAIN),
        List.of("127.0.0.1"), true, false);
    proxy = ca.issue("sip.pstnhub.example.com", List.of("sip.pstnhub.example.com"),
        List.of(), true, true);
  }

  @BeforeEach
  void startServer() throws IOException {
    executor = Executors.newSingleThreadExecutor();
    server = (SSLServerSocket) ca.sslContext(gateway, true).getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(true);
    server.setSoTimeout(TIMEOUT_MILLIS);
  }

  @AfterEach
  void stopServer() throws IOException, InterruptedException {
    server.close();
    executor.shutdownNow();
    assertThat(executor.awaitTermination(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void mutualTlsWithSniAndHostnameCheckRoundTripsBytes(String protocol) throws Exception {
    Future<String> clientSeenByServer = serveOneEcho();

    Reply reply = exchange(ca.sslContext(proxy, true), TENANT_HOST, protocol, "OPTIONS sip:ping");

    assertThat(reply.line()).isEqualTo("echo OPTIONS sip:ping");
    assertThat(reply.protocol()).isEqualTo(protocol);
    assertThat(reply.serverCertificate()).isEqualTo(gateway.certificate());
    assertThat(result(clientSeenByServer)).isEqualTo("CN=sip.pstnhub.example.com");
  }

  @Test
  void aClientWithoutCertificateIsRefused() {
    Future<String> clientSeenByServer = serveOneEcho();

    assertThatThrownBy(() -> exchange(ca.sslContext(null, true), TENANT_HOST, null, "hello"))
        .isInstanceOf(IOException.class);
    assertThat(failure(clientSeenByServer))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("Empty client certificate chain");
  }

  @Test
  void aClientWithASelfSignedCertificateIsRefused() {
    Future<String> clientSeenByServer = serveOneEcho();
    TestCa.Issued stranger = TestCa.selfSigned("sip.pstnhub.example.com", List.of("sip.pstnhub.example.com"));

    assertThatThrownBy(() -> exchange(ca.sslContext(stranger, true), TENANT_HOST, null, "hello"))
        .isInstanceOf(IOException.class);
    assertThat(failure(clientSeenByServer))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("PKIX path building failed");
  }

  @Test
  void aClientExpectingAnotherHostRejectsTheServer() {
    Future<String> clientSeenByServer = serveOneEcho();

    assertThatThrownBy(() -> exchange(ca.sslContext(proxy, true), "other.example.org", null, "hello"))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("other.example.org");
    assertThat(failure(clientSeenByServer)).isInstanceOf(IOException.class);
  }

  @Test
  void pemFilesParseBack(@TempDir Path dir) throws Exception {
    Path caFile = ca.writeCaPem(dir.resolve("ca.pem"));
    Path chainFile = gateway.writeCertChainPem(dir.resolve("tls/chain.pem"));
    Path keyFile = gateway.writeKeyPkcs8Pem(dir.resolve("tls/key.pem"));

    assertThat(readCertificates(caFile)).containsExactly(ca.certificate());
    List<X509Certificate> chain = readCertificates(chainFile);
    assertThat(chain).containsExactly(gateway.certificate(), ca.certificate());
    chain.get(0).verify(chain.get(1).getPublicKey());

    String keyPem = Files.readString(keyFile, StandardCharsets.US_ASCII);
    assertThat(keyPem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pemBody(keyPem)));
    assertThat(key.getEncoded()).isEqualTo(gateway.privateKey().getEncoded());
  }

  @Test
  void certificatesCarryTheRequestedExtensions() throws Exception {
    X509Certificate caCert = ca.certificate();
    assertThat(caCert.getSubjectX500Principal().getName()).isEqualTo("CN=drgw test CA");
    assertThat(caCert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(caCert.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(caCert.getKeyUsage()[6]).as("cRLSign").isTrue();

    X509Certificate leaf = gateway.certificate();
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(proxy.certificate().getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactly(
            List.of(2, "*." + GATEWAY_DOMAIN), List.of(2, GATEWAY_DOMAIN), List.of(7, "127.0.0.1"));
    assertThat(leaf.getSerialNumber()).isNotEqualTo(proxy.certificate().getSerialNumber());
  }

  /** What a client saw of one exchange. */
  private record Reply(String line, String protocol, Certificate serverCertificate) {}

  /**
   * Accepts one connection, completes the handshake, echoes one line with {@code "echo "} in
   * front, and yields the client certificate's subject.
   */
  private Future<String> serveOneEcho() {
    return executor.submit(() -> {
      try (SSLSocket socket = (SSLSocket) server.accept()) {
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.startHandshake();
        String line = readLine(socket.getInputStream());
        writeLine(socket.getOutputStream(), "echo " + line);
        return socket.getSession().getPeerPrincipal().getName();
      }
    });
  }

  /**
   * Connects to the server as if it were {@code serverName} (SNI and peer host both that name, so
   * JSSE's HTTPS-style hostname check has nothing else to fall back on) with, unless {@code
   * null}, only {@code protocol} enabled; sends {@code line} and reads one line back.
   */
  private Reply exchange(SSLContext context, String serverName, String protocol, String line)
      throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(serverName)));
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      if (protocol != null) {
        parameters.setProtocols(new String[] {protocol});
      }
      socket.setSSLParameters(parameters);
      socket.connect(new InetSocketAddress(named(serverName), server.getLocalPort()), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      socket.startHandshake();
      writeLine(socket.getOutputStream(), line);
      String reply = readLine(socket.getInputStream());
      return new Reply(
          reply, socket.getSession().getProtocol(), socket.getSession().getPeerCertificates()[0]);
    }
  }

  /** The server's loopback address under {@code hostName}, without asking any resolver. */
  private InetAddress named(String hostName) throws IOException {
    return InetAddress.getByAddress(hostName, server.getInetAddress().getAddress());
  }

  private static void writeLine(OutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String readLine(InputStream in) throws IOException {
    String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    if (line == null) {
      throw new EOFException("connection closed before a line arrived");
    }
    return line;
  }

  private static <T> T result(Future<T> future) throws Exception {
    return future.get(TIMEOUT_MILLIS * 2L, TimeUnit.MILLISECONDS);
  }

  /** The exception the server side failed with. */
  private static Throwable failure(Future<?> future) {
    try {
      Object value = future.get(TIMEOUT_MILLIS * 2L, TimeUnit.MILLISECONDS);
      throw new AssertionError("the server accepted the exchange: " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the server did not finish", e);
    }
  }

  private static List<X509Certificate> readCertificates(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate each : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) each);
      }
      return certificates;
    }
  }

  private static byte[] pemBody(String pem) {
    String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "");
    return Base64.getMimeDecoder().decode(base64);
  }
}
