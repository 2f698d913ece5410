package dev.drgw.number;

import dev.drgw.account.Account;
import dev.drgw.domain.Stored;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Number operations inside one write transaction. Numbers must be {@link #lock locked} before they
 * are updated or deleted.
 */
public interface NumberTx {

  Optional<Account> account(String name);

  /** Reads and locks the numbers that exist among those given, keyed by telephone number. */
  Map<String, Stored<NumberEntry>> lock(Collection<String> telephoneNumbers);

  List<Stored<NumberEntry>> insert(List<NumberEntry> entries);

  List<Stored<NumberEntry>> update(List<NumberEntry> entries);

  void delete(Collection<NumberEntry> entries);
}
