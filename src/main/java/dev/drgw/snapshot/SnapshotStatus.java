package dev.drgw.snapshot;

import dev.drgw.account.Account;
import dev.drgw.changes.ProvisioningState;
import dev.drgw.changes.ProvisioningState.ServiceStatus;
import dev.drgw.changes.ProvisioningState.SubdomainStatus;
import dev.drgw.changes.SyncStatus;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Status derived from what this node serves: a write is {@code synced} once the snapshot has
 * applied the change set that produced it (the entity's version); an account's subdomains are
 * {@code provisioned} when the DNS server runs and serves exactly the requested state,
 * {@code inconsistent} while it serves an older state, else {@code notProvisioned}.
 */
public final class SnapshotStatus implements SyncStatus {

  private final Supplier<RoutingSnapshot> snapshot;
  private final BooleanSupplier dnsServing;

  public SnapshotStatus(Supplier<RoutingSnapshot> snapshot, BooleanSupplier dnsServing) {
    this.snapshot = snapshot;
    this.dnsServing = dnsServing;
  }

  @Override
  public ProvisioningState ofAccount(Stored<Account> stored) {
    RoutingSnapshot served = snapshot.get();
    boolean applied = served.appliedSeq() >= stored.version();
    ServiceStatus service = applied ? ServiceStatus.SYNCED : ServiceStatus.PENDING;
    Account requested = stored.value();
    if (!requested.directRoutingEnabled() || requested.directRouting().configuration() == null
        || !dnsServing.getAsBoolean()) {
      return new ProvisioningState(SubdomainStatus.NOT_PROVISIONED, service);
    }
    if (applied) {
      return new ProvisioningState(SubdomainStatus.PROVISIONED, service);
    }
    Optional<AccountView> older = served.account(requested.name());
    boolean servesOlder = older.isPresent() && older.get().publishesSubdomains();
    return new ProvisioningState(
        servesOlder ? SubdomainStatus.INCONSISTENT : SubdomainStatus.NOT_PROVISIONED, service);
  }

  @Override
  public ProvisioningState ofNumber(Stored<NumberEntry> stored) {
    boolean applied = snapshot.get().appliedSeq() >= stored.version();
    return new ProvisioningState(
        SubdomainStatus.NOT_PROVISIONED, applied ? ServiceStatus.SYNCED : ServiceStatus.PENDING);
  }
}
