package dev.drgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.account.Account;
import dev.drgw.account.AccountFields;
import dev.drgw.account.AccountService;
import dev.drgw.account.DeploymentNames;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.changes.Change;
import dev.drgw.changes.ChangeSet;
import dev.drgw.domain.Actor;
import dev.drgw.domain.Filter;
import dev.drgw.domain.Page;
import dev.drgw.domain.PageRequest;
import dev.drgw.domain.Precondition;
import dev.drgw.domain.ProvisioningException;
import dev.drgw.domain.PutResult;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import dev.drgw.number.NumberFields;
import dev.drgw.number.NumberService;
import dev.drgw.repeatability.LedgerEntry;
import dev.drgw.repeatability.RecordedResponse;
import dev.drgw.snapshot.NumberView;
import dev.drgw.snapshot.RoutingSnapshot;
import dev.drgw.snapshot.SnapshotFollower;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The behaviour every store engine must have, run against each engine by a subclass. Goes through
 * the real domain services, so the rules and the storage are tested together.
 */
abstract class StoreContract {

  private static final Actor ACTOR = new Actor("test", "127.0.0.1");

  Database database;
  Stores stores;
  AccountService accounts;
  NumberService numbers;

  /** A JDBC URL of a new, empty database of the engine under test. */
  abstract String newDatabaseUrl();

  abstract String user();

  @BeforeEach
  void open() {
    database = Database.open(newDatabaseUrl(), user(), "", 8);
    stores = new Stores(database, new ObjectMapper(), Clock.systemUTC());
    accounts =
        new AccountService(stores.accounts(), new DeploymentNames("gw.example.net", 2, "1r%d"));
    numbers = new NumberService(stores.numbers(), stores.accounts());
  }

  @AfterEach
  void close() {
    stores.close();
    database.close();
  }

  static Account account(String name, String label, boolean drEnabled) {
    return new Account(
        name,
        "crm-" + name,
        "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11",
        new DirectRouting(true, drEnabled, new DirectRoutingConfig(true, label, "MS=ms1", "MS=ms2")),
        null);
  }

  static NumberEntry number(String tn, String account, boolean dr) {
    return new NumberEntry(tn, account, dr, "hdr-" + tn.substring(1), null);
  }

  Stored<Account> create(String name, String label) {
    return accounts.put(name, account(name, label, true), Precondition.NONE, ACTOR).stored();
  }

  @Test
  void theSnapshotIsBuiltFromEveryNumberWithItsHeaderExactly() {
    create("contoso", "contoso");
    create("fabrikam", "fabrikam");
    List<String> headers = java.util.Arrays.asList(null, "", "X-Tenant: contoso", "tab\there", "new\nline",
        "cr\rlf", "back\\slash", "\\N", "N", "ünïcødé ☎ \u0001");
    Map<String, NumberEntry> written = new java.util.HashMap<>();
    database.jdbi().useHandle(h -> {
      for (int i = 0; i < 1_000; i++) {
        String tn = "+44" + (1_000_000 + i);
        NumberEntry n = new NumberEntry(tn, i % 3 == 0 ? "fabrikam" : "contoso", i % 2 == 0,
            headers.get(i % headers.size()), null);
        h.execute("INSERT INTO numbers (telephone_number, account_name, dr_enabled, custom_sip_header, updated_at)"
            + " VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)",
            n.telephoneNumber(), n.accountName(), n.directRoutingEnabled(), n.customSipHeader());
        written.put(tn, n);
      }
    });
    Map<String, NumberEntry> loaded = new java.util.HashMap<>();
    List<String> accountNames = new ArrayList<>();
    long seq = stores.snapshotSource().load(a -> accountNames.add(a.value().name()), n -> loaded.put(n.telephoneNumber(), n));
    assertThat(seq).isEqualTo(stores.changeLog().latestSeq());
    assertThat(accountNames).containsExactlyInAnyOrder("contoso", "fabrikam");
    assertThat(loaded).isEqualTo(written);

    numbers.put("fabrikam", "+441273650009", number("+441273650009", "fabrikam", true),
        Precondition.NONE, ACTOR);
    try (SnapshotFollower follower =
        new SnapshotFollower(stores.snapshotSource(), stores.changeLog(), java.time.Duration.ofSeconds(1))) {
      follower.start();
      RoutingSnapshot snapshot = follower.current();
      assertThat(snapshot.appliedSeq()).isEqualTo(stores.changeLog().latestSeq());
      for (NumberEntry n : written.values()) {
        assertThat(snapshot.number(n.telephoneNumber())).as(n.telephoneNumber())
            .contains(new NumberView(n.telephoneNumber(), n.accountName(), n.directRoutingEnabled(), n.customSipHeader()));
      }
      assertThat(snapshot.number("+441273650009")).get().extracting(NumberView::customSipHeader)
          .isEqualTo("hdr-441273650009");
      assertThat(snapshot.number("+441273650010")).isEmpty();
    }
  }

