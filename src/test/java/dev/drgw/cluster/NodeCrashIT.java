package dev.drgw.cluster;

import static dev.drgw.cluster.DatabaseOutageIT.CALLED;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of one node of four while a bulk import runs through it and calls run through
 * every node: the other nodes go on answering DNS and carrying calls, every batch the killed node
 * acknowledged is stored, and the node started again catches up with what happened meanwhile.
 */
class NodeCrashIT {

  private static final int IMPORTERS = 4;
  private static final int LONG_CALLS = 3;

  @RegisterExtension final ClusterWatch watch = new ClusterWatch();

  @Test
  void theOthersServeNothingAcknowledgedIsLostAndTheRestartedNodeCatchesUp() throws Exception {
    try (StoppablePostgres pg = StoppablePostgres.start();
        MicrosoftSide microsoft = watch.watch(MicrosoftSide.start());
        Cluster cluster = watch.watch(Cluster.start(pg, Optional.of(microsoft), Cluster.defaultSettings(), List.of(
            new NodeSpec("r1a", 1), new NodeSpec("r1b", 1), new NodeSpec("r2a", 2), new NodeSpec("r2b", 2))))) {
      Node victim = cluster.node("r1b");
      List<Node> others = cluster.nodes().stream().filter(n -> n != victim).toList();
      DatabaseOutageIT.provisionProbe(cluster);
      ApiClient admin = cluster.node("r1a").api();
      assertThat(admin.put("/accounts/bulk", account("bulk", "MS=bulk-1", "MS=bulk-2")).status()).isEqualTo(201);

      List<SippLoad> shortCalls = new ArrayList<>();
      List<SippLoad> longCalls = new ArrayList<>();
      Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
      List<DnsProber.Report> dns;
      try (DnsProber prober = DnsProber.start(Cluster.dnsTargets(cluster.nodes()), subdomain("probe", 1),
          "MS=probe-1", DnsProber.Retry.SAME_SERVER)) {
        for (Node n : cluster.nodes()) {
          shortCalls.add(watch.watch(SippLoad.operatorCalls("calls-" + n.name(), n.operatorSipPort(), CALLED, 3,
              Duration.ofMillis(300), 0)));
          longCalls.add(watch.watch(SippLoad.operatorCalls("long-" + n.name(), n.operatorSipPort(), CALLED, 10,
              Duration.ofSeconds(15), LONG_CALLS)));
        }

        // Batches of 100 through the victim, several in flight, until it is killed.
        AtomicInteger nextBatch = new AtomicInteger();
        ExecutorService importers = Executors.newFixedThreadPool(IMPORTERS);
        ApiClient viaVictim = victim.api();
        for (int i = 0; i < IMPORTERS; i++) {
          importers.submit(() -> {
            while (true) {
              int batch = nextBatch.getAndIncrement();
              try {
                if (viaVictim.post("/accounts/bulk:createOrUpdateNumbers", Provisioning.batch(batch)).status()
                    == 200) {
                  acknowledged.add(batch);
                }
              } catch (RuntimeException connectionLost) {
                return;
              }
            }
          });
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 20);
        victim.kill();
        importers.shutdown();
        assertThat(importers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        // Changes the victim misses while it is down.
        assertThat(admin.put("/accounts/bulk", account("bulk", "MS=after-kill-1", "MS=after-kill-2")).status())
            .isEqualTo(200);
        int late = nextBatch.getAndIncrement();
        assertThat(cluster.node("r2a").api().post("/accounts/bulk:createOrUpdateNumbers", Provisioning.batch(late))
            .status()).isEqualTo(200);
        acknowledged.add(late);
        Provisioning.sleep(3_000);

        victim.start();
        dns = prober.stop();
      }
      List<SippLoad.Stats> calls = new ArrayList<>();
      for (SippLoad l : shortCalls) {
        calls.add(l.stop(Duration.ofSeconds(30)));
      }
      List<SippLoad.Stats> held = new ArrayList<>();
      for (SippLoad l : longCalls) {
        held.add(l.finish(Duration.ofSeconds(40)));
      }
      System.out.printf("DNS: %s%ncalls: %s%nlong calls: %s%nacknowledged batches: %d%n", dns, calls, held,
          acknowledged.size());

      // The other nodes went on serving.
      for (Node n : others) {
        DnsProber.Report r = dns.stream().filter(x -> x.target().equals(n.name())).findFirst().orElseThrow();
        assertThat(r.unanswered()).as("DNS queries to %s unanswered after one retry", n).isEmpty();
        assertThat(r.wrong()).as("wrong DNS answers from %s", n).isEmpty();
        SippLoad.Stats s = calls.stream().filter(x -> x.name().equals("calls-" + n.name())).findFirst().orElseThrow();
        assertThat(s.failed()).as("failed calls through %s: %s", n, s).isZero();
        assertThat(s.successful()).as("%s", s).isPositive();
        SippLoad.Stats l = held.stream().filter(x -> x.name().equals("long-" + n.name())).findFirst().orElseThrow();
        assertThat(l.successful()).as("long calls through %s that lasted: %s", n, l).isEqualTo(LONG_CALLS);
      }

      // Nothing acknowledged was lost, and no batch is stored in part.
      Map<Integer, Integer> stored = storedPerBatch(pg);
      for (int batch : acknowledged) {
        assertThat(stored.get(batch)).as("numbers of acknowledged batch %d in PostgreSQL", batch).isEqualTo(100);
      }
      assertThat(stored.values()).as("every stored batch is whole").allMatch(n -> n == 100);
      long storedNumbers = stored.values().stream().mapToLong(Integer::longValue).sum();

      // The restarted node caught up: it applied the change log's head, its DNS answers the change
      // made while it was down, and its API counts every number.
      await("the restarted node at the head").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
          .until(() -> DatabaseOutageIT.appliedSeq(victim) == cluster.headSeq());
      assertThat(Provisioning.txt(victim, subdomain("bulk", 1))).containsExactly("MS=after-kill-1");
      assertThat(Provisioning.txt(victim, subdomain("bulk", 2))).containsExactly("MS=after-kill-2");
      JsonNode bulk = Provisioning.get(victim.api(), "/accounts/bulk");
      assertThat(bulk.at("/serviceDetails/teamsDirectRouting/numberCount").asLong()).isEqualTo(storedNumbers);
      for (Node n : cluster.nodes()) {
        assertThat(DatabaseOutageIT.appliedSeq(n)).as("appliedSeq of %s", n).isEqualTo(cluster.headSeq());
      }
    }
  }

  private static Map<Integer, Integer> storedPerBatch(StoppablePostgres pg) throws Exception {
    Map<Integer, Integer> perBatch = new TreeMap<>();
    try (Connection c = pg.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT telephone_number FROM numbers WHERE account_name = 'bulk'")) {
      while (r.next()) {
        perBatch.merge(Provisioning.batchOf(r.getString(1)), 1, Integer::sum);
      }
    }
    return perBatch;
  }
}
