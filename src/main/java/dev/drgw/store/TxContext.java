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
  /** Every entity written, before and after, in order: the write's audit-trail rows. */
  final List<Audited> audited = new ArrayList<>();
  /** Set by writes that record no change of their own (deleting an account's numbers). */
  boolean wroteUnrecorded;
  /** Sequence number of this write's change set: the version of every entity it writes. */
  final long seq;

  TxContext(Handle handle, Dialect dialect, Instant now, long seq) {
    this.handle = handle;
    this.dialect = dialect;
    this.now = now.atOffset(ZoneOffset.UTC);
    this.seq = seq;
  }

  /** Whether this write changed anything in the database (so a failure must be undone). */
  boolean wrote() {
    return wroteUnrecorded || !changes.isEmpty();
  }

  void countDirectRouting(String account, long delta) {
    if (delta != 0) {
      directRoutingDelta.merge(account, delta, Long::sum);
    }
  }
}
