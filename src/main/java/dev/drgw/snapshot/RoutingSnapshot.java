package dev.drgw.snapshot;

import dev.drgw.changes.Change;
import dev.drgw.changes.ChangeSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The read model of DNS and SIP: every account and number as of one point of the change log
 * ({@link #appliedSeq}). Immutable: readers take the current snapshot and never block, and never
 * touch the database. A new snapshot is derived by {@link #apply applying} change sets in order.
 */
public final class RoutingSnapshot {

  private final long appliedSeq;
  private final long zoneSeq;
  private final LayeredMap<String, AccountView> accounts;
  private final LayeredMap<String, String> labels;
  private final LayeredMap<String, NumberView> numbers;
  /** Account name → sequence of its last deletion; older numbers of that name are gone. */
  private final LayeredMap<String, Long> deletions;

  private RoutingSnapshot(
      long appliedSeq,
      long zoneSeq,
      LayeredMap<String, AccountView> accounts,
      LayeredMap<String, String> labels,
      LayeredMap<String, NumberView> numbers,
      LayeredMap<String, Long> deletions) {
    this.appliedSeq = appliedSeq;
    this.zoneSeq = zoneSeq;
    this.accounts = accounts;
    this.labels = labels;
    this.numbers = numbers;
    this.deletions = deletions;
  }

  public static RoutingSnapshot empty() {
    return new RoutingSnapshot(
        0,
        0,
        LayeredMap.of(Map.of()),
        LayeredMap.of(Map.of()),
        LayeredMap.of(Map.of()),
        LayeredMap.of(Map.of()));
  }

  /** A snapshot of the given entities as of {@code seq}. */
  static RoutingSnapshot of(long seq, Map<String, AccountView> accountsByName, Map<String, NumberView> numbersByTn) {
    Map<String, String> labels = new HashMap<>();
    accountsByName.values().forEach(a -> {
      if (a.labelKey() != null) {
        labels.put(a.labelKey(), a.name());
      }
    });
    return new RoutingSnapshot(
        seq,
        seq,
        LayeredMap.of(accountsByName),
        LayeredMap.of(labels),
        LayeredMap.of(numbersByTn),
        LayeredMap.of(Map.of()));
  }

  /** Sequence of the last change set this snapshot contains. */
  public long appliedSeq() {
    return appliedSeq;
  }

  /**
   * Sequence of the last applied change set that changed an account, and so possibly the DNS
   * zone; number changes leave it alone. The zone's SOA serial.
   */
  public long zoneSeq() {
    return zoneSeq;
  }

  public Optional<AccountView> account(String name) {
    return Optional.ofNullable(accounts.get(name));
  }

  /** The account whose subdomain label is {@code label}, compared case-insensitively. */
  public Optional<AccountView> accountByLabel(String label) {
    String name = labels.get(label.toLowerCase(java.util.Locale.ROOT));
    return name == null ? Optional.empty() : account(name);
  }

  public Optional<NumberView> number(String telephoneNumber) {
    NumberView number = numbers.get(telephoneNumber);
    return number != null && live(number, deletions) ? Optional.of(number) : Optional.empty();
  }

  public void forEachAccount(Consumer<AccountView> action) {
    accounts.forEach((name, account) -> action.accept(account));
  }

  private static boolean live(NumberView number, LayeredMap<String, Long> deletions) {
    Long deleted = deletions.get(number.accountName());
    return deleted == null || number.version() > deleted;
  }

  /**
   * This snapshot with {@code sets} applied in order. Each set must follow the previous one
   * without a gap; a gap means changes were missed and is an {@link IllegalStateException}.
   */
  public RoutingSnapshot apply(List<ChangeSet> sets) {
    if (sets.isEmpty()) {
      return this;
    }
    Map<String, AccountView> accountChanges = new HashMap<>();
    Map<String, String> labelChanges = new HashMap<>();
    Map<String, NumberView> numberChanges = new HashMap<>();
    Map<String, Long> deletionChanges = new HashMap<>();
    long seq = appliedSeq;
    long zone = zoneSeq;
    for (ChangeSet set : sets) {
      if (set.seq() != seq + 1) {
        throw new IllegalStateException(
            "change set " + set.seq() + " does not follow " + seq + ": the change log has a gap");
      }
      seq = set.seq();
      for (Change change : set.changes()) {
        if (change instanceof Change.AccountPut || change instanceof Change.AccountDeleted) {
          zone = seq;
        }
        if (change instanceof Change.AccountPut put) {
          AccountView before = current(accountChanges, accounts, put.account().name());
          AccountView after = AccountView.of(put.account(), seq);
          unlabel(before, labelChanges);
          accountChanges.put(after.name(), after);
          if (after.labelKey() != null) {
            labelChanges.put(after.labelKey(), after.name());
          }
        } else if (change instanceof Change.AccountDeleted deleted) {
          AccountView before = current(accountChanges, accounts, deleted.accountName());
          unlabel(before, labelChanges);
          accountChanges.put(deleted.accountName(), null);
          deletionChanges.put(deleted.accountName(), seq);
        } else if (change instanceof Change.NumberPut put) {
          numberChanges.put(put.number().telephoneNumber(), NumberView.of(put.number(), seq));
        } else if (change instanceof Change.NumberDeleted deleted) {
          numberChanges.put(deleted.telephoneNumber(), null);
        }
      }
    }
    LayeredMap<String, Long> nextDeletions = deletions.with(deletionChanges);
    return new RoutingSnapshot(
        seq,
        zone,
        accounts.with(accountChanges),
        labels.with(labelChanges),
        numbers.with(numberChanges, (tn, n) -> live(n, nextDeletions)),
        nextDeletions);
  }

  private void unlabel(AccountView before, Map<String, String> labelChanges) {
    if (before == null || before.labelKey() == null) {
      return;
    }
    String owner = labelChanges.containsKey(before.labelKey())
        ? labelChanges.get(before.labelKey())
        : labels.get(before.labelKey());
    if (before.name().equals(owner)) {
      labelChanges.put(before.labelKey(), null);
    }
  }

  private static <V> V current(Map<String, V> changes, LayeredMap<String, V> base, String key) {
    return changes.containsKey(key) ? changes.get(key) : base.get(key);
  }
}
