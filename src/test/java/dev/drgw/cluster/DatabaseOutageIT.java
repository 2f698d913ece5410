package dev.drgw.cluster;

import static dev.drgw.cluster.Provisioning.account;
import static dev.drgw.cluster.Provisioning.subdomain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.Cluster;
import dev.drgw.testing.Cluster.Node;
import dev.drgw.testing.Cluster.NodeSpec;
import dev.drgw.testing.ClusterWatch;
import dev.drgw.testing.DnsProber;
import dev.drgw.testing.MicrosoftSide;
import dev.drgw.testing.SippLoad;
import dev.drgw.testing.StoppablePostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL stopped in the middle of traffic: DNS and SIP go on answering from the nodes'
 * snapshots, the API answers 503 with Retry-After while it is down and recovers by itself when it
 * is back, and a client that retries its writes loses none and duplicates none.
 */
class DatabaseOutageIT {

  static final String CALLED = "+441273650000";
  private static final Duration OUTAGE = Duration.ofSeconds(6);
  /** Three clients writing at once, so that writes are in flight at the moment PostgreSQL stops. */
  private static final List<String> WRITERS = List.of("wa", "wb", "wc");

  @RegisterExtension final ClusterWatch watch = new ClusterWatch();

  /** One API answer seen while PostgreSQL was down, how long it took, and /health/ready just after. */
  record Seen(String node, int status, String retryAfter, String code, long millis, int ready) {}

