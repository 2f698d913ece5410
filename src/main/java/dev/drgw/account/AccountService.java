package dev.drgw.account;

import dev.drgw.domain.Actor;
import dev.drgw.domain.Filter;
import dev.drgw.domain.Page;
import dev.drgw.domain.PageRequest;
import dev.drgw.domain.Precondition;
import dev.drgw.domain.ProvisioningException;
import dev.drgw.domain.PutResult;
import dev.drgw.domain.Stored;
import dev.drgw.domain.Violation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Creates, replaces, deletes and lists accounts; the one place their rules are enforced. */
public final class AccountService {

  private final AccountStore store;
  private final AccountRules rules;

  public AccountService(AccountStore store, DeploymentNames names) {
    this.store = store;
    this.rules = new AccountRules(names);
  }

  public Stored<Account> get(String name) {
    requireValidName(name);
    return store.find(name).orElseThrow(() -> notFound(name));
  }

  private static void requireValidName(String name) {
    List<Violation> violations = AccountRules.checkName(name, "accountName");
    if (!violations.isEmpty()) {
      throw new ProvisioningException.Invalid(violations);
    }
  }

  public Optional<Stored<Account>> find(String name) {
    return store.find(name);
  }

  /**
   * Creates or replaces the account at {@code pathName}. The body's name must equal the path's;
   * the subdomain label must not be used by another account (compared case-insensitively).
   */
  public PutResult<Account> put(
      String pathName, Account account, Precondition precondition, Actor actor) {
    List<Violation> violations = new ArrayList<>();
    if (account.name() != null && !account.name().equals(pathName)) {
      violations.add(
          new Violation(
              "name",
              "NameMismatch",
              "name in the body (\""
                  + account.name()
                  + "\") differs from the account name in the path (\""
                  + pathName
                  + "\")"));
    }
    Account named =
        new Account(
            pathName,
            account.correlationId(),
            account.teamsTenantId(),
            account.directRouting(),
            account.otherServices());
    violations.addAll(rules.check(named));
    if (!violations.isEmpty()) {
      throw new ProvisioningException.Invalid(violations);
    }
    return store.write(
        actor,
        tx -> {
          Optional<Stored<Account>> existing = tx.lock(pathName);
          precondition.check(existing.map(Stored::etag), "account '" + pathName + "'");
          DirectRoutingConfig config = account.directRouting().configuration();
          if (config != null) {
            String key = AccountRules.subdomainKey(config.subdomain());
            tx.ownerOfSubdomain(key)
                .filter(owner -> !owner.equals(pathName))
                .ifPresent(
                    owner -> {
                      throw new ProvisioningException.Conflict(
                          "SubdomainInUse",
                          "subdomain label \""
                              + config.subdomain()
                              + "\" is already used by account '"
                              + owner
                              + "' (labels are compared case-insensitively, as DNS does)",
                          "serviceDetails.teamsDirectRouting.configuration.subdomain");
                    });
          }
          return existing.isPresent()
              ? new PutResult.Replaced<>(tx.update(named))
              : new PutResult.Created<>(tx.insert(named));
        });
  }

  /**
   * Deletes the account. Refused while it has numbers unless {@code deleteNumbers} is set, in
   * which case its numbers go in the same transaction.
   */
  public void delete(String name, Precondition precondition, boolean deleteNumbers, Actor actor) {
    requireValidName(name);
    store.write(
        actor,
        tx -> {
          Stored<Account> existing = tx.lock(name).orElseThrow(() -> notFound(name));
          precondition.check(Optional.of(existing.etag()), "account '" + name + "'");
          if (deleteNumbers) {
            tx.deleteNumbersOf(name);
          } else if (tx.hasNumbers(name)) {
            throw new ProvisioningException.Conflict(
                "AccountHasNumbers",
                "account '"
                    + name
                    + "' still has numbers; delete them first or pass deleteNumbers=true",
                "accountName");
          }
          tx.delete(name);
          return null;
        });
  }

  public Page<Stored<Account>> list(PageRequest request) {
    return store.list(request);
  }

  public long count(Filter filter) {
    return store.count(filter);
  }

  public Map<String, Long> directRoutingNumberCounts(Collection<String> names) {
    return store.directRoutingNumberCounts(names);
  }

  static ProvisioningException.NotFound notFound(String name) {
    return new ProvisioningException.NotFound(
        "AccountNotFound", "account '" + name + "' does not exist");
  }
}
