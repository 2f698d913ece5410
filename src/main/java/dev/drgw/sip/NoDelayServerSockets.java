package dev.drgw.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Listening sockets whose accepted connections have TCP_NODELAY set. SIP messages are written
 * whole, one write each; with Nagle's algorithm a 180 or 200 written right after a 100 Trying
 * waits for the peer's delayed ACK (tens of milliseconds per answer). Java has no server-side
 * switch for it, so plain listeners override {@code accept}, and TLS listeners accept a plain
 * connection and start TLS on it as the server, with the parameters set on the listener.
 */
final class NoDelayServerSockets {

  private NoDelayServerSockets() {}

  static ServerSocket plain(int port, int backlog, InetAddress bind) throws IOException {
    return new ServerSocket(port, backlog, bind) {
      @Override
      public Socket accept() throws IOException {
        Socket s = super.accept();
        s.setTcpNoDelay(true);
        return s;
      }
    };
  }

  static SSLServerSocket tls(SSLContext context, int port, int backlog, InetAddress bind) throws IOException {
    return new Tls(context, new ServerSocket(port, backlog, bind));
  }

  /** A TLS listener over a plain one: accepted connections become server-mode TLS sockets. */
  private static final class Tls extends SSLServerSocket {
    private final SSLContext context;
    private final ServerSocket listener;
    private SSLParameters parameters;
    private boolean sessionCreation = true;

    Tls(SSLContext context, ServerSocket listener) throws IOException {
      super();
      this.context = context;
      this.listener = listener;
      this.parameters = context.getDefaultSSLParameters();
    }

    @Override
    public Socket accept() throws IOException {
      Socket plain = listener.accept();
      try {
        plain.setTcpNoDelay(true);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        tls.setUseClientMode(false);
        tls.setSSLParameters(parameters);
        tls.setEnableSessionCreation(sessionCreation);
        return tls;
      } catch (IOException | RuntimeException e) {
        plain.close();
        throw e;
      }
    }

    @Override
    public SSLParameters getSSLParameters() {
      return parameters;
    }

    @Override
    public void setSSLParameters(SSLParameters p) {
      this.parameters = p;
    }

    @Override
    public String[] getEnabledCipherSuites() {
      return parameters.getCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
      parameters.setCipherSuites(suites);
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return context.getSupportedSSLParameters().getCipherSuites();
    }

    @Override
    public String[] getSupportedProtocols() {
      return context.getSupportedSSLParameters().getProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
      return parameters.getProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
      parameters.setProtocols(protocols);
    }

    @Override
    public void setNeedClientAuth(boolean need) {
      parameters.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
      return parameters.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
      parameters.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
      return parameters.getWantClientAuth();
    }

    @Override
    public void setUseClientMode(boolean mode) {
      if (mode) {
        throw new IllegalArgumentException("a listener's connections are TLS servers");
      }
    }

    @Override
    public boolean getUseClientMode() {
      return false;
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
      sessionCreation = flag;
    }

    @Override
    public boolean getEnableSessionCreation() {
      return sessionCreation;
    }

    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
      listener.bind(endpoint, backlog);
    }

    @Override
    public InetAddress getInetAddress() {
      return listener.getInetAddress();
    }

    @Override
    public int getLocalPort() {
      return listener.getLocalPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
      return listener.getLocalSocketAddress();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
      listener.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws IOException {
      return listener.getSoTimeout();
    }

    @Override
    public boolean isBound() {
      return listener.isBound();
    }

    @Override
    public boolean isClosed() {
      return listener.isClosed();
    }

    @Override
    public void close() throws IOException {
      listener.close();
    }

    @Override
    public String toString() {
      return "TLS listener " + listener;
    }
  }
}