  @Test
  void anAccountRoundTrips() {
    Account a =
        new Account(
            "contoso",
            "x'; DROP TABLE accounts; --",
            "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11",
            new DirectRouting(true, true, new DirectRoutingConfig(false, "Contoso", "MS=ms1", "MS=ms2")),
            "{\"teamsOperatorConnect\":{\"enabled\":false}}");
    PutResult<Account> created = accounts.put("contoso", a, Precondition.NONE, ACTOR);
    assertThat(created).isInstanceOf(PutResult.Created.class);
    Stored<Account> read = accounts.get("contoso");
    assertThat(read.value()).isEqualTo(a);
    assertThat(read.etag()).isEqualTo(created.stored().etag());
    PutResult<Account> replaced = accounts.put("contoso", a, Precondition.NONE, ACTOR);
    assertThat(replaced).isInstanceOf(PutResult.Replaced.class);
    assertThat(replaced.stored().etag()).isNotEqualTo(created.stored().etag());
  }

  @Test
  void subdomainLabelsAreUniqueIgnoringCase() {
    create("contoso", "contoso");
    assertThatThrownBy(() -> create("other", "CONTOSO"))
        .isInstanceOfSatisfying(
            ProvisioningException.Conflict.class,
            e -> {
              assertThat(e.code()).isEqualTo("SubdomainInUse");
              assertThat(e.getMessage()).contains("contoso");
            });
    // The owner may keep its own label, in another case.
    accounts.put("contoso", account("contoso", "ConToSo", true), Precondition.NONE, ACTOR);
  }

  @Test
  void everyWriteIsOneChangeSetInOrder() {
    long start = stores.changeLog().latestSeq();
    create("contoso", "contoso");
    numbers.upsertBatch(
        "contoso", List.of(number("+441", "contoso", true), number("+442", "contoso", false)), ACTOR);
    numbers.delete("contoso", "+441", Precondition.NONE, ACTOR);
    List<ChangeSet> sets = stores.changeLog().after(start, 100);
    assertThat(sets).extracting(ChangeSet::seq).containsExactly(start + 1, start + 2, start + 3);
    assertThat(sets.get(0).changes()).singleElement().isInstanceOf(Change.AccountPut.class);
    assertThat(sets.get(1).changes())
        .containsExactly(
            new Change.NumberPut(number("+441", "contoso", true)),
            new Change.NumberPut(number("+442", "contoso", false)));
    assertThat(sets.get(2).changes()).containsExactly(new Change.NumberDeleted("+441", "contoso"));
    assertThat(sets).allSatisfy(s -> assertThat(s.actor()).isEqualTo("test"));
    assertThat(stores.changeLog().latestSeq()).isEqualTo(start + 3);
    assertThat(stores.changeLog().latestSeqOf("contoso")).hasValue(start + 3);
    assertThat(stores.changeLog().latestSeqOf("nobody")).isEmpty();
  }

