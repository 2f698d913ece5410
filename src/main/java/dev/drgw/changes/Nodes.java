package dev.drgw.changes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The registry of serving nodes, shared by every node of the deployment. */
public interface Nodes {

  /** What a node reports about itself on every heartbeat. */
  record Report(
      String name, int region, long appliedSeq, boolean dnsServing, boolean draining, String version,
      Instant startedAt) {}

  /** Records the node's report, stamped with the store's clock. */
  void heartbeat(Report report);

  /** Every node that ever reported and was not forgotten, with its age by the store's clock. */
  List<NodeState> list();

  /** Removes the rows of nodes silent for longer than {@code silence}; returns how many. */
  int forget(Duration silence);

  /** Removes one node's row (a node taken out of service for good); false when unknown. */
  boolean remove(String name);
}
