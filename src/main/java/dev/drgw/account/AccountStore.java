package dev.drgw.account;

import dev.drgw.domain.Actor;
import dev.drgw.domain.Filter;
import dev.drgw.domain.Page;
import dev.drgw.domain.PageRequest;
import dev.drgw.domain.Stored;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Where accounts live. Every write runs in one transaction together with its change-log entry. */
public interface AccountStore {

  /**
   * Runs {@code work} in one transaction; the changes it makes are committed together with one
   * change-log entry recording them and {@code actor}. Conflicting concurrent writers are retried.
   */
  <T> T write(Actor actor, Function<AccountTx, T> work);

  Optional<Stored<Account>> find(String name);

  /** Accounts ordered by name; {@code continueAfter} is the last name of the page. */
  Page<Stored<Account>> list(PageRequest request);

  long count(Filter filter);

  /** Number of Direct Routing enabled numbers of each account given (absent: none). */
  Map<String, Long> directRoutingNumberCounts(Collection<String> names);
}
