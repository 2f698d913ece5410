package dev.drgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.account.Account;
import dev.drgw.account.AccountService;
import dev.drgw.account.DeploymentNames;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.audit.AuditCursor;
import dev.drgw.audit.AuditEntry;
import dev.drgw.audit.AuditEntry.Action;
import dev.drgw.audit.AuditEntry.Kind;
import dev.drgw.audit.AuditQuery;
import dev.drgw.changes.ChangeSet;
import dev.drgw.domain.Actor;
import dev.drgw.domain.Page;
import dev.drgw.domain.Precondition;
import dev.drgw.domain.ProvisioningException;
import dev.drgw.number.NumberEntry;
import dev.drgw.number.NumberService;
import dev.drgw.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit trail on each store engine: one row per entity a committed write changed, with the
 * exact states before and after, written in the write's transaction (so a refused or failed write
 * leaves none), and read newest first with filters and keyset paging.
 */
abstract class AuditTrailContract {

  private static final Actor ALICE = new Actor("alice", "192.0.2.7");
  private static final Actor BOB = new Actor("portal:bob", "2001:db8::9");
  private static final String TENANT = "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11";
  private static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

  Database database;
  Stores stores;
  AccountService accounts;
  NumberService numbers;
  MutableClock clock;

  abstract String newDatabaseUrl();

  abstract String user();

  @BeforeEach
  void open() {
    clock = new MutableClock(START);
    database = Database.open(newDatabaseUrl(), user(), "", 8);
    stores = new Stores(database, new ObjectMapper(), clock);
    accounts = new AccountService(stores.accounts(), new DeploymentNames("gw.example.net", 2, "1r%d"));
    numbers = new NumberService(stores.numbers(), stores.accounts());
  }

  @AfterEach
  void close() {
    stores.close();
    database.close();
  }

  static Account account(String name, String label, boolean drEnabled, String correlationId) {
    return new Account(
        name,
        correlationId,
        TENANT,
        new DirectRouting(true, drEnabled, new DirectRoutingConfig(true, label, "MS=ms1", "MS=ms2")),
        null);
  }

  static NumberEntry number(String tn, String account, boolean dr, String header) {
    return new NumberEntry(tn, account, dr, header, null);
  }

  static String accountJson(String name, String label, boolean drEnabled, String correlationId) {
    return "{\"name\":\"" + name + "\",\"correlationId\":\"" + correlationId + "\",\"teamsTenantId\":\""
        + TENANT + "\",\"drSyncEnabled\":true,\"drEnabled\":" + drEnabled + ",\"callScreening\":true,"
        + "\"subdomain\":\"" + label + "\",\"region1Token\":\"MS=ms1\",\"region2Token\":\"MS=ms2\"}";
  }

  static String numberJson(String tn, String account, boolean dr, String header) {
    return "{\"number\":\"" + tn + "\",\"account\":\"" + account + "\",\"drEnabled\":" + dr
        + ",\"customSipHeader\":" + (header == null ? "null" : "\"" + header + "\"") + "}";
  }

  private void createAccount(String name, Actor actor) {
    accounts.put(name, account(name, name, true, "crm-1"), Precondition.NONE, actor);
  }

  /** Every entry, newest first. */
  private List<AuditEntry> all() {
    return stores.auditTrail().list(AuditQuery.latest(100_000)).items();
  }

  @Test
  void anAccountsCreationReplacementAndDeletionAreRecordedExactly() {
    createAccount("contoso", ALICE);
    clock.advance(Duration.ofMinutes(1));
    accounts.put("contoso", account("contoso", "contoso2", false, "crm-2"), Precondition.NONE, BOB);
    clock.advance(Duration.ofMinutes(1));
    accounts.delete("contoso", Precondition.NONE, false, ALICE);

    List<AuditEntry> trail = all();
    long last = stores.changeLog().latestSeq();
    assertThat(trail)
        .containsExactly(
            new AuditEntry(last, 0, START.plusSeconds(120), "alice", "192.0.2.7", Kind.ACCOUNT, "contoso",
                "contoso", Action.DELETED, accountJson("contoso", "contoso2", false, "crm-2"), null),
            new AuditEntry(last - 1, 0, START.plusSeconds(60), "portal:bob", "2001:db8::9", Kind.ACCOUNT,
                "contoso", "contoso", Action.UPDATED, accountJson("contoso", "contoso", true, "crm-1"),
                accountJson("contoso", "contoso2", false, "crm-2")),
            new AuditEntry(last - 2, 0, START, "alice", "192.0.2.7", Kind.ACCOUNT, "contoso", "contoso",
                Action.CREATED, null, accountJson("contoso", "contoso", true, "crm-1")));
  }