  @Test
  void aFailedBatchLeavesNoTrace() {
    create("a", "a");
    create("b", "b");
    numbers.upsertBatch("a", List.of(number("+445", "a", true)), ACTOR);
    long seq = stores.changeLog().latestSeq();
    List<NumberEntry> batch =
        List.of(number("+443", "b", true), number("+444", "b", true), number("+445", "b", true));
    assertThatThrownBy(() -> numbers.upsertBatch("b", batch, ACTOR))
        .isInstanceOfSatisfying(
            ProvisioningException.Conflict.class,
            e -> {
              assertThat(e.code()).isEqualTo("NumberOwnedByAnotherAccount");
              assertThat(e.details()).singleElement().satisfies(d ->
                  assertThat(d.target()).isEqualTo("numbers[2].telephoneNumber"));
            });
    assertThat(stores.numbers().find("+443")).isEmpty();
    assertThat(stores.numbers().find("+444")).isEmpty();
    assertThat(stores.numbers().find("+445")).get().extracting(n -> n.value().accountName()).isEqualTo("a");
    assertThat(stores.changeLog().latestSeq()).isEqualTo(seq);
    assertThat(accounts.directRoutingNumberCounts(List.of("b"))).containsEntry("b", 0L);
  }

  @Test
  void directRoutingNumbersNeedDirectRoutingOnTheAccount() {
    accounts.put("off", account("off", "off", false), Precondition.NONE, ACTOR);
    assertThatThrownBy(() -> numbers.upsertBatch("off", List.of(number("+449", "off", true)), ACTOR))
        .isInstanceOfSatisfying(
            ProvisioningException.Conflict.class,
            e -> assertThat(e.code()).isEqualTo("DirectRoutingDisabledOnAccount"));
    numbers.upsertBatch("off", List.of(number("+449", "off", false)), ACTOR);
    assertThat(stores.numbers().find("+449")).isPresent();
  }

