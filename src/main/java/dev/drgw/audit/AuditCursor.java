package dev.drgw.audit;

import java.util.Optional;

/**
 * A place in the audit trail: change set {@code seq}, entity {@code item} of it. Lists run newest
 * first, so the entries after a cursor are the older ones. Written as {@code seq.item}.
 */
public record AuditCursor(long seq, int item) {

  @Override
  public String toString() {
    return seq + "." + item;
  }

  /** Reads {@link #toString()}'s form; anything else is empty. */
  public static Optional<AuditCursor> parse(String text) {
    int dot = text.indexOf('.');
    if (dot <= 0 || dot == text.length() - 1) {
      return Optional.empty();
    }
    try {
      long seq = Long.parseLong(text.substring(0, dot));
      int item = Integer.parseInt(text.substring(dot + 1));
      if (seq < 0 || item < 0 || text.charAt(0) == '+' || text.charAt(dot + 1) == '+') {
        return Optional.empty();
      }
      return Optional.of(new AuditCursor(seq, item));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