  @Test
  void otherServicesAndAbsentFieldsAreKeptInTheStates() {
    Account bare =
        new Account("bare", null, null, DirectRouting.OFF, "{\"teamsOperatorConnect\":{\"enabled\":false}}");
    accounts.put("bare", bare, Precondition.NONE, ALICE);
    assertThat(all().get(0).after())
        .isEqualTo("{\"name\":\"bare\",\"correlationId\":null,\"teamsTenantId\":null,\"drSyncEnabled\":false,"
            + "\"drEnabled\":false,\"otherServices\":{\"teamsOperatorConnect\":{\"enabled\":false}}}");
  }

  @Test
  void aNumbersCreationReplacementAndDeletionAreRecordedExactly() {
    createAccount("contoso", ALICE);
    numbers.put("contoso", "+441", number("+441", "contoso", true, "gold"), Precondition.NONE, ALICE);
    numbers.put("contoso", "+441", number("+441", "contoso", false, null), Precondition.NONE, BOB);
    numbers.delete("contoso", "+441", Precondition.NONE, ALICE);

    List<AuditEntry> trail = all();
    assertThat(trail).hasSize(4);
    assertThat(trail.subList(0, 3))
        .extracting(AuditEntry::kind, AuditEntry::entity, AuditEntry::accountName, AuditEntry::action,
            AuditEntry::actor, AuditEntry::before, AuditEntry::after)
        .containsExactly(
            tuple(Kind.NUMBER, "+441", "contoso", Action.DELETED, "alice",
                numberJson("+441", "contoso", false, null), null),
            tuple(Kind.NUMBER, "+441", "contoso", Action.UPDATED, "portal:bob",
                numberJson("+441", "contoso", true, "gold"), numberJson("+441", "contoso", false, null)),
            tuple(Kind.NUMBER, "+441", "contoso", Action.CREATED, "alice",
                null, numberJson("+441", "contoso", true, "gold")));
    // Each entry carries its change set's sequence number, as the change log has it.
    List<ChangeSet> sets = stores.changeLog().after(0, 100);
    assertThat(trail).extracting(AuditEntry::seq)
        .containsExactlyElementsOf(sets.stream().map(ChangeSet::seq).sorted((a, b) -> Long.compare(b, a)).toList());
  }

