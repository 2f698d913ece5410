package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drgw.testing.TestCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

class NoDelayServerSocketsTest {

  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void acceptedPlainConnectionsHaveNagleOff() throws Exception {
    try (ServerSocket listener = NoDelayServerSockets.plain(0, 5, LOOPBACK);
        Socket client = new Socket(LOOPBACK, listener.getLocalPort());
        Socket accepted = listener.accept()) {
      assertThat(accepted.getTcpNoDelay()).isTrue();
      assertThat(client.isConnected()).isTrue();
    }
  }

  @Test
  void acceptedTlsConnectionsAreTlsServersWithTheListenersParametersAndNagleOff() throws Exception {
    TestCa ca = TestCa.create("test CA");
    SSLContext server = ca.sslContext(ca.issue("drgw", List.of("localhost"), List.of("127.0.0.1"), true, true), true);
    SSLContext client = ca.sslContext(ca.issue("peer", List.of("peer"), List.of(), true, true), true);
    try (SSLServerSocket listener = NoDelayServerSockets.tls(server, 0, 5, LOOPBACK)) {
      listener.setNeedClientAuth(true);
      listener.setEnabledProtocols(new String[] {"TLSv1.3"});
      CompletableFuture<String> heard = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket accepted = (SSLSocket) listener.accept()) {
          assertThat(accepted.getTcpNoDelay()).isTrue();
          assertThat(accepted.getUseClientMode()).isFalse();
          byte[] line = accepted.getInputStream().readNBytes(5);
          accepted.getSession(); // handshake done
          return new String(line, StandardCharsets.US_ASCII) + " " + accepted.getSession().getProtocol() + " "
              + accepted.getSession().getPeerPrincipal().getName();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(LOOPBACK, listener.getLocalPort())) {
        s.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        assertThat(heard.get(10, TimeUnit.SECONDS)).isEqualTo("hello TLSv1.3 CN=peer");
      }
      assertThat(listener.getNeedClientAuth()).isTrue();
      assertThatThrownBy(() -> listener.setUseClientMode(true)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aTlsClientWithoutACertificateIsRefusedWhenTheListenerNeedsOne() throws Exception {
    TestCa ca = TestCa.create("test CA");
    SSLContext server = ca.sslContext(ca.issue("drgw", List.of("localhost"), List.of(), true, true), true);
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext anonymous = SSLContext.getInstance("TLS");
    anonymous.init(null, tmf.getTrustManagers(), null);
    try (SSLServerSocket listener = NoDelayServerSockets.tls(server, 0, 5, LOOPBACK)) {
      listener.setNeedClientAuth(true);
      CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
        try (SSLSocket accepted = (SSLSocket) listener.accept()) {
          accepted.startHandshake();
        } catch (IOException expected) {
          // refused
        }
      });
      try (SSLSocket s = (SSLSocket) anonymous.getSocketFactory().createSocket(LOOPBACK, listener.getLocalPort())) {
        assertThatThrownBy(() -> {
          s.startHandshake();
          s.getOutputStream().write(1);
          s.getInputStream().read();
        }).isInstanceOf(IOException.class);
      }
      serverSide.get(10, TimeUnit.SECONDS);
    }
  }
}
