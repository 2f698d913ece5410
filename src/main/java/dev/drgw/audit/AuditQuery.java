package dev.drgw.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * Which audit entries to list, newest first: of one account (its own changes and its numbers'),
 * one kind, one entity (account name or telephone number), changed at or after {@code since} and
 * before {@code until}; a page of at most {@code limit} entries older than {@code after}, skipping
 * {@code skip} more.
 */
public record AuditQuery(
    Optional<String> account,
    Optional<AuditEntry.Kind> kind,
    Optional<String> entity,
    Optional<Instant> since,
    Optional<Instant> until,
    Optional<AuditCursor> after,
    long skip,
    int limit) {

  public AuditQuery {
    if (skip < 0 || limit < 0) {
      throw new IllegalArgumentException("skip and limit must not be negative");
    }
  }

  /** The newest {@code limit} entries, unfiltered. */
  public static AuditQuery latest(int limit) {
    return new AuditQuery(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), 0, limit);
  }

  public AuditQuery withAccount(String name) {
    return new AuditQuery(Optional.of(name), kind, entity, since, until, after, skip, limit);
  }

  public AuditQuery withEntity(AuditEntry.Kind k, String key) {
    return new AuditQuery(account, Optional.of(k), Optional.of(key), since, until, after, skip, limit);
  }

  public AuditQuery after(AuditCursor cursor) {
    return new AuditQuery(account, kind, entity, since, until, Optional.of(cursor), skip, limit);
  }
}
