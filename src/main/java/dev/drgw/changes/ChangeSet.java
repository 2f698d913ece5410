package dev.drgw.changes;

import java.time.Instant;
import java.util.List;

/**
 * The changes of one committed transaction. Sequence numbers rise by one per committed change set,
 * in commit order, with no gaps: a reader that has applied {@code seq} needs exactly
 * {@code seq + 1} next.
 */
public record ChangeSet(
    long seq, Instant committedAt, String accountName, String actor, String source, List<Change> changes) {}
