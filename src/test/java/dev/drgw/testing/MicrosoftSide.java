package dev.drgw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the SIP side of a cluster test needs around drgw: a test CA with drgw's certificate
 * (covering both regions' names) and Microsoft's, and Microsoft's proxy — SIPp answering every
 * call over TCP behind a socat mutual-TLS listener, as {@code CallCarryingSippTest} does.
 */
public final class MicrosoftSide implements AutoCloseable {

  private final Path dir;
  private final Path caFile;
  private final Path drgwCert;
  private final Path drgwKey;
  private final int proxyPort;
  private final Process socat;
  private final SippLoad proxy;

  private MicrosoftSide(Path dir, Path caFile, Path drgwCert, Path drgwKey, int proxyPort, Process socat,
      SippLoad proxy) {
    this.dir = dir;
    this.caFile = caFile;
    this.drgwCert = drgwCert;
    this.drgwKey = drgwKey;
    this.proxyPort = proxyPort;
    this.socat = socat;
    this.proxy = proxy;
  }

  public static MicrosoftSide start() {
    String socatBinary = Tools.mustHave("socat", "socat");
    Tools.mustHave("sipp", "sip-tester");
    try {
      Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "microsoft-");
      TestCa ca = TestCa.create("drgw cluster test CA");
      TestCa.Issued drgw = ca.issue("drgw", List.of("*.1r1.gw.example.net", "1r1.gw.example.net",
          "*.1r2.gw.example.net", "1r2.gw.example.net"), List.of(), true, true);
      TestCa.Issued microsoft = ca.issue("sip.pstnhub.microsoft.com", List.of("sip.pstnhub.microsoft.com", "localhost"),
          List.of("127.0.0.1"), true, true);
      Path caFile = ca.writeCaPem(dir.resolve("ca.pem"));
      Path msCert = microsoft.writeCertChainPem(dir.resolve("ms.pem"));
      Path msKey = microsoft.writeKeyPkcs8Pem(dir.resolve("ms-key.pem"));
      Path drgwCert = drgw.writeCertChainPem(dir.resolve("drgw.pem"));
      Path drgwKey = drgw.writeKeyPkcs8Pem(dir.resolve("drgw-key.pem"));

      int proxyPort = Ports.free();
      int sippPort = Ports.free();
      SippLoad proxy = SippLoad.teamsProxy(sippPort, proxyPort);
      Process socat = new ProcessBuilder(socatBinary,
          "OPENSSL-LISTEN:" + proxyPort + ",bind=127.0.0.1,reuseaddr,fork,cert=" + msCert + ",key=" + msKey
              + ",cafile=" + caFile + ",verify=1",
          "TCP:127.0.0.1:" + sippPort)
          .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
      MicrosoftSide side = new MicrosoftSide(dir, caFile, drgwCert, drgwKey, proxyPort, socat, proxy);
      side.awaitListening(proxyPort);
      side.awaitListening(sippPort);
      return side;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening(int port) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        if (s.isConnected()) {
          return;
        }
      } catch (IOException notYet) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    throw new IllegalStateException("nothing listens on " + port + "; see " + dir);
  }

  /**
   * The SIP settings of a drgw node that takes calls from the operator on {@code operatorPort}
   * (UDP and TCP; no operator TLS) and sends them to this proxy from its Teams side on
   * {@code teamsPort}.
   */
  public Map<String, String> nodeSettings(int operatorPort, int teamsPort) {
    return Map.of(
        "DRGW_SIP_ENABLED", "true",
        "DRGW_SIP_OPERATOR_PORT", Integer.toString(operatorPort),
        "DRGW_SIP_TEAMS_PORT", Integer.toString(teamsPort),
        "DRGW_SIP_OPERATOR_TLS_PORT", "0",
        "DRGW_TEAMS_PROXIES", "localhost:" + proxyPort,
        "DRGW_SIP_TLS_CERT", drgwCert.toString(),
        "DRGW_SIP_TLS_KEY", drgwKey.toString(),
        "DRGW_SIP_TLS_TRUST", caFile.toString());
  }

  /** The proxy's counts: calls it answered (and OPTIONS, which count as calls to SIPp). */
  public SippLoad.Stats proxyStats() {
    return proxy.current();
  }

  /** Where SIPp's and socat's logs are. */
  public Path dir() {
    return dir;
  }

  public Path proxyDir() {
    return proxy.dir();
  }

  @Override
  public void close() {
    proxy.close();
    socat.destroy();
  }
}
