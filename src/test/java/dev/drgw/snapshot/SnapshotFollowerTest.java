package dev.drgw.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.changes.Change;
import dev.drgw.changes.ChangeLog;
import dev.drgw.changes.ChangeSet;
import dev.drgw.number.NumberEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SnapshotFollowerTest {

  /** A change log in memory. */
  private static final class ListChangeLog implements ChangeLog {
    final List<ChangeSet> sets = new ArrayList<>();
    /** Reads fail as they do while the database is down. */
    volatile boolean down;
    /** The entry with this sequence cannot be decoded (0: none). */
    volatile long corrupt;

    private void check() {
      if (down) {
        throw new IllegalStateException("connection refused");
      }
    }

    synchronized void add(Change... changes) {
      sets.add(new ChangeSet(sets.size() + 1, Instant.EPOCH, "a", "test", null, List.of(changes)));
    }

    @Override
    public synchronized long latestSeq() {
      check();
      return sets.size();
    }

    @Override
    public synchronized List<ChangeSet> after(long seq, int limit) {
      check();
      if (corrupt > seq && corrupt <= sets.size()) {
        throw new IllegalStateException("corrupt change set in the change log");
      }
      return List.copyOf(sets.subList((int) seq, (int) Math.min(sets.size(), seq + limit)));
    }

    @Override
    public OptionalLong latestSeqOf(String accountName) {
      return OptionalLong.empty();
    }
  }

  private static Change put(int i) {
    return new Change.NumberPut(new NumberEntry("+44" + (1_000_000 + i), "a", true, null, null));
  }

  @Test
  void anOverlayPastItsBoundIsFoldedOnAnotherThreadWhileChangesKeepComing() {
    ListChangeLog log = new ListChangeLog();
    try (SnapshotFollower follower =
        new SnapshotFollower((accounts, numbers) -> 0, log, Duration.ofHours(1))) {
      follower.start();
      int count = NumberTable.MIN_OVERLAY + 10;
      for (int i = 0; i < count; i++) {
        log.add(put(i));
      }
      follower.wake();
      await().atMost(Duration.ofSeconds(10)).until(() -> follower.current().appliedSeq() == count);
      for (int i = count; i < count + 100; i++) {
        // even: a new number; odd: delete number i - 100, made before the fold started
        log.add(i % 2 == 0 ? put(i) : new Change.NumberDeleted("+44" + (1_000_000 + i - 100), "a"));
        follower.wake();
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        follower.wake();
        assertThat(follower.current().appliedSeq()).isEqualTo(count + 100);
        assertThat(follower.current().numbers().overlaySize()).isLessThan(200);
      });
      RoutingSnapshot s = follower.current();
      for (int i = 0; i < count + 100; i++) {
        boolean deleted = i >= count - 100 && i % 2 == 1;
        assertThat(s.number("+44" + (1_000_000 + i)).isPresent()).as("number " + i).isEqualTo(!deleted);
      }
    }
  }

  @Test
  void aChangeAnnouncedJustBeforeTheDatabaseWentDownDoesNotCountAsLag() throws Exception {
    ListChangeLog log = new ListChangeLog();
    try (SnapshotFollower follower =
        new SnapshotFollower((accounts, numbers) -> 0, log, Duration.ofMillis(50))) {
      follower.start();
      log.down = true;
      follower.wake(1); // the NOTIFY of a commit arrived; then the database went away
      Thread.sleep(300);
      assertThat(follower.lag()).isZero();
      log.add(put(1));
      log.down = false;
      await().atMost(Duration.ofSeconds(5)).until(() -> follower.current().appliedSeq() == 1);
      assertThat(follower.lag()).isZero();
    }
  }

  @Test
  void aChangeThatCannotBeAppliedCountsAsLagUntilItCan() {
    ListChangeLog log = new ListChangeLog();
    try (SnapshotFollower follower =
        new SnapshotFollower((accounts, numbers) -> 0, log, Duration.ofMillis(50))) {
      follower.start();
      log.corrupt = 1;
      log.add(put(1));
      await().atMost(Duration.ofSeconds(5)).until(() -> follower.lag().compareTo(Duration.ofMillis(200)) > 0);
      assertThat(follower.current().appliedSeq()).isZero();
      log.corrupt = 0;
      await().atMost(Duration.ofSeconds(5)).until(() -> follower.current().appliedSeq() == 1);
      assertThat(follower.lag()).isZero();
    }
  }
}
