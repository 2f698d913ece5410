package dev.drgw.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * SIP signalling: whether it runs, where the operator and Teams sides listen, the Teams side's
 * TLS files (PEM), this node's region (whose customer subdomains go to Teams) and the headers
 * added toward the operator network.
 */
public record SipSettings(
    boolean enabled,
    String bind,
    int operatorPort,
    int teamsPort,
    Optional<java.nio.file.Path> tlsCertificate,
    Optional<java.nio.file.Path> tlsKey,
    Optional<java.nio.file.Path> tlsTrust,
    int nodeRegion,
    String customHeaderName,
    Optional<String> tenantHeaderName,
    List<Peer> teamsProxies,
    List<Peer> operatorPeers,
    java.time.Duration optionsInterval,
    int operatorTlsPort,
    java.time.Duration noAnswerTimeout,
    int maxCallRate) {

  /** A SIP peer: host name or address, port, transport (udp, tcp or tls). */
  public record Peer(String host, int port, String transport) {}

  public SipSettings {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(customHeaderName, "customHeaderName");
    Objects.requireNonNull(tenantHeaderName, "tenantHeaderName");
    Objects.requireNonNull(tlsCertificate, "tlsCertificate");
    Objects.requireNonNull(tlsKey, "tlsKey");
    Objects.requireNonNull(tlsTrust, "tlsTrust");
    teamsProxies = List.copyOf(teamsProxies);
    operatorPeers = List.copyOf(operatorPeers);
    Objects.requireNonNull(optionsInterval, "optionsInterval");
    Objects.requireNonNull(noAnswerTimeout, "noAnswerTimeout");
  }
}
