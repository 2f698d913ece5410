package dev.drgw.sip;

import java.util.List;
import java.util.Locale;

/**
 * A SIP peer drgw sends to: a host (name or address), a port and a transport (udp, tcp, tls).
 */
public record SipPeer(String host, int port, String transport) {

  public static final List<String> TRANSPORTS = List.of("udp", "tcp", "tls");

  public SipPeer {
    transport = transport.toLowerCase(Locale.ROOT);
    if (!TRANSPORTS.contains(transport)) {
      throw new IllegalArgumentException("transport must be one of " + TRANSPORTS);
    }
  }

  /** {@code host:port}, as metrics and logs name the peer. */
  public String name() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
