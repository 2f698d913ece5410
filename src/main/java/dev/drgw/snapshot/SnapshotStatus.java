package dev.drgw.snapshot;

import dev.drgw.account.Account;
import dev.drgw.changes.ClusterView;
import dev.drgw.changes.ProvisioningState;
import dev.drgw.changes.ProvisioningState.RegionProvisioning;
import dev.drgw.changes.ProvisioningState.ServiceStatus;
import dev.drgw.changes.ProvisioningState.SubdomainStatus;
import dev.drgw.changes.SyncStatus;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Status derived from what the deployment serves. A write is {@code synced} once every live node
 * of every region has applied the change set that produced it (the entity's version). An
 * account's subdomains are {@code provisioned} when, in addition, a live node serves DNS;
 * {@code inconsistent} while some region serves the new state and another an older one (or
 * nothing, its nodes being down), or while this node still serves an older published state;
 * otherwise {@code notProvisioned}. Each region's own view is reported alongside.
 */
public final class SnapshotStatus implements SyncStatus {

  private final Supplier<RoutingSnapshot> snapshot;
  private final Supplier<ClusterView> cluster;

  public SnapshotStatus(Supplier<RoutingSnapshot> snapshot, Supplier<ClusterView> cluster) {
    this.snapshot = snapshot;
    this.cluster = cluster;
  }

  @Override
  public ProvisioningState ofAccount(Stored<Account> stored) {
    ClusterView view = cluster.get();
    long version = stored.version();
    boolean everywhere = view.appliedEverywhere(version);
    ServiceStatus service = everywhere ? ServiceStatus.SYNCED : ServiceStatus.PENDING;
    Account requested = stored.value();
    boolean publishes = requested.directRoutingEnabled() && requested.directRouting().configuration() != null;
    SubdomainStatus subdomains;
    if (!publishes || !view.dnsServing()) {
      subdomains = SubdomainStatus.NOT_PROVISIONED;
    } else if (everywhere) {
      subdomains = SubdomainStatus.PROVISIONED;
    } else {
      Optional<AccountView> older = snapshot.get().account(requested.name());
      // This node serves a published state of the account (older, or already the new one while
      // the other nodes' reports are a heartbeat behind): some region serves something.
      boolean servesSome = older.isPresent() && older.get().publishesSubdomains();
      subdomains = servesSome || view.appliedSomewhere(version)
          ? SubdomainStatus.INCONSISTENT : SubdomainStatus.NOT_PROVISIONED;
    }
    List<RegionProvisioning> regions = new ArrayList<>();
    for (ClusterView.Region r : view.regions()) {
      boolean applied = r.applied(version);
      SubdomainStatus regional = !publishes || !view.dnsServing() ? SubdomainStatus.NOT_PROVISIONED
          : applied ? SubdomainStatus.PROVISIONED
          : subdomains == SubdomainStatus.NOT_PROVISIONED ? SubdomainStatus.NOT_PROVISIONED
          : SubdomainStatus.INCONSISTENT;
      regions.add(new RegionProvisioning(r.region(), regional,
          applied ? ServiceStatus.SYNCED : ServiceStatus.PENDING, r.liveNodes(), r.appliedSeq()));
    }
    return new ProvisioningState(subdomains, service, regions);
  }

  @Override
  public ProvisioningState ofNumber(Stored<NumberEntry> stored) {
    ClusterView view = cluster.get();
    long version = stored.version();
    List<RegionProvisioning> regions = new ArrayList<>();
    for (ClusterView.Region r : view.regions()) {
      regions.add(new RegionProvisioning(r.region(), SubdomainStatus.NOT_PROVISIONED,
          r.applied(version) ? ServiceStatus.SYNCED : ServiceStatus.PENDING, r.liveNodes(), r.appliedSeq()));
    }
    return new ProvisioningState(SubdomainStatus.NOT_PROVISIONED,
        view.appliedEverywhere(version) ? ServiceStatus.SYNCED : ServiceStatus.PENDING, regions);
  }
}