  @Test
  void aBatchOfOneHundredIsOneChangeSetWithOneRowPerNumber() {
    createAccount("contoso", ALICE);
    List<NumberEntry> first = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      first.add(number(String.format("+44700%03d", i), "contoso", true, "old"));
    }
    numbers.upsertBatch("contoso", first, ALICE);
    // Half of the next batch replaces those numbers, half creates new ones.
    List<NumberEntry> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(number(String.format("+44700%03d", i), "contoso", i % 2 == 0, "new"));
    }
    numbers.upsertBatch("contoso", batch, BOB);

    long seq = stores.changeLog().latestSeq();
    List<AuditEntry> trail = all().stream().filter(e -> e.seq() == seq).toList();
    assertThat(trail).hasSize(100);
    assertThat(trail).extracting(AuditEntry::item)
        .containsExactlyElementsOf(IntStream.range(0, 100).map(i -> 99 - i).boxed().toList());
    for (AuditEntry e : trail) {
      int i = Integer.parseInt(e.entity().substring(6));
      assertThat(e.actor()).isEqualTo("portal:bob");
      assertThat(e.after()).isEqualTo(numberJson(e.entity(), "contoso", i % 2 == 0, "new"));
      if (i < 50) {
        assertThat(e.action()).isEqualTo(Action.UPDATED);
        assertThat(e.before()).isEqualTo(numberJson(e.entity(), "contoso", true, "old"));
      } else {
        assertThat(e.action()).isEqualTo(Action.CREATED);
        assertThat(e.before()).isNull();
      }
    }
  }

  @Test
  void deletingAnAccountWithItsNumbersRecordsEveryNumber() {
    createAccount("contoso", ALICE);
    numbers.upsertBatch(
        "contoso",
        List.of(number("+443", "contoso", true, "h3"), number("+441", "contoso", false, null)),
        ALICE);
    createAccount("other", ALICE);
    numbers.upsertBatch("other", List.of(number("+449", "other", true, null)), ALICE);

    accounts.delete("contoso", Precondition.NONE, true, BOB);

    long seq = stores.changeLog().latestSeq();
    List<AuditEntry> deletion = all().stream().filter(e -> e.seq() == seq).toList();
    assertThat(deletion)
        .extracting(AuditEntry::item, AuditEntry::kind, AuditEntry::entity, AuditEntry::action,
            AuditEntry::before, AuditEntry::after)
        .containsExactly(
            tuple(2, Kind.ACCOUNT, "contoso", Action.DELETED,
                accountJson("contoso", "contoso", true, "crm-1"), null),
            tuple(1, Kind.NUMBER, "+443", Action.DELETED,
                numberJson("+443", "contoso", true, "h3"), null),
            tuple(0, Kind.NUMBER, "+441", Action.DELETED,
                numberJson("+441", "contoso", false, null), null));
    assertThat(deletion).allSatisfy(e -> {
      assertThat(e.accountName()).isEqualTo("contoso");
      assertThat(e.actor()).isEqualTo("portal:bob");
    });
  }

  @Test
  void refusedWritesLeaveNoRow() {
    createAccount("contoso", ALICE);
    accounts.put("off", account("off", "off", false, "crm-1"), Precondition.NONE, ALICE);
    numbers.put("contoso", "+441", number("+441", "contoso", true, null), Precondition.NONE, ALICE);
    List<AuditEntry> before = all();

    // Refused by a rule that needs the stored state (subdomain taken, number owned elsewhere,
    // Direct Routing off), by a precondition, and by a missing entity.
    assertThatThrownBy(() -> accounts.put("other", account("other", "CONTOSO", true, "x"), Precondition.NONE, ALICE))
        .isInstanceOf(ProvisioningException.Conflict.class);
    assertThatThrownBy(() -> numbers.upsertBatch("off",
            List.of(number("+442", "off", false, null), number("+441", "off", false, null)), ALICE))
        .isInstanceOf(ProvisioningException.Conflict.class);
    assertThatThrownBy(() -> numbers.upsertBatch("off", List.of(number("+443", "off", true, null)), ALICE))
        .isInstanceOf(ProvisioningException.Conflict.class);
    assertThatThrownBy(() -> accounts.put("contoso", account("contoso", "contoso", true, "y"),
            new Precondition(Optional.of("\"stale\""), Optional.empty()), ALICE))
        .isInstanceOf(ProvisioningException.PreconditionFailed.class);
    assertThatThrownBy(() -> accounts.delete("contoso", Precondition.NONE, false, ALICE))
        .isInstanceOf(ProvisioningException.Conflict.class);
    assertThatThrownBy(() -> numbers.delete("contoso", "+449", Precondition.NONE, ALICE))
        .isInstanceOf(ProvisioningException.NotFound.class);

    assertThat(all()).isEqualTo(before);
  }

  @Test
  void aWriteThatFailsAfterWritingLeavesNoRow() {
    createAccount("contoso", ALICE);
    List<AuditEntry> before = all();
    assertThatThrownBy(
            () ->
                stores.accounts().write(ALICE, tx -> {
                  tx.lock("contoso");
                  tx.update(account("contoso", "contoso", false, "half-done"));
                  tx.insert(account("second", "second", true, "half-done"));
                  throw new ProvisioningException.Conflict("Refused", "refused after writing", null);
                }))
        .isInstanceOf(ProvisioningException.Conflict.class);
    assertThat(all()).isEqualTo(before);
    assertThat(accounts.get("contoso").value().correlationId()).isEqualTo("crm-1");
  }

  @Test
  void concurrentWritersWithRefusalsLeaveExactlyTheCommittedRows() throws Exception {
    int threads = 8;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Boolean>> outcomes = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        String name = "acct" + t;
        outcomes.add(pool.submit(() -> {
          start.await();
          // All want the same subdomain: one wins, the others are refused.
          try {
            accounts.put(name, account(name, "shared", true, "c"), Precondition.NONE, ALICE);
            return true;
          } catch (ProvisioningException.Conflict e) {
            return false;
          }
        }));
      }
      int won = 0;
      for (Future<Boolean> f : outcomes) {
        won += f.get() ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdown();
    }
    List<AuditEntry> trail = all();
    assertThat(trail).singleElement().satisfies(e -> {
      assertThat(e.action()).isEqualTo(Action.CREATED);
      assertThat(accounts.find(e.entity())).isPresent();
      assertThat(e.seq()).isEqualTo(stores.changeLog().latestSeq());
    });
  }

  @Test
  void filtersAndPagesNewestFirst() {
    createAccount("a", ALICE);
    clock.advance(Duration.ofHours(1));
    createAccount("b", BOB);
    clock.advance(Duration.ofHours(1));
    numbers.upsertBatch("a", List.of(number("+441", "a", true, null), number("+442", "a", true, null)), ALICE);
    clock.advance(Duration.ofHours(1));
    numbers.put("b", "+443", number("+443", "b", true, null), Precondition.NONE, BOB);
    clock.advance(Duration.ofHours(1));
    numbers.put("a", "+441", number("+441", "a", false, null), Precondition.NONE, BOB);

    assertThat(list(AuditQuery.latest(100).withAccount("a")))
        .containsExactly("+441 updated", "+442 created", "+441 created", "a created");
    assertThat(list(AuditQuery.latest(100).withEntity(Kind.NUMBER, "+441")))
        .containsExactly("+441 updated", "+441 created");
    assertThat(list(AuditQuery.latest(100).withEntity(Kind.ACCOUNT, "+441"))).isEmpty();
    assertThat(list(AuditQuery.latest(100).withEntity(Kind.ACCOUNT, "b"))).containsExactly("b created");
    AuditQuery window = new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(START.plus(Duration.ofHours(1))), Optional.of(START.plus(Duration.ofHours(3))),
        Optional.empty(), 0, 100);
    assertThat(list(window)).containsExactly("+442 created", "+441 created", "b created");
    assertThat(stores.auditTrail().count(window)).isEqualTo(3);
    assertThat(stores.auditTrail().count(AuditQuery.latest(1))).isEqualTo(6);

    // Keyset pages of two: every entry exactly once, newest first, even with writes in between.
    List<String> seen = new ArrayList<>();
    AuditQuery query = AuditQuery.latest(2);
    for (int pages = 0; pages < 10; pages++) {
      Page<AuditEntry> page = stores.auditTrail().list(query);
      page.items().forEach(e -> seen.add(e.entity() + " " + e.action().wire()));
      if (page.continueAfter().isEmpty()) {
        break;
      }
      if (pages == 0) {
        numbers.put("b", "+449", number("+449", "b", true, null), Precondition.NONE, BOB);
      }
      query = query.after(AuditCursor.parse(page.continueAfter().get()).orElseThrow());
    }
    assertThat(seen)
        .containsExactly("+441 updated", "+443 created", "+442 created", "+441 created", "b created", "a created");
  }

  private List<String> list(AuditQuery query) {
    return stores.auditTrail().list(query).items().stream()
        .map(e -> e.entity() + " " + e.action().wire())
        .toList();
  }
}
