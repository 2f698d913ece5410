package dev.drgw.store;

import dev.drgw.account.Account;
import dev.drgw.audit.AuditEntry;
import dev.drgw.number.NumberEntry;

/**
 * One entity a write changed, before and after (null before: created; null after: deleted), kept
 * by the write's {@link TxContext} until the group's tail writes it to the audit trail.
 */
sealed interface Audited {

  AuditEntry.Kind kind();

  String entity();

  String accountName();

  boolean created();

  boolean deleted();

  default AuditEntry.Action action() {
    return created() ? AuditEntry.Action.CREATED : deleted() ? AuditEntry.Action.DELETED : AuditEntry.Action.UPDATED;
  }

  record OfAccount(Account before, Account after) implements Audited {
    @Override
    public AuditEntry.Kind kind() {
      return AuditEntry.Kind.ACCOUNT;
    }

    @Override
    public String entity() {
      return (after != null ? after : before).name();
    }

    @Override
    public String accountName() {
      return entity();
    }

    @Override
    public boolean created() {
      return before == null;
    }

    @Override
    public boolean deleted() {
      return after == null;
    }
  }

  record OfNumber(NumberEntry before, NumberEntry after) implements Audited {
    @Override
    public AuditEntry.Kind kind() {
      return AuditEntry.Kind.NUMBER;
    }

    @Override
    public String entity() {
      return (after != null ? after : before).telephoneNumber();
    }

    @Override
    public String accountName() {
      return (after != null ? after : before).accountName();
    }

    @Override
    public boolean created() {
      return before == null;
    }

    @Override
    public boolean deleted() {
      return after == null;
    }
  }
}
