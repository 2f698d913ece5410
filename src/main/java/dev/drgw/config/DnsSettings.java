package dev.drgw.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The authoritative DNS server: where it listens, what it publishes besides the customer
 * subdomains, and to whom it transfers the zone. Names are absolute, lower case, without the
 * trailing dot.
 *
 * @param regionSipAddresses the Teams-side SIP addresses of each region, index 0 = region 1
 * @param staticRecords zone-file lines relative to the base domain, parsed by the DNS server
 * @param transferAllow addresses or CIDR blocks (e.g. {@code 192.0.2.0/24}) allowed to AXFR
 */
public record DnsSettings(
    boolean enabled,
    String bind,
    int port,
    List<List<InetAddress>> regionSipAddresses,
    List<NameServer> nameServers,
    String soaContact,
    int ttl,
    int soaRefresh,
    int soaRetry,
    int soaExpire,
    int negativeTtl,
    List<String> staticRecords,
    List<String> transferAllow,
    Optional<TsigKey> tsigKey,
    List<InetSocketAddress> notifyTargets,
    int maxUdpSize,
    Duration tcpIdleTimeout,
    int maxTcpConnections) {

  public DnsSettings {
    regionSipAddresses = regionSipAddresses.stream().map(List::copyOf).toList();
    nameServers = List.copyOf(nameServers);
    staticRecords = List.copyOf(staticRecords);
    transferAllow = List.copyOf(transferAllow);
    notifyTargets = List.copyOf(notifyTargets);
    Objects.requireNonNull(tsigKey, "tsigKey");
  }

  /** A name server of the zone, with glue addresses when it sits inside the zone. */
  public record NameServer(String name, List<InetAddress> glue) {
    public NameServer {
      glue = List.copyOf(glue);
    }
  }

  /** A TSIG key: name, algorithm (e.g. hmac-sha256) and base64 secret. */
  public record TsigKey(String name, String algorithm, String secret) {
    @Override
    public String toString() {
      return "TsigKey[name=" + name + ", algorithm=" + algorithm + ", secret=(hidden)]";
    }
  }
}
