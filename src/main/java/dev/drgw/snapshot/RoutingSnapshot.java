package dev.drgw.snapshot;

import dev.drgw.changes.Change;
import dev.drgw.changes.ChangeSet;
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
  private final PersistentMap<String, AccountView> accounts;
  private final PersistentMap<String, String> labels;
  private final NumberTable numbers;

  private RoutingSnapshot(
      long appliedSeq,
      long zoneSeq,
      PersistentMap<String, AccountView> accounts,
      PersistentMap<String, String> labels,
      NumberTable numbers) {
    this.appliedSeq = appliedSeq;
    this.zoneSeq = zoneSeq;
    this.accounts = accounts;
    this.labels = labels;
    this.numbers = numbers;
  }

  public static RoutingSnapshot empty() {
    return new RoutingSnapshot(
        0, 0, PersistentMap.empty(), PersistentMap.empty(), NumberTable.EMPTY);
  }

  /** A snapshot of the given entities as of {@code seq}. */
  static RoutingSnapshot of(long seq, Map<String, AccountView> accountsByName, NumberTable numbers) {
    PersistentMap<String, AccountView> accounts = PersistentMap.empty();
    PersistentMap<String, String> labels = PersistentMap.empty();
    for (AccountView a : accountsByName.values()) {
      accounts = accounts.with(a.name(), a);
      if (a.labelKey() != null) {
        labels = labels.with(a.labelKey(), a.name());
      }
    }
    return new RoutingSnapshot(seq, seq, accounts, labels, numbers);
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
    return Optional.ofNullable(numbers.get(telephoneNumber));
  }

  /** The number table, for tests and benchmarks of its shape. */
  NumberTable numbers() {
    return numbers;
  }

  /** Whether the number table's overlay has outgrown its bound (see {@link NumberTable}). */
  boolean numbersWantFold() {
    return numbers.wantsFold();
  }

  /**
   * This snapshot, derived by applying change sets to {@code start}, with its numbers rebuilt on
   * {@code folded} ({@code start}'s number table folded into a new base): the same content.
   */
  RoutingSnapshot withNumbersFolded(RoutingSnapshot start, NumberTable folded) {
    NumberTable replayed = numbers.replayedOnto(start.numbers, folded);
    return replayed == numbers ? this : new RoutingSnapshot(appliedSeq, zoneSeq, accounts, labels, replayed);
  }

  public void forEachAccount(Consumer<AccountView> action) {
    accounts.forEach((name, account) -> action.accept(account));
  }

  /**
   * This snapshot with {@code sets} applied in order. Each set must follow the previous one
   * without a gap; a gap means changes were missed and is an {@link IllegalStateException}.
   * Number changes go to the number table's overlay; the follower folds it into a new compact
   * base on another thread when it outgrows its bound (see {@link NumberTable}).
   */
  public RoutingSnapshot apply(List<ChangeSet> sets) {
    if (sets.isEmpty()) {
      return this;
    }
    PersistentMap<String, AccountView> accounts = this.accounts;
    PersistentMap<String, String> labels = this.labels;
    NumberTable numbers = this.numbers;
    long seq = appliedSeq;
    long zone = zoneSeq;
    for (ChangeSet set : sets) {
      if (set.seq() != seq + 1) {
        throw new IllegalStateException(
            "change set " + set.seq() + " does not follow " + seq + ": the change log has a gap");
      }
      seq = set.seq();
      for (Change change : set.changes()) {
        if (change instanceof Change.AccountPut put) {
          zone = seq;
          AccountView after = AccountView.of(put.account(), seq);
          labels = unlabel(accounts.get(after.name()), labels);
          accounts = accounts.with(after.name(), after);
          if (after.labelKey() != null) {
            labels = labels.with(after.labelKey(), after.name());
          }
        } else if (change instanceof Change.AccountDeleted deleted) {
          zone = seq;
          String name = deleted.accountName();
          labels = unlabel(accounts.get(name), labels);
          accounts = accounts.without(name);
          numbers = numbers.withoutAccount(name);
        } else if (change instanceof Change.NumberPut put) {
          numbers = numbers.with(NumberView.of(put.number()));
        } else if (change instanceof Change.NumberDeleted deleted) {
          numbers = numbers.without(deleted.telephoneNumber());
        }
      }
    }
    return new RoutingSnapshot(seq, zone, accounts, labels, numbers);
  }

  private static PersistentMap<String, String> unlabel(
      AccountView before, PersistentMap<String, String> labels) {
    if (before == null || before.labelKey() == null) {
      return labels;
    }
    return before.name().equals(labels.get(before.labelKey())) ? labels.without(before.labelKey()) : labels;
  }
}
