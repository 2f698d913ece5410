package dev.drgw.dns;

import dev.drgw.account.DeploymentNames;
import dev.drgw.config.ConfigException;
import dev.drgw.config.DnsSettings;
import dev.drgw.snapshot.RoutingSnapshot;
import dev.drgw.snapshot.SnapshotFollower;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * drgw's authoritative DNS server: the zone of the base domain, kept current from the routing
 * snapshot, served over UDP and TCP, transferred to allowed secondaries and announced to them
 * with NOTIFY.
 */
public final class DnsService implements AutoCloseable {

  private final AtomicReference<ZoneData> zone = new AtomicReference<>();
  private final ZoneData.Fixed fixed;
  private final DnsServer server;
  private final Notifier notifier;

  public DnsService(
      DnsSettings settings, DeploymentNames names, SnapshotFollower follower, MeterRegistry registry)
      throws ConfigException {
    this.fixed = new ZoneData.Fixed(settings, names);
    zone.set(new ZoneData(fixed, follower.current()));
    Optional<TSIG> tsig = tsig(settings);
    DnsResponder responder = new DnsResponder(zone::get, settings.maxUdpSize());
    this.server =
        new DnsServer(
            settings.bind(),
            settings.port(),
            responder,
            zone::get,
            new TransferAcl(settings.transferAllow()),
            tsig,
            new DnsMetrics(registry),
            new AnswerCache(settings.maxUdpSize()),
            settings.tcpIdleTimeout(),
            settings.maxTcpConnections());
    this.notifier = new Notifier(settings.notifyTargets(), tsig, zone::get);
    Gauge.builder("drgw.dns.zone.serial", () -> zone.get().soa().getSerial())
        .description("SOA serial of the zone being served")
        .register(registry);
    follower.addListener(this::snapshotChanged);
  }

  private static Optional<TSIG> tsig(DnsSettings settings) throws ConfigException {
    if (settings.tsigKey().isEmpty()) {
      return Optional.empty();
    }
    DnsSettings.TsigKey key = settings.tsigKey().get();
    try {
      return Optional.of(
          new TSIG(TSIG.algorithmToName(key.algorithm()), Name.fromString(key.name() + "."), key.secret()));
    } catch (TextParseException | IllegalArgumentException e) {
      throw new ConfigException(List.of("DRGW_DNS_TSIG_KEY (dns.tsig-key): " + e.getMessage()));
    }
  }

  private void snapshotChanged(RoutingSnapshot snapshot) {
    ZoneData previous = zone.get();
    zone.set(new ZoneData(fixed, snapshot));
    if (snapshot.zoneSeq() != previous.snapshot().zoneSeq()) {
      notifier.zoneChanged();
    }
  }

  public void start() throws IOException {
    server.start();
    notifier.start();
  }

  public int port() {
    return server.port();
  }

  public boolean isServing() {
    return server.isRunning();
  }

  @Override
  public void close() {
    notifier.close();
    server.close();
  }
}
