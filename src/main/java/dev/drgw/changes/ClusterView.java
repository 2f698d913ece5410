package dev.drgw.changes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each region serves, from the nodes' heartbeats: for every region that has (or had) a node,
 * its live nodes, the lowest sequence they have all applied and whether one of them serves DNS.
 * A region whose nodes all stopped reporting still counts, with no live node: it serves nothing
 * current until one is back.
 */
public record ClusterView(List<Region> regions) {

  /** One region: {@code appliedSeq} is the minimum over its live nodes, -1 when none is live. */
  public record Region(int region, int liveNodes, long appliedSeq, boolean dnsServing) {

    /** True when every live node of the region has applied {@code seq}, and one is live. */
    public boolean applied(long seq) {
      return liveNodes > 0 && appliedSeq >= seq;
    }
  }

  public ClusterView {
    regions = List.copyOf(regions);
  }

  /**
   * The view from the registered nodes. {@code self} is this node's own current state: it always
   * counts as live and replaces its (possibly older) row, so that a change this node has just
   * applied shows at once.
   */
  public static ClusterView of(List<NodeState> nodes, NodeState self, Duration staleAfter) {
    Map<Integer, long[]> byRegion = new TreeMap<>(); // region -> {live, minApplied, dns}
    List<NodeState> all = new ArrayList<>();
    for (NodeState n : nodes) {
      if (!n.name().equals(self.name())) {
        all.add(n);
      }
    }
    all.add(self);
    for (NodeState n : all) {
      long[] r = byRegion.computeIfAbsent(n.region(), k -> new long[] {0, Long.MAX_VALUE, 0});
      if (n == self || n.live(staleAfter)) {
        r[0]++;
        r[1] = Math.min(r[1], n.appliedSeq());
        if (n.dnsServing()) {
          r[2] = 1;
        }
      }
    }
    List<Region> regions = new ArrayList<>();
    byRegion.forEach((region, r) -> regions.add(new Region(region, (int) r[0], r[0] == 0 ? -1 : r[1], r[2] == 1)));
    return new ClusterView(regions);
  }

  /** True when every region's live nodes have applied {@code seq}. */
  public boolean appliedEverywhere(long seq) {
    return regions.stream().allMatch(r -> r.applied(seq));
  }

  /** True when some live node of some region has applied {@code seq}. */
  public boolean appliedSomewhere(long seq) {
    return regions.stream().anyMatch(r -> r.applied(seq));
  }

  /** True when a live node somewhere serves DNS. */
  public boolean dnsServing() {
    return regions.stream().anyMatch(Region::dnsServing);
  }
}
