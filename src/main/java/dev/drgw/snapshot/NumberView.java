package dev.drgw.snapshot;

import dev.drgw.number.NumberEntry;

/** A number as the serving components see it, with the sequence of the change that wrote it. */
public record NumberView(
    String telephoneNumber,
    String accountName,
    boolean directRoutingEnabled,
    String customSipHeader,
    long version) {

  static NumberView of(NumberEntry entry, long version) {
    return new NumberView(
        entry.telephoneNumber(),
        entry.accountName(),
        entry.directRoutingEnabled(),
        entry.customSipHeader(),
        version);
  }
}
