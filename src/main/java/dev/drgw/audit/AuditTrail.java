package dev.drgw.audit;

import dev.drgw.domain.Page;

/**
 * The audit trail, read side. Entries are written by the store in the same transaction as the
 * change they record, so the trail never disagrees with the data.
 */
public interface AuditTrail {

  /** A page of entries, newest first; {@code continueAfter} is the last entry's cursor. */
  Page<AuditEntry> list(AuditQuery query);

  /** How many entries match the query's filters (its cursor, skip and limit aside). */
  long count(AuditQuery query);
}
