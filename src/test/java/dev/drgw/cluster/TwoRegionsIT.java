package dev.drgw.cluster;

import static dev.drgw.cluster.Provisioning.account;
import static dev.drgw.cluster.Provisioning.awaitTxt;
import static dev.drgw.cluster.Provisioning.get;
import static dev.drgw.cluster.Provisioning.status;
import static dev.drgw.cluster.Provisioning.subdomain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.Cluster;
import dev.drgw.testing.Cluster.Node;
import dev.drgw.testing.Cluster.NodeSpec;
import dev.drgw.testing.ClusterWatch;
import dev.drgw.testing.StoppablePostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two regions of two nodes each on one PostgreSQL: a change made through any node's API is
 * answered by every node's DNS within 2 s, and its status goes from pending to synced; with both
 * nodes of region 2 stopped, new changes are inconsistent until one of them is back.
 */
class TwoRegionsIT {

  private static final Duration PROPAGATION = Duration.ofSeconds(2);
  /** DRGW_NODE_STALE_AFTER of {@link Cluster#defaultSettings()} (3 s), plus heartbeats and slack. */
  private static final Duration STALE = Duration.ofSeconds(8);

  @RegisterExtension final ClusterWatch watch = new ClusterWatch();

  @Test
  void changesReachEveryRegionAndStatusTellsWhenARegionIsMissing() {
    try (StoppablePostgres pg = StoppablePostgres.start();
        Cluster cluster = watch.watch(Cluster.start(pg, Optional.empty(), Cluster.defaultSettings(), List.of(
            new NodeSpec("r1a", 1), new NodeSpec("r1b", 1), new NodeSpec("r2a", 2), new NodeSpec("r2b", 2))))) {

      JsonNode nodes = cluster.node("r1a").nodesView();
      assertThat(nodes).as("GET /nodes: %s", nodes).hasSize(4)
          .allSatisfy(n -> assertThat(n.path("live").asBoolean()).as("live: %s", n).isTrue());

      // Through every node in turn: a new account, then a new token for it; every node's DNS
      // answers each change within 2 s of the API's answer.
      List<String> slow = new ArrayList<>();
      List<String> measured = new ArrayList<>();
      List<String> syncedTooEarly = new ArrayList<>();
      List<String> putAnswers = new ArrayList<>();
      for (Node writer : cluster.nodes()) {
        ApiClient api = writer.api();
        String label = "via-" + writer.name();
        for (String version : List.of("v1", "v2")) {
          String t1 = "MS=" + label + "-" + version + "-1";
          String t2 = "MS=" + label + "-" + version + "-2";
          long sent = System.nanoTime();
          ApiClient.Response put = api.put("/accounts/" + label, account(label, t1, t2));
          long acknowledged = System.nanoTime();
          assertThat(put.status()).as("PUT through %s: %s", writer, put).isIn(200, 201);
          List<String> statuses = new ArrayList<>(List.of(status(put.json())));
          putAnswers.add(label + " " + version + ": " + statuses.get(0) + " after "
              + (acknowledged - sent) / 1_000_000 + " ms");
          boolean claimsSynced = statuses.get(0).endsWith("/synced");
          for (Node reader : cluster.nodes()) {
            for (int region : List.of(1, 2)) {
              String name = subdomain(label, region);
              String token = region == 1 ? t1 : t2;
              boolean servedAlready = Provisioning.txt(reader, name).equals(List.of(token));
              Optional<Duration> took = awaitTxt(reader, name, token, acknowledged, Duration.ofSeconds(10));
              String line = writer + " -> " + reader + " " + name + " " + token + ": "
                  + took.map(d -> d.toMillis() + " ms").orElse("not within 10 s");
              measured.add(line);
              if (claimsSynced && !servedAlready) {
                syncedTooEarly.add(line);
              }
              if (took.isEmpty() || took.get().compareTo(PROPAGATION) > 0) {
                slow.add(line);
              }
            }
          }
          await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            statuses.add(status(get(api, "/accounts/" + label)));
            return statuses.get(statuses.size() - 1).equals("provisioned/synced");
          });
          assertThat(statuses).as("statuses seen").noneMatch(s -> s.endsWith("/failed"));
        }
      }
      System.out.println("PUT answers: " + putAnswers);
      // The API answers once the change is committed; it may be served everywhere by then (and say
      // so), but usually is not, and then the answer must say pending.
      assertThat(syncedTooEarly).as("served by a node after its PUT answer said synced").isEmpty();
      assertThat(putAnswers).as("PUT answers").anyMatch(a -> a.contains("/pending after"));
      System.out.println("DNS propagation, from the API's answer:\n  " + String.join("\n  ", measured));
      assertThat(slow).as("changes not answered by a node's DNS within %s", PROPAGATION).isEmpty();

