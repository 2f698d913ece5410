package dev.drgw.repeatability;

import java.time.Instant;

/** What the ledger holds for a request ID: still running, or done with its response. */
public sealed interface LedgerEntry {

  /** Hash of method, path, query and body: a retry must repeat the same request. */
  String fingerprint();

  record InProgress(String fingerprint, Instant startedAt) implements LedgerEntry {}

  record Done(String fingerprint, RecordedResponse response) implements LedgerEntry {}
}
