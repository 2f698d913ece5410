package dev.drgw.account;

import dev.drgw.domain.Stored;
import java.util.Optional;

/** Account operations inside one write transaction. */
public interface AccountTx {

  /** Reads the account and locks it against other writers until the transaction ends. */
  Optional<Stored<Account>> lock(String name);

  /** The account whose subdomain label has this {@link AccountRules#subdomainKey key}, if any. */
  Optional<String> ownerOfSubdomain(String subdomainKey);

  Stored<Account> insert(Account account);

  Stored<Account> update(Account account);

  boolean hasNumbers(String name);

  /** Deletes every number of the account; returns how many. */
  long deleteNumbersOf(String name);

  void delete(String name);
}