      JsonNode settled = get(cluster.node("r2b").api(), "/accounts/via-r1a");
      for (String region : List.of("region1", "region2")) {
        JsonNode rs = settled.path("regionStatus").path(region);
        assertThat(rs.path("subdomainStatus").asText()).as("%s of %s", region, settled).isEqualTo("provisioned");
        assertThat(rs.path("serviceProvisioningStatus").asText()).as("%s", rs).isEqualTo("synced");
        assertThat(rs.path("liveNodes").asInt()).as("%s", rs).isEqualTo(2);
      }
      long head = cluster.headSeq();
      // GET /nodes is the registry as this node last read it: one heartbeat old at most.
      await("GET /nodes through r1a: every node at the head " + head).atMost(Duration.ofSeconds(2))
          .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(cluster.node("r1a").nodesView())
              .allSatisfy(n -> assertThat(n.path("appliedSeq").asLong()).as("%s", n).isEqualTo(head)));

      // Region 2 goes away: new changes are inconsistent, and stay so while it is away.
      for (Node n : cluster.region(2)) {
        n.stop();
      }
      Node r1a = cluster.node("r1a");
      await("region 2 no longer live in GET /nodes").atMost(STALE).pollInterval(Duration.ofMillis(200))
          .until(() -> liveNodes(r1a, 2) == 0);
      ApiClient api = r1a.api();
      ApiClient.Response put = api.put("/accounts/via-r1a",
          account("via-r1a", "MS=alone-1", "MS=alone-2"));
      long acknowledged = System.nanoTime();
      assertThat(put.status()).as("%s", put).isEqualTo(200);
      for (Node reader : cluster.region(1)) {
        assertThat(awaitTxt(reader, subdomain("via-r1a", 1), "MS=alone-1", acknowledged, PROPAGATION))
            .as("region 1 node %s answers the change within %s", reader, PROPAGATION).isPresent();
      }
      // Each node reads the others' progress once a heartbeat: allow two of them for region 1's
      // nodes to learn that region 1 has the change.
      for (Node reader : cluster.region(1)) {
        List<String> seen = new ArrayList<>();
        await("the change inconsistent through " + reader).atMost(Duration.ofSeconds(1))
            .pollInterval(Duration.ofMillis(20)).until(() -> {
              seen.add(status(get(reader.api(), "/accounts/via-r1a")));
              return seen.get(seen.size() - 1).startsWith("inconsistent/");
            });
        System.out.println("statuses through " + reader + " with region 2 down, after region 1's DNS answered: "
            + seen);
      }
      long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < until) {
        for (Node reader : cluster.region(1)) {
          JsonNode a = get(reader.api(), "/accounts/via-r1a");
          assertThat(a.at("/serviceDetails/teamsDirectRouting/subdomainStatus").asText())
              .as("subdomainStatus through %s with region 2 down: %s", reader, a).isEqualTo("inconsistent");
          assertThat(a.path("serviceProvisioningStatus").asText())
              .as("serviceProvisioningStatus through %s with region 2 down", reader).isNotEqualTo("synced");
        }
        Provisioning.sleep(200);
      }
      JsonNode alone = get(api, "/accounts/via-r1a").path("regionStatus");
      assertThat(alone.path("region1").path("subdomainStatus").asText()).as("%s", alone).isEqualTo("provisioned");
      assertThat(alone.path("region2").path("liveNodes").asInt()).as("%s", alone).isZero();
      assertThat(alone.path("region2").path("subdomainStatus").asText()).as("%s", alone).isNotEqualTo("provisioned");

      // One node of region 2 is back: it catches up, and the change is provisioned and synced.
      Node back = cluster.node("r2a");
      back.start();
      await("provisioned/synced once r2a is back").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> status(get(api, "/accounts/via-r1a")).equals("provisioned/synced"));
      assertThat(Provisioning.txt(back, subdomain("via-r1a", 2))).containsExactly("MS=alone-2");
      assertThat(liveNodes(r1a, 2)).isEqualTo(1);
      assertThat(get(api, "/accounts/via-r1a").path("regionStatus").path("region2").path("liveNodes").asInt())
          .isEqualTo(1);
    }
  }

  private static long liveNodes(Node through, int region) {
    JsonNode nodes = through.nodesView();
    long live = 0;
    for (JsonNode n : nodes) {
      if (n.path("region").asInt() == region && n.path("live").asBoolean()) {
        live++;
      }
    }
    return live;
  }
}
