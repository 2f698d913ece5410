package dev.drgw.changes;

import java.time.Duration;
import java.time.Instant;

/**
 * One serving node as its last heartbeat reported it: its region, the change-log sequence its
 * routing snapshot had applied, whether it serves DNS, and how long ago (by the database's clock)
 * it reported.
 */
public record NodeState(
    String name,
    int region,
    long appliedSeq,
    boolean dnsServing,
    boolean draining,
    String version,
    Instant startedAt,
    Instant lastSeen,
    Duration age) {

  /** True when it reported within {@code staleAfter}: it counts for status. */
  public boolean live(Duration staleAfter) {
    return age.compareTo(staleAfter) <= 0;
  }
}
