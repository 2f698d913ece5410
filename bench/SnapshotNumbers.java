package bench;

import dev.drgw.account.Account;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.changes.Change;
import dev.drgw.changes.ChangeLog;
import dev.drgw.changes.ChangeSet;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import dev.drgw.snapshot.RoutingSnapshot;
import dev.drgw.snapshot.SnapshotFollower;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The numbers of the snapshot benchmark, the same in PostgreSQL and in memory: number i is
 * "+1" and 10 digits scattered over 8e9 values (unique for i below 8e9), owned by account
 * i % 1000; numbers from N to 2N are the missing ones of a table of N.
 */
public final class SnapshotNumbers {

  public static final int ACCOUNTS = 1_000;
  private static final long SPREAD = 8_000_000_000L;
  private static final long STRIDE = 2_654_435_761L;

  private SnapshotNumbers() {}

  public static String tn(long i) {
    return "+1" + (2_000_000_000L + Math.floorMod(i * STRIDE, SPREAD));
  }

  public static String account(long i) {
    return String.format(Locale.ROOT, "acct%04d", i % ACCOUNTS);
  }

  /** Shared per account (typical) or unique per number. */
  public static String header(long i, boolean unique) {
    return unique ? "X-Customer: " + account(i) + ";n=" + i : "X-Customer: " + account(i);
  }

  public static Account accountValue(int a) {
    String name = account(a);
    return new Account(name, null, null,
        new DirectRouting(true, true, new DirectRoutingConfig(false, "l" + a, "t1", "t2")), null);
  }

  /**
   * A snapshot of {@code n} numbers built by drgw's own follower from an in-memory source (the
   * same code path as from the store, without the database).
   */
  public static RoutingSnapshot build(long n, boolean uniqueHeaders) {
    SnapshotFollower follower = new SnapshotFollower(
        (accounts, numbers) -> {
          for (int a = 0; a < ACCOUNTS; a++) {
            accounts.accept(new Stored<>(accountValue(a), 1));
          }
          for (long i = 0; i < n; i++) {
            numbers.accept(new NumberEntry(tn(i), account(i), i % 10 != 0, header(i, uniqueHeaders), null));
          }
          return 1;
        },
        new ChangeLog() {
          @Override
          public long latestSeq() {
            return 1;
          }

          @Override
          public List<ChangeSet> after(long seq, int limit) {
            return List.of();
          }

          @Override
          public OptionalLong latestSeqOf(String accountName) {
            return OptionalLong.empty();
          }
        },
        Duration.ofDays(1));
    follower.start();
    RoutingSnapshot snapshot = follower.current();
    follower.close();
    return snapshot;
  }

  /** One change set of {@code size} numbers: every other one new, the others moved to another account. */
  public static ChangeSet changeSet(long seq, int size, long n, long first) {
    List<Change> changes = new ArrayList<>(size);
    for (int k = 0; k < size; k++) {
      long i = first + k;
      long number = k % 2 == 0 ? n + i : i % n;
      changes.add(new Change.NumberPut(
          new NumberEntry(tn(number), account(number + 1), true, header(number + 1, false), null)));
    }
    return new ChangeSet(seq, Instant.EPOCH, account(first), "bench", null, changes);
  }

  /** {@code snapshot} with {@code count} numbers changed, in sets of 100. */
  public static RoutingSnapshot withChanges(RoutingSnapshot snapshot, int count, long n) {
    for (int done = 0; done < count; done += 100) {
      snapshot = snapshot.apply(List.of(changeSet(snapshot.appliedSeq() + 1, Math.min(100, count - done), n, done)));
    }
    return snapshot;
  }
}