  @Test
  void dnsAndCallsGoOnTheApiSays503AndNoChangeIsLostOrDoubled() throws Exception {
    try (StoppablePostgres pg = StoppablePostgres.start();
        MicrosoftSide microsoft = watch.watch(MicrosoftSide.start());
        Cluster cluster = watch.watch(Cluster.start(pg, Optional.of(microsoft), Cluster.defaultSettings(),
            List.of(new NodeSpec("r1a", 1), new NodeSpec("r2a", 2))))) {
      provisionProbe(cluster);

      List<SippLoad> loads = new ArrayList<>();
      List<RetryingWriter> writers = WRITERS.stream().map(p -> new RetryingWriter(p, cluster.nodes())).toList();
      List<Thread> writing = writers.stream().map(w -> new Thread(w, "retrying-writer")).toList();
      List<Seen> duringOutage = java.util.Collections.synchronizedList(new ArrayList<>());
      Map<String, Long> okBeforeOutage = new HashMap<>();
      Map<String, Long> okDuringOutage = new HashMap<>();
      List<DnsProber.Report> dns;
      Duration recovery;
      try (DnsProber prober = DnsProber.start(Cluster.dnsTargets(cluster.nodes()), subdomain("probe", 1),
          "MS=probe-1", DnsProber.Retry.SAME_SERVER)) {
        for (Node n : cluster.nodes()) {
          loads.add(watch.watch(SippLoad.operatorCalls("calls-" + n.name(), n.operatorSipPort(), CALLED, 4,
              Duration.ofMillis(300), 0)));
        }
        writing.forEach(Thread::start);
        await().atMost(Duration.ofSeconds(30)).until(() -> writes(writers).size() >= 30);
        loads.forEach(l -> okBeforeOutage.put(l.name(), l.current().successful()));

        pg.stop();
        long down = System.nanoTime();
        List<Thread> observers = new ArrayList<>();
        for (Node n : cluster.nodes()) {
          Thread observer = new Thread(() -> {
            while (System.nanoTime() - down < OUTAGE.toNanos()) {
              long t0 = System.nanoTime();
              ApiClient.Response r = n.api().get("/accounts/probe");
              long millis = (System.nanoTime() - t0) / 1_000_000;
              duringOutage.add(new Seen(n.name(), r.status(), r.header("Retry-After"),
                  r.status() == 200 ? null : r.errorCode(), millis, n.ready()));
              Provisioning.sleep(250);
            }
          }, "outage-observer-" + n.name());
          observer.start();
          observers.add(observer);
        }
        for (Thread t : observers) {
          t.join(); // the requests in flight end before PostgreSQL is back, whatever they take
        }
        int writesBeforeRecovery = writes(writers).size();
        loads.forEach(l -> okDuringOutage.put(l.name(), l.current().successful() - okBeforeOutage.get(l.name())));
        pg.startAgain();
        long up = System.nanoTime();

        for (Node n : cluster.nodes()) {
          await("API of " + n + " back after PostgreSQL").atMost(Duration.ofSeconds(20))
              .pollInterval(Duration.ofMillis(100)).until(() -> n.api().get("/accounts/probe").status() == 200);
        }
        recovery = Duration.ofNanos(System.nanoTime() - up);
        await().atMost(Duration.ofSeconds(60)).until(() -> writes(writers).size() >= writesBeforeRecovery + 30);
        writers.forEach(RetryingWriter::stop);
        for (Thread t : writing) {
          t.join(40_000);
        }
        dns = prober.stop();
      }
      List<SippLoad.Stats> calls = new ArrayList<>();
      for (SippLoad l : loads) {
        calls.add(l.stop(Duration.ofSeconds(30)));
      }
      List<RetryingWriter.Write> writes = writes(writers);
      int answers503 = writers.stream().mapToInt(RetryingWriter::retried503).sum();
      System.out.printf("DNS: %s%ncalls: %s%ncalls completed while PostgreSQL was down: %s%n"
          + "API while down: %s%nAPI back %d ms after PostgreSQL; %d writes, %d answers 503%n",
          dns, calls, okDuringOutage, duringOutage, recovery.toMillis(), writes.size(), answers503);

      // Every check is made and reported, so that one failure does not hide the others.
      SoftAssertions soft = new SoftAssertions();

      // DNS and SIP went on.
      for (DnsProber.Report r : dns) {
        soft.assertThat(r.unanswered()).as("DNS queries unanswered after one retry, %s", r.target()).isEmpty();
        soft.assertThat(r.wrong()).as("wrong DNS answers, %s", r.target()).isEmpty();
        soft.assertThat(r.queries()).as("DNS queries to %s", r.target()).isGreaterThan(100);
      }
      for (SippLoad.Stats s : calls) {
        soft.assertThat(s.failed()).as("failed calls: %s", s).isZero();
        soft.assertThat(s.successful()).as("%s", s).isPositive();
      }
      okDuringOutage.forEach((load, ok) ->
          soft.assertThat(ok).as("calls of %s completed while PostgreSQL was down", load).isPositive());

      // The API said 503, with Retry-After and the Azure error body, all the while, and came back.
      soft.assertThat(duringOutage).as("API answers while PostgreSQL was down").isNotEmpty();
      for (Seen s : duringOutage) {
        soft.assertThat(s.status()).as("%s", s).isEqualTo(503);
        soft.assertThat(s.retryAfter()).as("Retry-After of %s", s).isNotBlank();
        soft.assertThat(s.code()).as("%s", s).isEqualTo("ServiceUnavailable");
        soft.assertThat(s.ready()).as("/health/ready while PostgreSQL is down (README: an outage alone does not fail"
            + " it): %s", s).isEqualTo(200);
      }
      soft.assertThat(recovery).as("API back after PostgreSQL").isLessThan(Duration.ofSeconds(20));

      // Every write was answered 201 in the end (a 200 would mean a retry ran it a second time).
      soft.assertThat(answers503).as("503 answers the writers met").isPositive();
      soft.assertThat(writes.stream().filter(w -> w.finalStatus() != 201).map(RetryingWriter.Write::summary))
          .as("writes not answered 201 in the end").isEmpty();
      List<String> attempted = writes.stream().map(RetryingWriter.Write::account).sorted().toList();
      Map<String, String> acknowledged = tokensOf(writes.stream().filter(w -> w.finalStatus() == 201)
          .map(RetryingWriter.Write::account).toList());

      // PostgreSQL, every node's API and every node's DNS agree, and hold every acknowledged write
      // once: one change-log entry each, no gap in the change log.
      awaitEveryNodeAtHead(cluster);
      Map<String, String> stored = storedWriterAccounts(pg);
      soft.assertThat(stored).as("accounts w* in PostgreSQL").containsAllEntriesOf(acknowledged);
      soft.assertThat(attempted).as("accounts w* written").containsAll(stored.keySet());
      assertChangeLogGapFreeWithOneEntryPerAccount(soft, pg, cluster.headSeq(), stored.keySet());
      for (Node n : cluster.nodes()) {
        soft.assertThat(apiWriterAccounts(n)).as("accounts w* through the API of %s", n).isEqualTo(stored);
        List<String> wrong = new ArrayList<>();
        for (String a : attempted) {
          for (int region : List.of(1, 2)) {
            List<String> txt = Provisioning.txt(n, subdomain(a, region));
            List<String> expected = stored.containsKey(a) ? List.of("MS=" + a + "-" + region) : List.of();
            if (!txt.equals(expected)) {
              wrong.add(subdomain(a, region) + " " + txt + ", expected " + expected);
            }
          }
        }
        soft.assertThat(wrong).as("DNS of %s disagreeing with PostgreSQL", n).isEmpty();
      }
      soft.assertAll();
    }
  }

