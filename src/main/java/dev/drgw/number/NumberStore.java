package dev.drgw.number;

import dev.drgw.domain.Actor;
import dev.drgw.domain.Filter;
import dev.drgw.domain.Page;
import dev.drgw.domain.PageRequest;
import dev.drgw.domain.Stored;
import java.util.Optional;
import java.util.function.Function;

/** Where numbers live. Every write runs in one transaction together with its change-log entry. */
public interface NumberStore {

  /** As {@link dev.drgw.account.AccountStore#write}: one transaction, one change-log entry. */
  <T> T write(Actor actor, Function<NumberTx, T> work);

  Optional<Stored<NumberEntry>> find(String telephoneNumber);

  /**
   * Numbers ordered by telephone number, of one account or (empty) of all accounts;
   * {@code continueAfter} is the last number of the page.
   */
  Page<Stored<NumberEntry>> list(Optional<String> accountName, PageRequest request);

  long count(Optional<String> accountName, Filter filter);
}
