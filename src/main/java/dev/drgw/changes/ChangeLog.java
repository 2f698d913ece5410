package dev.drgw.changes;

import java.util.List;
import java.util.OptionalLong;

/** The append-only log of committed changes; written by the stores, read by the routing snapshot. */
public interface ChangeLog {

  /** Sequence of the last committed change set, 0 when none. */
  long latestSeq();

  /** Up to {@code limit} change sets with sequence greater than {@code seq}, in order. */
  List<ChangeSet> after(long seq, int limit);

  /** Sequence of the last change set that concerned the account, if any is still in the log. */
  OptionalLong latestSeqOf(String accountName);
}
