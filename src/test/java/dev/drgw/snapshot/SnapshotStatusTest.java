package dev.drgw.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.account.Account;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.changes.Change;
import dev.drgw.changes.ChangeSet;
import dev.drgw.changes.ClusterView;
import dev.drgw.changes.NodeState;
import dev.drgw.changes.ProvisioningState.ServiceStatus;
import dev.drgw.changes.ProvisioningState.SubdomainStatus;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import java.time.Duration;
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
    SnapshotStatus status = new SnapshotStatus(() -> served, () -> alone(served.appliedSeq(), dnsServing));
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
        new SnapshotStatus(() -> served, () -> alone(served.appliedSeq(), true))
            .ofNumber(new Stored<>(new NumberEntry("+4420", "x", true, null, null), version));
    assertThat(state.serviceStatus()).isEqualTo(expected);
  }

  /**
   * Two regions: region 1 is this node (applied 5), region 2 has the nodes given as
   * "applied:ageSeconds" pairs; the account was published before at version 1 (when
   * {@code publishedBefore}) and is now at {@code version}.
   */
  @ParameterizedTest(name = "region 2 {0}, v{1}, published before {2} -> {3}/{4} (region 2: {5})")
  @CsvSource(delimiter = '|', textBlock = """
      5:0 5:1    | 5 | true  | PROVISIONED     | SYNCED  | PROVISIONED
      5:0 4:1    | 5 | true  | INCONSISTENT    | PENDING | INCONSISTENT
      5:0 4:30   | 5 | true  | PROVISIONED     | SYNCED  | PROVISIONED
      4:30       | 5 | true  | INCONSISTENT    | PENDING | INCONSISTENT
      4:30       | 5 | false | INCONSISTENT    | PENDING | INCONSISTENT
      4:0        | 6 | false | NOT_PROVISIONED | PENDING | NOT_PROVISIONED
      4:0        | 6 | true  | INCONSISTENT    | PENDING | INCONSISTENT
      """)
  void statusAcrossRegions(String region2, long version, boolean publishedBefore, SubdomainStatus subdomain,
      ServiceStatus service, SubdomainStatus region2Subdomain) {
    RoutingSnapshot snapshot = RoutingSnapshot.empty();
    snapshot = snapshot.apply(List.of(set(1, publishedBefore
        ? new Change.AccountPut(account(true, "old")) : new Change.NumberDeleted("+11", "other"))));
    for (long seq = 2; seq <= 5; seq++) {
      snapshot = snapshot.apply(List.of(set(seq, new Change.NumberDeleted("+1" + seq, "other"))));
    }
    RoutingSnapshot served = snapshot;
    List<NodeState> others = new java.util.ArrayList<>();
    int i = 0;
    for (String n : region2.split(" ")) {
      String[] parts = n.split(":");
      others.add(node("r2-" + i++, 2, Long.parseLong(parts[0]), true, Duration.ofSeconds(Long.parseLong(parts[1]))));
    }
    ClusterView view = ClusterView.of(others, node("self", 1, 5, true, Duration.ZERO), Duration.ofSeconds(10));

    var state = new SnapshotStatus(() -> served, () -> view).ofAccount(new Stored<>(account(true, "new"), version));

    assertThat(state.subdomainStatus()).isEqualTo(subdomain);
    assertThat(state.serviceStatus()).isEqualTo(service);
    assertThat(state.regions()).hasSize(2);
    assertThat(state.regions().get(1).region()).isEqualTo(2);
    assertThat(state.regions().get(1).subdomainStatus()).isEqualTo(region2Subdomain);
  }

  /** A deployment of this one node. */
  static ClusterView alone(long applied, boolean dns) {
    return ClusterView.of(List.of(), node("self", 1, applied, dns, Duration.ZERO), Duration.ofSeconds(10));
  }

  static NodeState node(String name, int region, long applied, boolean dns, Duration age) {
    return new NodeState(name, region, applied, dns, false, "test", Instant.EPOCH, Instant.EPOCH, age);
  }

  private static ChangeSet set(long seq, Change change) {
    return new ChangeSet(seq, Instant.EPOCH, change.accountName(), "t", null, List.of(change));
  }
}
