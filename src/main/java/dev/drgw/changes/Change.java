package dev.drgw.changes;

import dev.drgw.account.Account;
import dev.drgw.number.NumberEntry;

/** One entity's new state (or its removal), as recorded in the change log. */
public sealed interface Change {

  /** The account the change belongs to. */
  String accountName();

  record AccountPut(Account account) implements Change {
    @Override
    public String accountName() {
      return account.name();
    }
  }

  record AccountDeleted(String accountName) implements Change {}

  record NumberPut(NumberEntry number) implements Change {
    @Override
    public String accountName() {
      return number.accountName();
    }
  }

  record NumberDeleted(String telephoneNumber, String accountName) implements Change {}
}