  @Test
  void concurrentWritersGetAGapFreeSequenceInCommitOrder() throws Exception {
    create("contoso", "contoso");
    long start = stores.changeLog().latestSeq();
    int threads = 8;
    int batchesEach = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int b = 0; b < batchesEach; b++) {
                    List<NumberEntry> batch = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                      batch.add(number(String.format("+4470%02d%02d%02d", thread, b, i), "contoso", true));
                    }
                    numbers.upsertBatch("contoso", batch, ACTOR);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    List<ChangeSet> sets = stores.changeLog().after(start, 10_000);
    assertThat(sets).hasSize(threads * batchesEach);
    assertThat(sets).extracting(ChangeSet::seq)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, threads * batchesEach).mapToObj(i -> start + i).toList());
    assertThat(sets.stream().mapToInt(s -> s.changes().size()).sum()).isEqualTo(threads * batchesEach * 10);
    assertThat(accounts.directRoutingNumberCounts(List.of("contoso")))
        .containsEntry("contoso", (long) threads * batchesEach * 10);
  }

  @Test
  void concurrentWritesWithTheSameEtagLetExactlyOneWin() throws Exception {
    Stored<Account> original = create("contoso", "contoso");
    Precondition precondition = new Precondition(Optional.of(original.etag()), Optional.empty());
    CyclicBarrier barrier = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (String correlation : List.of("first", "second")) {
        results.add(
            pool.submit(
                () -> {
                  Account changed =
                      new Account("contoso", correlation, null, original.value().directRouting(), null);
                  barrier.await();
                  try {
                    accounts.put("contoso", changed, precondition, ACTOR);
                    return "ok";
                  } catch (ProvisioningException.PreconditionFailed e) {
                    return "412";
                  }
                }));
      }
      List<String> outcomes = new ArrayList<>();
      for (Future<String> r : results) {
        outcomes.add(r.get());
      }
      assertThat(outcomes).containsExactlyInAnyOrder("ok", "412");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aNumberCreatedConcurrentlyInTwoAccountsEndsInOne() throws Exception {
    create("a", "a");
    create("b", "b");
    CyclicBarrier barrier = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (String account : List.of("a", "b")) {
        results.add(
            pool.submit(
                () -> {
                  barrier.await();
                  try {
                    numbers.put(account, "+4480", number("+4480", account, true), Precondition.NONE, ACTOR);
                    return "ok";
                  } catch (ProvisioningException.Conflict e) {
                    return e.code();
                  }
                }));
      }
      List<String> outcomes = new ArrayList<>();
      for (Future<String> r : results) {
        outcomes.add(r.get());
      }
      assertThat(outcomes).containsExactlyInAnyOrder("ok", "NumberOwnedByAnotherAccount");
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void directRoutingCountsFollowEveryKindOfWrite() {
    create("contoso", "contoso");
    numbers.upsertBatch(
        "contoso",
        List.of(
            number("+4411", "contoso", true),
            number("+4412", "contoso", true),
            number("+4413", "contoso", true),
            number("+4414", "contoso", false)),
        ACTOR);
    assertThat(count("contoso")).isEqualTo(3);
    numbers.put("contoso", "+4411", number("+4411", "contoso", false), Precondition.NONE, ACTOR);
    assertThat(count("contoso")).isEqualTo(2);
    numbers.deleteBatch("contoso", List.of("+4412", "+4414"), ACTOR);
    assertThat(count("contoso")).isEqualTo(1);
    numbers.put("contoso", "+4414", number("+4414", "contoso", true), Precondition.NONE, ACTOR);
    assertThat(count("contoso")).isEqualTo(2);
  }

  private long count(String account) {
    return accounts.directRoutingNumberCounts(List.of(account)).getOrDefault(account, -1L);
  }

  @Test
  void anAccountWithNumbersIsDeletedOnlyWithThem() {
    create("contoso", "contoso");
    numbers.upsertBatch("contoso", List.of(number("+4421", "contoso", true)), ACTOR);
    assertThatThrownBy(() -> accounts.delete("contoso", Precondition.NONE, false, ACTOR))
        .isInstanceOfSatisfying(
            ProvisioningException.Conflict.class, e -> assertThat(e.code()).isEqualTo("AccountHasNumbers"));
    assertThat(accounts.find("contoso")).isPresent();
    long seq = stores.changeLog().latestSeq();
    accounts.delete("contoso", Precondition.NONE, true, ACTOR);
    assertThat(accounts.find("contoso")).isEmpty();
    assertThat(stores.numbers().find("+4421")).isEmpty();
    assertThat(stores.changeLog().after(seq, 10))
        .singleElement()
        .satisfies(s -> assertThat(s.changes()).containsExactly(new Change.AccountDeleted("contoso")));
    // The label is free again, and a re-created account starts with no numbers.
    create("again", "contoso");
    assertThat(count("again")).isZero();
  }

  @Test
  void aBatchDeleteOfAMissingNumberDeletesNothing() {
    create("contoso", "contoso");
    numbers.upsertBatch("contoso", List.of(number("+4431", "contoso", true)), ACTOR);
    assertThatThrownBy(() -> numbers.deleteBatch("contoso", List.of("+4431", "+4432"), ACTOR))
        .isInstanceOfSatisfying(
            ProvisioningException.NotFound.class,
            e -> assertThat(e.details()).singleElement().satisfies(d ->
                assertThat(d.target()).isEqualTo("numbers[1].telephoneNumber")));
    assertThat(stores.numbers().find("+4431")).isPresent();
  }

  @Test
  void keysetPagesYieldEveryItemOnceInOrder() {
    create("a", "a");
    create("b", "b");
    List<String> expected = new ArrayList<>();
    for (int batch = 0; batch < 5; batch++) {
      List<NumberEntry> entries = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String tn = String.format("+44%d%03d", batch, i);
        entries.add(number(tn, batch % 2 == 0 ? "a" : "b", i % 3 != 0));
        expected.add(tn);
      }
      numbers.upsertBatch(batch % 2 == 0 ? "a" : "b", entries, ACTOR);
    }
    expected.sort(null);
    List<String> seen = new ArrayList<>();
    Optional<String> after = Optional.empty();
    do {
      Page<Stored<NumberEntry>> page =
          numbers.list(Optional.empty(), new PageRequest(Filter.ALL, after, 0, 7));
      page.items().forEach(n -> seen.add(n.value().telephoneNumber()));
      after = page.continueAfter();
    } while (after.isPresent());
    assertThat(seen).isEqualTo(expected);
    assertThat(numbers.list(Optional.of("a"), new PageRequest(Filter.ALL, Optional.empty(), 0, 1000)).items())
        .hasSize(150);
    assertThat(numbers.list(Optional.empty(), new PageRequest(Filter.ALL, Optional.empty(), 245, 100)).items())
        .hasSize(5);
    assertThat(numbers.count(Optional.of("b"), Filter.ALL)).isEqualTo(100);
  }

  @Test
  void filtersSelectByEveryField() {
    create("contoso", "contoso");
    accounts.put("fabrikam", account("fabrikam", "Fab", false), Precondition.NONE, ACTOR);
    numbers.upsertBatch(
        "contoso",
        List.of(
            number("+4420", "contoso", true),
            number("+4421", "contoso", false),
            new NumberEntry("+1555", "contoso", true, null, null)),
        ACTOR);
    assertThat(accountNames(new Filter.Compare(AccountFields.NAME, Filter.Op.EQ, "contoso"))).containsExactly("contoso");
    assertThat(accountNames(new Filter.Compare(AccountFields.DR_ENABLED, Filter.Op.EQ, false))).containsExactly("fabrikam");
    assertThat(accountNames(new Filter.StartsWith(AccountFields.SUBDOMAIN, "Fa"))).containsExactly("fabrikam");
    assertThat(accountNames(new Filter.Compare(AccountFields.CORRELATION_ID, Filter.Op.NE, "crm-contoso"))).containsExactly("fabrikam");
    assertThat(accountNames(new Filter.Compare(AccountFields.TENANT_ID, Filter.Op.EQ, null))).isEmpty();
    assertThat(accountNames(new Filter.Compare(AccountFields.CALL_SCREENING, Filter.Op.EQ, true))).containsExactly("contoso", "fabrikam");
    assertThat(accountNames(new Filter.Compare(AccountFields.DR_SYNC_ENABLED, Filter.Op.EQ, true))).hasSize(2);
    assertThat(numberList(new Filter.StartsWith(NumberFields.TELEPHONE_NUMBER, "+44"))).containsExactly("+4420", "+4421");
    assertThat(numberList(new Filter.Compare(NumberFields.DR_ENABLED, Filter.Op.EQ, true))).containsExactly("+1555", "+4420");
    assertThat(numberList(new Filter.Compare(NumberFields.CUSTOM_SIP_HEADER, Filter.Op.EQ, null))).containsExactly("+1555");
    assertThat(numberList(new Filter.Or(
            new Filter.Compare(NumberFields.TELEPHONE_NUMBER, Filter.Op.EQ, "+4421"),
            new Filter.Compare(NumberFields.ACCOUNT_NAME, Filter.Op.EQ, "nobody"))))
        .containsExactly("+4421");
    assertThat(numberList(new Filter.StartsWith(NumberFields.CUSTOM_SIP_HEADER, "hdr_"))).isEmpty();
  }

  private List<String> accountNames(Filter filter) {
    return accounts.list(new PageRequest(filter, Optional.empty(), 0, 100)).items().stream()
        .map(a -> a.value().name())
        .toList();
  }

  private List<String> numberList(Filter filter) {
    return numbers.list(Optional.empty(), new PageRequest(filter, Optional.empty(), 0, 100)).items().stream()
        .map(n -> n.value().telephoneNumber())
        .toList();
  }

  @Test
  void theRequestLedgerClaimsCompletesReleasesAndExpires() {
    var ledger = stores.requestLedger();
    Instant now = Instant.parse("2026-11-27T12:00:00Z");
    assertThat(ledger.claim("client", "id-1", "fp", now, now.plusSeconds(60))).isEmpty();
    assertThat(ledger.claim("client", "id-1", "fp", now, now.plusSeconds(60)))
        .get()
        .isInstanceOf(LedgerEntry.InProgress.class);
    assertThat(ledger.claim("other-client", "id-1", "fp", now, now.plusSeconds(60))).isEmpty();
    byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    ledger.complete("client", "id-1", new RecordedResponse(201, Map.of("ETag", "\"x\""), body));
    assertThat(ledger.claim("client", "id-1", "fp", now, now.plusSeconds(60)))
        .get()
        .isInstanceOfSatisfying(
            LedgerEntry.Done.class,
            d -> {
              assertThat(d.response().status()).isEqualTo(201);
              assertThat(d.response().headers()).containsEntry("ETag", "\"x\"");
              assertThat(d.response().body()).isEqualTo(body);
            });
    ledger.release("client", "id-1");
    assertThat(ledger.claim("client", "id-1", "fp", now, now.plusSeconds(60))).isEmpty();
    assertThat(ledger.takeOver("client", "id-1", now.plusSeconds(1), now.plusSeconds(2))).isTrue();
    assertThat(ledger.takeOver("client", "id-1", now, now.plusSeconds(3))).isFalse();
    assertThat(ledger.purgeExpired(now.plusSeconds(61))).isEqualTo(2);
    assertThat(ledger.claim("client", "id-1", "fp", now, now.plusSeconds(60))).isEmpty();
  }

  @Test
  void nodesReportAndAreListedWithTheirAgeByTheDatabaseClock() throws Exception {
    var registry = stores.nodes();
    Instant started = Instant.parse("2026-11-28T10:00:00Z");
    registry.heartbeat(new dev.drgw.changes.Nodes.Report("gw-r1-a", 1, 7, true, false, "1.0", started));
    registry.heartbeat(new dev.drgw.changes.Nodes.Report("gw-r2-a", 2, 5, false, true, "1.0", started));
    registry.heartbeat(new dev.drgw.changes.Nodes.Report("gw-r1-a", 1, 9, true, false, "1.1", started));

    var nodes = registry.list();

    assertThat(nodes).extracting(n -> n.name() + " r" + n.region() + " @" + n.appliedSeq() + " dns=" + n.dnsServing()
            + " draining=" + n.draining() + " " + n.version())
        .containsExactly("gw-r1-a r1 @9 dns=true draining=false 1.1", "gw-r2-a r2 @5 dns=false draining=true 1.0");
    assertThat(nodes).allSatisfy(n -> {
      assertThat(n.startedAt()).isEqualTo(started);
      assertThat(n.age()).isBetween(java.time.Duration.ZERO, java.time.Duration.ofSeconds(5));
    });

    Thread.sleep(1_100);
    registry.heartbeat(new dev.drgw.changes.Nodes.Report("gw-r1-a", 1, 9, true, false, "1.1", started));
    assertThat(registry.forget(java.time.Duration.ofMillis(1_000))).isEqualTo(1);
    assertThat(registry.list()).extracting(dev.drgw.changes.NodeState::name).containsExactly("gw-r1-a");
    assertThat(registry.remove("gw-r1-a")).isTrue();
    assertThat(registry.remove("gw-r1-a")).isFalse();
    assertThat(registry.list()).isEmpty();
  }

  @Test
  void aBrokenConnectionIsTellingApartFromARefusedStatement() {
    assertThat(Database.isUnavailable(new java.sql.SQLTransientConnectionException("pool timeout"))).isTrue();
    assertThat(Database.isUnavailable(new RuntimeException(new java.sql.SQLException("gone", "08006")))).isTrue();
    assertThat(Database.isUnavailable(new java.sql.SQLException("shutting down", "57P01"))).isTrue();
    assertThat(Database.isUnavailable(new java.sql.SQLException("duplicate", "23505"))).isFalse();
    assertThat(Database.isUnavailable(new IllegalStateException("bug"))).isFalse();
    assertThatThrownBy(() -> database.jdbi().useHandle(h -> h.execute("SELECT no_such_column FROM nodes")))
        .satisfies(e -> assertThat(Database.isUnavailable(e)).isFalse());
  }
}
