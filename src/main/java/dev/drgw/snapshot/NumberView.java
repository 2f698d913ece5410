package dev.drgw.snapshot;

import dev.drgw.number.NumberEntry;

/** A number as the serving components see it. */
public record NumberView(
    String telephoneNumber, String accountName, boolean directRoutingEnabled, String customSipHeader) {

  static NumberView of(NumberEntry entry) {
    return new NumberView(
        entry.telephoneNumber(), entry.accountName(), entry.directRoutingEnabled(), entry.customSipHeader());
  }
}
