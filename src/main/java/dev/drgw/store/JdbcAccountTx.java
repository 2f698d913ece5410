package dev.drgw.store;

import dev.drgw.account.Account;
import dev.drgw.account.AccountRules;
import dev.drgw.account.AccountTx;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.changes.Change;
import dev.drgw.domain.Stored;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.Update;

/** {@link AccountTx} over one JDBC transaction. */
final class JdbcAccountTx implements AccountTx {

  private final TxContext tx;
  /** The accounts this write locked, as they were: the audit trail's before states. */
  private final Map<String, Account> locked = new HashMap<>();

  JdbcAccountTx(TxContext tx) {
    this.tx = tx;
  }

  @Override
  public Optional<Stored<Account>> lock(String name) {
    Optional<Stored<Account>> found =
        tx.handle
            .createQuery(
                "SELECT " + Rows.ACCOUNT_COLUMNS + " FROM accounts WHERE name = :name "
                    + tx.dialect.lockForUpdate)
            .bind("name", name)
            .map((rs, ctx) -> Rows.account(rs))
            .findOne();
    found.ifPresent(a -> locked.put(name, a.value()));
    return found;
  }

  @Override
  public Optional<String> ownerOfSubdomain(String subdomainKey) {
    return tx.handle
        .createQuery("SELECT name FROM accounts WHERE subdomain_key = :key")
        .bind("key", subdomainKey)
        .mapTo(String.class)
        .findOne();
  }

  @Override
  public Stored<Account> insert(Account account) {
    Update insert =
        tx.handle.createUpdate(
            "INSERT INTO accounts (name, correlation_id, teams_tenant_id, dr_sync_enabled,"
                + " dr_enabled, call_screening, subdomain, subdomain_key, region1_token,"
                + " region2_token, other_services, version, created_at, updated_at)"
                + " VALUES (:name, :correlationId, :tenant, :sync, :enabled, :screening,"
                + " :subdomain, :subdomainKey, :token1, :token2, :other, :version, :now, :now)");
    bind(insert, account).execute();
    tx.changes.add(new Change.AccountPut(account));
    tx.audited.add(new Audited.OfAccount(null, account));
    locked.put(account.name(), account);
    return new Stored<>(account, tx.seq);
  }

  @Override
  public Stored<Account> update(Account account) {
    Update update =
        tx.handle.createUpdate(
            "UPDATE accounts SET correlation_id = :correlationId, teams_tenant_id = :tenant,"
                + " dr_sync_enabled = :sync, dr_enabled = :enabled, call_screening = :screening,"
                + " subdomain = :subdomain, subdomain_key = :subdomainKey, region1_token = :token1,"
                + " region2_token = :token2, other_services = :other, version = :version,"
                + " updated_at = :now WHERE name = :name");
    if (bind(update, account).execute() != 1) {
      throw new IllegalStateException("account " + account.name() + " vanished while locked");
    }
    tx.changes.add(new Change.AccountPut(account));
    tx.audited.add(new Audited.OfAccount(lockedBefore(account.name()), account));
    locked.put(account.name(), account);
    return new Stored<>(account, tx.seq);
  }

  private Update bind(Update statement, Account account) {
    DirectRoutingConfig config = account.directRouting().configuration();
    return statement
        .bind("name", account.name())
        .bind("correlationId", account.correlationId())
        .bind("tenant", account.teamsTenantId())
        .bind("sync", account.directRouting().syncEnabled())
        .bind("enabled", account.directRouting().enabled())
        .bind("screening", config == null ? null : config.callScreening())
        .bind("subdomain", config == null ? null : config.subdomain())
        .bind("subdomainKey", config == null ? null : AccountRules.subdomainKey(config.subdomain()))
        .bind("token1", config == null ? null : config.region1Token())
        .bind("token2", config == null ? null : config.region2Token())
        .bind("other", account.otherServices())
        .bind("version", tx.seq)
        .bind("now", tx.now);
  }

  @Override
  public boolean hasNumbers(String name) {
    return tx.handle
        .createQuery("SELECT 1 FROM numbers WHERE account_name = :name FETCH FIRST 1 ROWS ONLY")
        .bind("name", name)
        .mapTo(Integer.class)
        .findOne()
        .isPresent();
  }

  @Override
  public long deleteNumbersOf(String name) {
    // The change log records them as gone with the account; the audit trail lists each one.
    tx.handle
        .createQuery(
            "SELECT " + Rows.NUMBER_COLUMNS + " FROM numbers WHERE account_name = :name"
                + " ORDER BY telephone_number")
        .bind("name", name)
        .map((rs, ctx) -> Rows.number(rs).value())
        .forEach(n -> tx.audited.add(new Audited.OfNumber(n, null)));
    tx.wroteUnrecorded = true;
    return tx.handle
        .createUpdate("DELETE FROM numbers WHERE account_name = :name")
        .bind("name", name)
        .execute();
  }

  @Override
  public void delete(String name) {
    Account before = lockedBefore(name);
    tx.handle.createUpdate("DELETE FROM accounts WHERE name = :name").bind("name", name).execute();
    tx.deletedAccounts.add(name);
    tx.changes.add(new Change.AccountDeleted(name));
    tx.audited.add(new Audited.OfAccount(before, null));
    locked.remove(name);
  }

  private Account lockedBefore(String name) {
    Account before = locked.get(name);
    if (before == null) {
      throw new IllegalStateException("account " + name + " must be locked before it is changed");
    }
    return before;
  }
}
