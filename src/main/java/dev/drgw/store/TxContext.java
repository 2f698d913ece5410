package dev.drgw.store;

import dev.drgw.changes.Change;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** State of one write transaction: its handle, the changes it made, and derived counters. */
final class TxContext {

  final Handle handle;
  final Dialect dialect;
  final OffsetDateTime now;
  final List<Change> changes = new ArrayList<>();
  /** Change of each account's count of Direct Routing enabled numbers. */
  final Map<String, Long> directRoutingDelta = new HashMap<>();
  final Set<String> deletedAccounts = new HashSet<>();
  /** Sequence number of this write's change set: the version of every entity it writes. */
  final long seq;

  TxContext(Handle handle, Dialect dialect, Instant now, long seq) {
    this.handle = handle;
    this.dialect = dialect;
    this.now = now.atOffset(ZoneOffset.UTC);
    this.seq = seq;
  }

  void countDirectRouting(String account, long delta) {
    if (delta != 0) {
      directRoutingDelta.merge(account, delta, Long::sum);
    }
  }
}
