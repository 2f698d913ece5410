package dev.drgw.number;

import dev.drgw.account.Account;
import dev.drgw.account.AccountRules;
import dev.drgw.account.AccountStore;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates, replaces, deletes and lists numbers, one at a time or in all-or-nothing batches of up
 * to {@value #MAX_BATCH}; the one place their rules are enforced.
 */
public final class NumberService {

  public static final int MAX_BATCH = 100;

  private final NumberStore numbers;
  private final AccountStore accounts;

  public NumberService(NumberStore numbers, AccountStore accounts) {
    this.numbers = numbers;
    this.accounts = accounts;
  }

  public Stored<NumberEntry> get(String accountName, String telephoneNumber) {
    requireValidPath(accountName, telephoneNumber);
    requireAccount(accountName);
    return numbers
        .find(telephoneNumber)
        .filter(n -> n.value().accountName().equals(accountName))
        .orElseThrow(() -> notFound(accountName, telephoneNumber));
  }

  public PutResult<NumberEntry> put(
      String pathAccount,
      String pathNumber,
      NumberEntry entry,
      Precondition precondition,
      Actor actor) {
    requireValidPath(pathAccount, pathNumber);
    List<Violation> violations = new ArrayList<>();
    mismatch(entry.telephoneNumber(), pathNumber, "telephoneNumber", "telephone number")
        .ifPresent(violations::add);
    mismatch(entry.accountName(), pathAccount, "accountName", "account name")
        .ifPresent(violations::add);
    NumberEntry named = withPath(entry, pathAccount, pathNumber);
    violations.addAll(NumberRules.check(named));
    if (!violations.isEmpty()) {
      throw new ProvisioningException.Invalid(violations);
    }
    return numbers.write(
        actor,
        tx -> {
          Account account = tx.account(pathAccount).orElseThrow(() -> accountNotFound(pathAccount));
          Optional<Stored<NumberEntry>> existing =
              Optional.ofNullable(tx.lock(List.of(pathNumber)).get(pathNumber));
          existing
              .flatMap(e -> ownedElsewhere(e.value(), pathAccount, "telephoneNumber"))
              .ifPresent(
                  v -> {
                    throw new ProvisioningException.Conflict(
                        "NumberOwnedByAnotherAccount", v.message(), v.target());
                  });
          precondition.check(existing.map(Stored::etag), "number " + pathNumber);
          directRoutingNotAllowed(named, account, "serviceDetails.teamsDirectRouting.enabled")
              .ifPresent(
                  v -> {
                    throw new ProvisioningException.Conflict(
                        "DirectRoutingDisabledOnAccount", v.message(), v.target());
                  });
          return existing.isPresent()
              ? new PutResult.Replaced<>(tx.update(List.of(named)).get(0))
              : new PutResult.Created<>(tx.insert(List.of(named)).get(0));
        });
  }

  public void delete(
      String accountName, String telephoneNumber, Precondition precondition, Actor actor) {
    requireValidPath(accountName, telephoneNumber);
    numbers.write(
        actor,
        tx -> {
          tx.account(accountName).orElseThrow(() -> accountNotFound(accountName));
          Stored<NumberEntry> existing = tx.lock(List.of(telephoneNumber)).get(telephoneNumber);
          if (existing == null || !existing.value().accountName().equals(accountName)) {
            throw notFound(accountName, telephoneNumber);
          }
          precondition.check(Optional.of(existing.etag()), "number " + telephoneNumber);
          tx.delete(List.of(existing.value()));
          return null;
        });
  }

  /**
   * Creates or replaces up to {@value #MAX_BATCH} numbers of one account, all or none. Returns the
   * stored numbers in request order.
   */
  public List<Stored<NumberEntry>> upsertBatch(
      String accountName, List<NumberEntry> entries, Actor actor) {
    requireValidAccountPath(accountName);
    checkBatchSize(entries.size());
    List<Violation> violations = new ArrayList<>();
    List<NumberEntry> named = new ArrayList<>(entries.size());
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      NumberEntry entry = entries.get(i);
      String prefix = "numbers[" + i + "].";
      mismatch(entry.accountName(), accountName, "accountName", "account name")
          .ifPresent(v -> violations.add(v.withTargetPrefix(prefix)));
      NumberEntry item = withPath(entry, accountName, entry.telephoneNumber());
      NumberRules.check(item).forEach(v -> violations.add(v.withTargetPrefix(prefix)));
      duplicate(firstIndex, item.telephoneNumber(), i).ifPresent(violations::add);
      named.add(item);
    }
    if (!violations.isEmpty()) {
      throw new ProvisioningException.Invalid(violations);
    }
    return numbers.write(
        actor,
        tx -> {
          Account account = tx.account(accountName).orElseThrow(() -> accountNotFound(accountName));
          Map<String, Stored<NumberEntry>> existing =
              tx.lock(named.stream().map(NumberEntry::telephoneNumber).toList());
          List<Violation> owned = new ArrayList<>();
          List<Violation> drOff = new ArrayList<>();
          List<NumberEntry> toInsert = new ArrayList<>();
          List<NumberEntry> toUpdate = new ArrayList<>();
          for (int i = 0; i < named.size(); i++) {
            NumberEntry item = named.get(i);
            String prefix = "numbers[" + i + "].";
            Stored<NumberEntry> current = existing.get(item.telephoneNumber());
            if (current != null) {
              ownedElsewhere(current.value(), accountName, "telephoneNumber")
                  .ifPresent(v -> owned.add(v.withTargetPrefix(prefix)));
            }
            directRoutingNotAllowed(item, account, "serviceDetails.teamsDirectRouting.enabled")
                .ifPresent(v -> drOff.add(v.withTargetPrefix(prefix)));
            (current == null ? toInsert : toUpdate).add(item);
          }
          if (!owned.isEmpty()) {
            throw new ProvisioningException.Conflict(
                "NumberOwnedByAnotherAccount",
                owned.size() == 1
                    ? owned.get(0).message()
                    : owned.size() + " numbers of the batch belong to other accounts; nothing was changed",
                "numbers",
                owned);
          }
          if (!drOff.isEmpty()) {
            throw new ProvisioningException.Conflict(
                "DirectRoutingDisabledOnAccount",
                drOff.get(0).message(),
                "numbers",
                drOff);
          }
          Map<String, Stored<NumberEntry>> stored = new HashMap<>();
          tx.insert(toInsert).forEach(s -> stored.put(s.value().telephoneNumber(), s));
          tx.update(toUpdate).forEach(s -> stored.put(s.value().telephoneNumber(), s));
          return named.stream().map(n -> stored.get(n.telephoneNumber())).toList();
        });
  }

  /** Deletes up to {@value #MAX_BATCH} numbers of one account, all or none. */
  public void deleteBatch(String accountName, List<String> telephoneNumbers, Actor actor) {
    requireValidAccountPath(accountName);
    checkBatchSize(telephoneNumbers.size());
    List<Violation> violations = new ArrayList<>();
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < telephoneNumbers.size(); i++) {
      String number = telephoneNumbers.get(i);
      int index = i;
      TelephoneNumber.check(number, "telephoneNumber")
          .ifPresent(v -> violations.add(v.withTargetPrefix("numbers[" + index + "].")));
      duplicate(firstIndex, number, i).ifPresent(violations::add);
    }
    if (!violations.isEmpty()) {
      throw new ProvisioningException.Invalid(violations);
    }
    numbers.write(
        actor,
        tx -> {
          tx.account(accountName).orElseThrow(() -> accountNotFound(accountName));
          Map<String, Stored<NumberEntry>> existing = tx.lock(telephoneNumbers);
          List<Violation> missing = new ArrayList<>();
          List<NumberEntry> toDelete = new ArrayList<>();
          for (int i = 0; i < telephoneNumbers.size(); i++) {
            String number = telephoneNumbers.get(i);
            Stored<NumberEntry> current = existing.get(number);
            if (current == null || !current.value().accountName().equals(accountName)) {
              missing.add(
                  new Violation(
                      "numbers[" + i + "].telephoneNumber",
                      "NumberNotFound",
                      number + " is not provisioned in account '" + accountName + "'"));
            } else {
              toDelete.add(current.value());
            }
          }
          if (!missing.isEmpty()) {
            throw new ProvisioningException.NotFound(
                "NumberNotFound",
                missing.size() == 1
                    ? missing.get(0).message() + "; nothing was deleted"
                    : missing.size()
                        + " numbers of the batch are not provisioned in account '"
                        + accountName
                        + "'; nothing was deleted",
                missing);
          }
          tx.delete(toDelete);
          return null;
        });
  }

  /** Numbers of one account (404 if it does not exist) or, with no account, of all. */
  public Page<Stored<NumberEntry>> list(Optional<String> accountName, PageRequest request) {
    accountName.ifPresent(this::requireAccount);
    return numbers.list(accountName, request);
  }

  public long count(Optional<String> accountName, Filter filter) {
    return numbers.count(accountName, filter);
  }

  private void requireAccount(String accountName) {
    requireValidAccountPath(accountName);
    if (accounts.find(accountName).isEmpty()) {
      throw accountNotFound(accountName);
    }
  }

  private static void checkBatchSize(int size) {
    if (size < 1 || size > MAX_BATCH) {
      throw new ProvisioningException.Invalid(
          List.of(
              new Violation(
                  "numbers",
                  "InvalidBatchSize",
                  "a batch must hold 1 to " + MAX_BATCH + " numbers, got " + size)));
    }
  }

  private static void requireValidAccountPath(String accountName) {
    List<Violation> violations = AccountRules.checkName(accountName, "accountName");
    if (!violations.isEmpty()) {
      throw new ProvisioningException.Invalid(violations);
    }
  }

  private static void requireValidPath(String accountName, String telephoneNumber) {
    List<Violation> violations = new ArrayList<>(AccountRules.checkName(accountName, "accountName"));
    TelephoneNumber.check(telephoneNumber, "telephoneNumber").ifPresent(violations::add);
    if (!violations.isEmpty()) {
      throw new ProvisioningException.Invalid(violations);
    }
  }

  private static NumberEntry withPath(NumberEntry entry, String accountName, String number) {
    return new NumberEntry(
        number,
        accountName,
        entry.directRoutingEnabled(),
        entry.customSipHeader(),
        entry.otherServices());
  }

  private static Optional<Violation> mismatch(
      String inBody, String inPath, String target, String what) {
    if (inBody == null || inBody.equals(inPath)) {
      return Optional.empty();
    }
    return Optional.of(
        new Violation(
            target,
            "PathMismatch",
            target
                + " in the body (\""
                + inBody
                + "\") differs from the "
                + what
                + " in the path (\""
                + inPath
                + "\")"));
  }

  private static Optional<Violation> duplicate(Map<String, Integer> firstIndex, String number, int i) {
    if (number == null) {
      return Optional.empty();
    }
    Integer first = firstIndex.putIfAbsent(number, i);
    if (first == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Violation(
            "numbers[" + i + "].telephoneNumber",
            "DuplicateInBatch",
            number + " appears more than once in the batch (also at numbers[" + first + "])"));
  }

  private static Optional<Violation> ownedElsewhere(
      NumberEntry current, String accountName, String target) {
    if (current.accountName().equals(accountName)) {
      return Optional.empty();
    }
    return Optional.of(
        new Violation(
            target,
            "NumberOwnedByAnotherAccount",
            current.telephoneNumber()
                + " already belongs to account '"
                + current.accountName()
                + "'; delete it there before adding it to '"
                + accountName
                + "'"));
  }

  private static Optional<Violation> directRoutingNotAllowed(
      NumberEntry entry, Account account, String target) {
    if (!entry.directRoutingEnabled() || account.directRoutingEnabled()) {
      return Optional.empty();
    }
    return Optional.of(
        new Violation(
            target,
            "DirectRoutingDisabledOnAccount",
            "Direct Routing cannot be enabled on "
                + entry.telephoneNumber()
                + " because account '"
                + account.name()
                + "' does not have Direct Routing enabled"));
  }

  static ProvisioningException.NotFound notFound(String accountName, String telephoneNumber) {
    return new ProvisioningException.NotFound(
        "NumberNotFound",
        telephoneNumber + " is not provisioned in account '" + accountName + "'");
  }

  static ProvisioningException.NotFound accountNotFound(String name) {
    return new ProvisioningException.NotFound(
        "AccountNotFound", "account '" + name + "' does not exist");
  }
}
