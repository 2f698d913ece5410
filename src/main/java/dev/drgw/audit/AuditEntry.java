package dev.drgw.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * One entity changed by one committed write: who ({@code actor}), from where ({@code source}),
 * when, and its state before and after as JSON text ({@code before} is null when it was created,
 * {@code after} when it was deleted). {@code seq} is the change set's sequence number, {@code item}
 * the entity's place in it.
 */
public record AuditEntry(
    long seq,
    int item,
    Instant at,
    String actor,
    String source,
    Kind kind,
    String entity,
    String accountName,
    Action action,
    String before,
    String after) {

  /** What kind of entity changed; {@link #wire()} is its name in the table and on the wire. */
  public enum Kind {
    ACCOUNT("account"),
    NUMBER("number");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    public static Optional<Kind> parse(String s) {
      for (Kind k : values()) {
        if (k.wire.equals(s)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  /** What happened to the entity. */
  public enum Action {
    CREATED("created"),
    UPDATED("updated"),
    DELETED("deleted");

    private final String wire;

    Action(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    public static Optional<Action> parse(String s) {
      for (Action a : values()) {
        if (a.wire.equals(s)) {
          return Optional.of(a);
        }
      }
      return Optional.empty();
    }
  }

  /** Where this entry sits in the trail, for continuing a list after it. */
  public AuditCursor cursor() {
    return new AuditCursor(seq, item);
  }
}
