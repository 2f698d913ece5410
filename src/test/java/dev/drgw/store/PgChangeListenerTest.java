package dev.drgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.account.AccountService;
import dev.drgw.account.DeploymentNames;
import dev.drgw.domain.Actor;
import dev.drgw.domain.Precondition;
import dev.drgw.number.NumberEntry;
import dev.drgw.number.NumberService;
import dev.drgw.snapshot.SnapshotFollower;
import dev.drgw.testing.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one real PostgreSQL database: a commit through one wakes the other's snapshot by
 * LISTEN/NOTIFY at once (its poll interval is set to a minute, so only the notification can
 * explain a quick update), and after the LISTEN session is killed the node reconnects and
 * catches up.
 */
class PgChangeListenerTest {

  private static final Actor ACTOR = new Actor("test", "127.0.0.1");
  private final List<AutoCloseable> open = new ArrayList<>();

  private <T extends AutoCloseable> T own(T t) {
    open.add(0, t);
    return t;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void aCommitOnOneNodeWakesTheOtherAndALostSessionIsRecovered() throws Exception {
    String url = TestPostgres.newDatabase();
    Database writerDb = own(Database.open(url, TestPostgres.user(), "", 4));
    Stores writer = own(new Stores(writerDb, new ObjectMapper(), Clock.systemUTC()));
    AccountService accounts =
        new AccountService(writer.accounts(), new DeploymentNames("gw.example.net", 2, "1r%d"));
    NumberService numbers = new NumberService(writer.numbers(), writer.accounts());
    accounts.put("acme", StoreContract.account("acme", "acme", true), Precondition.NONE, ACTOR);

    Database readerDb = own(Database.open(url, TestPostgres.user(), "", 4));
    Stores reader = own(new Stores(readerDb, new ObjectMapper(), Clock.systemUTC()));
    SnapshotFollower follower =
        own(new SnapshotFollower(reader.snapshotSource(), reader.changeLog(), Duration.ofMinutes(1)));
    follower.start();
    List<Duration> propagation = new java.util.concurrent.CopyOnWriteArrayList<>();
    follower.onPropagation(propagation::add);
    PgChangeListener listener = own(PgChangeListener.start(readerDb, follower::wake));
    await().atMost(Duration.ofSeconds(5)).until(listener::listening);

    for (int i = 1; i <= 5; i++) {
      String tn = "+4420700000" + i;
      long start = System.nanoTime();
      numbers.put("acme", tn, new NumberEntry(tn, "acme", true, "h" + i, null), Precondition.NONE, ACTOR);
      await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
          .until(() -> follower.current().number(tn).isPresent());
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
    assertThat(propagation).hasSize(5);

    // The database ends the LISTEN session (as a restart or failover would).
    try (var c = writerDb.dedicatedConnection(); var s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'"
          + " AND pid <> pg_backend_pid()");
    }
    String missed = "+442070000099";
    numbers.put("acme", missed, new NumberEntry(missed, "acme", true, null, null), Precondition.NONE, ACTOR);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> follower.current().number(missed).isPresent());
    await().atMost(Duration.ofSeconds(10)).until(() -> listener.sessions() == 2 && listener.listening());
    assertThat(follower.current().appliedSeq()).isEqualTo(writer.changeLog().latestSeq());
    assertThat(follower.lag()).isZero();
  }
}
