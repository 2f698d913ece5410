package dev.drgw.repeatability;

import java.time.Instant;
import java.util.Optional;

/**
 * Remembers repeatable requests by client and request ID for a bounded time, so that a retry gets
 * the first outcome instead of running again.
 */
public interface RequestLedger {

  /**
   * Records the request as in progress unless an entry exists; returns the existing entry, or
   * empty when this call claimed the ID.
   */
  Optional<LedgerEntry> claim(
      String clientId, String requestId, String fingerprint, Instant now, Instant expiresAt);

  /** Takes over an in-progress entry left behind by a request that never finished. */
  boolean takeOver(String clientId, String requestId, Instant startedBefore, Instant now);

  void complete(String clientId, String requestId, RecordedResponse response);

  /** Forgets the ID, so that a retry runs the request again (after a server error). */
  void release(String clientId, String requestId);

  /** Deletes entries that expired before {@code now}; returns how many. */
  int purgeExpired(Instant now);
}
