package dev.drgw.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Lists of SIP peers in settings: comma-separated {@code host:port} or
 * {@code host:port;transport=udp|tcp|tls}, IPv6 addresses in brackets, order kept (it is the
 * order of preference).
 */
final class SipPeers {

  private static final List<String> TRANSPORTS = List.of("udp", "tcp", "tls");

  private SipPeers() {}

  static Parsed<List<SipSettings.Peer>> parse(String raw, String defaultTransport) {
    List<SipSettings.Peer> peers = new ArrayList<>();
    for (String entry : raw.split(",")) {
      String e = entry.strip();
      if (e.isEmpty()) {
        continue;
      }
      Optional<SipSettings.Peer> peer = peer(e, defaultTransport);
      if (peer.isEmpty()) {
        return Parsed.expected("must be a comma-separated list of host:port or host:port;transport=udp|tcp|tls ("
            + Parsed.quote(e) + " is not)", raw);
      }
      if (peers.contains(peer.get())) {
        return Parsed.expected("must name each peer once (" + Parsed.quote(e) + " is there twice)", raw);
      }
      peers.add(peer.get());
    }
    return Parsed.ok(List.copyOf(peers));
  }

  private static Optional<SipSettings.Peer> peer(String entry, String defaultTransport) {
    String transport = defaultTransport;
    String address = entry;
    int semicolon = entry.indexOf(';');
    if (semicolon >= 0) {
      String parameter = entry.substring(semicolon + 1).strip().toLowerCase(Locale.ROOT);
      if (!parameter.startsWith("transport=")) {
        return Optional.empty();
      }
      transport = parameter.substring("transport=".length());
      address = entry.substring(0, semicolon).strip();
    }
    String host;
    String port;
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      if (close < 0 || close + 1 >= address.length() || address.charAt(close + 1) != ':') {
        return Optional.empty();
      }
      host = address.substring(1, close);
      port = address.substring(close + 2);
    } else {
      int colon = address.lastIndexOf(':');
      if (colon <= 0 || address.indexOf(':') != colon) {
        return Optional.empty();
      }
      host = address.substring(0, colon);
      port = address.substring(colon + 1);
    }
    if (!host.matches("[A-Za-z0-9.:-]+") || !port.matches("[0-9]{1,5}") || !TRANSPORTS.contains(transport)) {
      return Optional.empty();
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65_535) {
      return Optional.empty();
    }
    return Optional.of(new SipSettings.Peer(host.toLowerCase(Locale.ROOT), p, transport));
  }
}
