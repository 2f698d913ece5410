package dev.drgw.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.account.Account;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.changes.Change;
import dev.drgw.changes.ChangeSet;
import dev.drgw.changes.ProvisioningState.ServiceStatus;
import dev.drgw.changes.ProvisioningState.SubdomainStatus;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnapshotStatusTest {

  private static Account account(boolean enabled, String token) {
    return new Account(
        "contoso", null, null,
        new DirectRouting(true, enabled, new DirectRoutingConfig(true, "contoso", token, "t2")), null);
  }

  /**
   * @param servedVersion version of the account the snapshot holds (0: none)
   * @param servedEnabled whether that served version had Direct Routing on
   * @param applied the snapshot's applied sequence
   * @param requestedVersion version of the account in the database
   */
  @ParameterizedTest(name = "served v{0} (DR {1}), applied {2}, requested v{3} DR {4}, DNS {5} -> {6}/{7}")
  @CsvSource({
    "1, true,  1, 1, true,  true,  PROVISIONED,     SYNCED",
    "1, true,  2, 1, true,  true,  PROVISIONED,     SYNCED",
    "1, true,  1, 2, true,  true,  INCONSISTENT,    PENDING",
    "1, false, 1, 2, true,  true,  NOT_PROVISIONED, PENDING",
    "0, true,  0, 1, true,  true,  NOT_PROVISIONED, PENDING",
    "1, true,  1, 1, false, true,  NOT_PROVISIONED, SYNCED",
    "1, true,  1, 1, true,  false, NOT_PROVISIONED, SYNCED",
  })
  void accountStatus(
      long servedVersion, boolean servedEnabled, long applied, long requestedVersion,
      boolean requestedEnabled, boolean dnsServing, SubdomainStatus subdomain, ServiceStatus service) {
    RoutingSnapshot snapshot = RoutingSnapshot.empty();
    if (servedVersion > 0) {
      snapshot = snapshot.apply(List.of(set(1, new Change.AccountPut(account(servedEnabled, "old")))));
    }
    for (long seq = snapshot.appliedSeq() + 1; seq <= applied; seq++) {
      snapshot = snapshot.apply(List.of(set(seq, new Change.NumberDeleted("+1" + seq, "other"))));
    }
    RoutingSnapshot served = snapshot;
    SnapshotStatus status = new SnapshotStatus(() -> served, () -> dnsServing);
    var state = status.ofAccount(new Stored<>(account(requestedEnabled, "new"), requestedVersion));
    assertThat(state.subdomainStatus()).isEqualTo(subdomain);
    assertThat(state.serviceStatus()).isEqualTo(service);
  }

  @ParameterizedTest
  @CsvSource({"3, 3, SYNCED", "4, 3, PENDING"})
  void numberStatus(long version, long applied, ServiceStatus expected) {
    RoutingSnapshot snapshot = RoutingSnapshot.empty();
    for (long seq = 1; seq <= applied; seq++) {
      snapshot = snapshot.apply(List.of(set(seq, new Change.NumberDeleted("+1" + seq, "x"))));
    }
    RoutingSnapshot served = snapshot;
    var state =
        new SnapshotStatus(() -> served, () -> true)
            .ofNumber(new Stored<>(new NumberEntry("+4420", "x", true, null, null), version));
    assertThat(state.serviceStatus()).isEqualTo(expected);
  }

  private static ChangeSet set(long seq, Change change) {
    return new ChangeSet(seq, Instant.EPOCH, change.accountName(), "t", null, List.of(change));
  }
}
