package dev.drgw.snapshot;

import dev.drgw.account.Account;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import java.util.function.Consumer;

/** Where a node reads the whole provisioned state from at start. */
public interface SnapshotSource {

  /**
   * Passes every account and number to the consumers, all as of one consistent point of the
   * change log, and returns that point's sequence number. Numbers come without their
   * {@code otherServices}, which the serving components do not need.
   */
  long load(Consumer<Stored<Account>> accounts, Consumer<NumberEntry> numbers);
}
