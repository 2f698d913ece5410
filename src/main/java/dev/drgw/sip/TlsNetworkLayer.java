package dev.drgw.sip;

import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * JAIN-SIP RI's sockets for a stack with a TLS identity: TLS 1.2+ only, client certificates
 * required on accepted connections, and on connections we open the server name sent as SNI and
 * checked against the peer's certificate. The RI creates it by class name
 * ({@code gov.nist.javax.sip.NETWORK_LAYER}), so the context is looked up by stack name.
 */
public final class TlsNetworkLayer implements NetworkLayer {

  private static final Map<String, SSLContext> CONTEXTS = new ConcurrentHashMap<>();
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private SSLContext context;

  /** Makes {@code context} the TLS identity of the stack named {@code stackName}. */
  static void register(String stackName, SSLContext context) {
    CONTEXTS.put(stackName, context);
  }

  static void unregister(String stackName) {
    CONTEXTS.remove(stackName);
  }

  @Override
  public void setSipStack(SipStackImpl stack) {
    context = CONTEXTS.get(stack.getStackName());
    if (context == null) {
      throw new IllegalStateException("no TLS context registered for SIP stack " + stack.getStackName());
    }
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
    return NoDelayServerSockets.plain(port, backlog, bindAddress);
  }

  @Override
  public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
    SSLServerSocket socket = NoDelayServerSockets.tls(context, port, backlog, bindAddress);
    socket.setEnabledProtocols(PROTOCOLS);
    socket.setNeedClientAuth(true);
    return socket;
  }

  @Override
  public Socket createSocket(InetAddress address, int port) throws IOException {
    return new Socket(address, port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
    return new Socket(address, port, myAddress, 0);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress myAddress, int myPort) throws IOException {
    return new Socket(address, port, myAddress, myPort);
  }

  @Override
  public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
    return createSSLSocket(address, port, null);
  }

  @Override
  public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
    Socket plain = new Socket();
    if (myAddress != null) {
      plain.bind(new InetSocketAddress(myAddress, 0));
    }
    plain.setTcpNoDelay(true); // SIP messages are written whole; Nagle would only hold them back
    plain.connect(new InetSocketAddress(address, port), 10_000);
    String name = hostName(address);
    forgetClientSessions();
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, name, port, true);
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setProtocols(PROTOCOLS);
    if (!isLiteral(name)) {
      parameters.setServerNames(List.of(new SNIHostName(name)));
    }
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    return socket;
  }

  @Override
  public DatagramSocket createDatagramSocket() throws SocketException {
    return new DatagramSocket();
  }

  @Override
  public DatagramSocket createDatagramSocket(int port, InetAddress bindAddress) throws SocketException {
    return new DatagramSocket(port, bindAddress);
  }

  /**
   * Connections drgw opens always make a full handshake: a server that asks for a client
   * certificate may refuse to resume a session (OpenSSL without a session id context does, and
   * newer JDKs offer resumption whenever they can), and connections to Microsoft are kept open
   * for long, so resuming would save nothing.
   */
  private void forgetClientSessions() {
    javax.net.ssl.SSLSessionContext sessions = context.getClientSessionContext();
    for (java.util.Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
      javax.net.ssl.SSLSession session = sessions.getSession(ids.nextElement());
      if (session != null) {
        session.invalidate();
      }
    }
  }

  /** The name the address was made from (never a reverse lookup), else its literal address. */
  static String hostName(InetAddress address) {
    String text = address.toString();
    int slash = text.indexOf('/');
    return slash > 0 ? text.substring(0, slash) : address.getHostAddress();
  }

  private static boolean isLiteral(String name) {
    return name.indexOf(':') >= 0 || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }
}