  private static List<RetryingWriter.Write> writes(List<RetryingWriter> writers) {
    return writers.stream().flatMap(w -> w.writes().stream()).toList();
  }

  static void provisionProbe(Cluster cluster) {
    ApiClient api = cluster.nodes().get(0).api();
    assertThat(api.put("/accounts/probe", account("probe", "MS=probe-1", "MS=probe-2")).status()).isEqualTo(201);
    assertThat(api.put("/accounts/probe/numbers/%2B" + CALLED.substring(1), Provisioning.number()).status())
        .isEqualTo(201);
    for (Node n : cluster.nodes()) {
      await("probe provisioned on " + n).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> Provisioning.txt(n, subdomain("probe", 1)).equals(List.of("MS=probe-1"))
              && n.api().get("/accounts/probe/numbers/%2B" + CALLED.substring(1)).json()
                  .path("serviceProvisioningStatus").asText().equals("synced"));
    }
  }

  /** Waits until every node reports (GET /nodes, through itself) that it applied the change log's head. */
  static void awaitEveryNodeAtHead(Cluster cluster) {
    long head = cluster.headSeq();
    for (Node n : cluster.nodes()) {
      await(n + " at the head " + head).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(() -> appliedSeq(n) == head);
    }
  }

  /** The node's own appliedSeq in GET /nodes. */
  static long appliedSeq(Node n) {
    for (JsonNode entry : n.nodesView()) {
      if (entry.path("name").asText().equals(n.name())) {
        return entry.path("appliedSeq").asLong();
      }
    }
    throw new AssertionError(n + " is not in its own GET /nodes: " + n.nodesView());
  }

  private static Map<String, String> tokensOf(List<String> accounts) {
    Map<String, String> m = new TreeMap<>();
    accounts.forEach(a -> m.put(a, "MS=" + a + "-1 MS=" + a + "-2"));
    return m;
  }

  private static Map<String, String> storedWriterAccounts(StoppablePostgres pg) throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (Connection c = pg.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(
            "SELECT name, region1_token, region2_token FROM accounts WHERE name LIKE 'w%'")) {
      while (r.next()) {
        m.put(r.getString(1), r.getString(2) + " " + r.getString(3));
      }
    }
    return m;
  }

  private static Map<String, String> apiWriterAccounts(Node n) {
    Map<String, String> m = new TreeMap<>();
    for (JsonNode page : n.api().pages("/accounts?maxpagesize=500", 100)) {
      for (JsonNode a : page.path("value")) {
        String name = a.path("name").asText();
        if (name.startsWith("w")) {
          JsonNode tokens = a.at("/serviceDetails/teamsDirectRouting/configuration/subdomainTokens");
          m.put(name, tokens.path("region1Token").asText() + " " + tokens.path("region2Token").asText());
        }
      }
    }
    return m;
  }

  private static void assertChangeLogGapFreeWithOneEntryPerAccount(SoftAssertions soft, StoppablePostgres pg,
      long head, Set<String> accounts) throws Exception {
    try (Connection c = pg.connect(); Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT count(*), min(seq), max(seq) FROM change_log")) {
        r.next();
        long count = r.getLong(1);
        long min = r.getLong(2);
        long max = r.getLong(3);
        soft.assertThat(min).as("first seq").isEqualTo(1);
        soft.assertThat(max).as("last seq = change_head").isEqualTo(head);
        soft.assertThat(count).as("rows of change_log (seq %d..%d): gap-free", min, max).isEqualTo(max - min + 1);
      }
      Map<String, Long> perAccount = new TreeMap<>();
      try (ResultSet r = s.executeQuery(
          "SELECT account_name, count(*) FROM change_log WHERE account_name LIKE 'w%' GROUP BY account_name")) {
        while (r.next()) {
          perAccount.put(r.getString(1), r.getLong(2));
        }
      }
      soft.assertThat(perAccount).as("change_log entries per written account")
          .isEqualTo(accounts.stream().collect(Collectors.toMap(a -> a, a -> 1L, (x, y) -> x, TreeMap::new)));
    }
  }
}
