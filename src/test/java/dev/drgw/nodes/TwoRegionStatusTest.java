package dev.drgw.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.PortalClient;
import dev.drgw.testing.TestPostgres;
import dev.drgw.testing.TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two nodes, one per region, in one process each sharing a real PostgreSQL database: status is
 * derived from both regions' nodes, shown per region, and a region whose node stopped keeps new
 * changes {@code inconsistent}/{@code pending} until it is back.
 */
class TwoRegionStatusTest {

  private static String account(String label) {
    return """
        {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
          "configuration": {"subdomain": "%s", "subdomainTokens": {"region1Token": "MS=a", "region2Token": "MS=b"}}}}}
        """.formatted(label);
  }

  private static Map<String, String> node(String url, String name, int region) {
    Map<String, String> env = new HashMap<>();
    env.put("DRGW_DB_URL", url);
    env.put("DRGW_DB_USER", TestPostgres.user());
    env.put("DRGW_NODE_NAME", name);
    env.put("DRGW_NODE_REGION", Integer.toString(region));
    env.put("DRGW_NODE_HEARTBEAT_INTERVAL", "200ms");
    env.put("DRGW_NODE_STALE_AFTER", "2s");
    return env;
  }

  private static String status(JsonNode account) {
    return account.at("/serviceDetails/teamsDirectRouting/subdomainStatus").asText() + "/"
        + account.path("serviceProvisioningStatus").asText();
  }

  @Test
  void statusSpansBothRegionsAndARegionWithoutLiveNodesLags() {
    String url = TestPostgres.newDatabase();
    try (TestServer r1 = TestServer.start(node(url, "r1-a", 1))) {
      TestServer r2 = TestServer.start(node(url, "r2-a", 2));
      try {
        ApiClient api1 = r1.client(Role.ADMIN);
        ApiClient api2 = r2.client(Role.ADMIN);

        assertThat(api1.put("/accounts/both", account("both")).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
          JsonNode a = api2.get("/accounts/both").json();
          assertThat(status(a)).isEqualTo("provisioned/synced");
          assertThat(a.at("/regionStatus/region1/serviceProvisioningStatus").asText()).isEqualTo("synced");
          assertThat(a.at("/regionStatus/region2/subdomainStatus").asText()).isEqualTo("provisioned");
          assertThat(a.at("/regionStatus/region2/liveNodes").asInt()).isEqualTo(1);
        });
        JsonNode nodes = api1.get("/nodes").json().path("value");
        assertThat(nodes).hasSize(2);
        assertThat(nodes.get(0).path("name").asText()).isEqualTo("r1-a");
        assertThat(nodes.get(1).path("region").asInt()).isEqualTo(2);
        assertThat(nodes.get(1).path("live").asBoolean()).isTrue();

        r2.close();
        assertThat(api1.put("/accounts/late", account("late")).status()).isEqualTo(201);
        // Right after the stop region 2's node still counts as live (until DRGW_NODE_STALE_AFTER)
        // but has not applied the change; afterwards it counts with no live node. Either way:
        for (int i = 0; i < 15; i++) {
          JsonNode late = api1.get("/accounts/late").json();
          assertThat(status(late)).isEqualTo("inconsistent/pending");
          assertThat(late.at("/regionStatus/region1/subdomainStatus").asText()).isEqualTo("provisioned");
          assertThat(late.at("/regionStatus/region2/subdomainStatus").asText()).isEqualTo("inconsistent");
          sleep(200);
        }
        assertThat(api1.get("/accounts/late").json().at("/regionStatus/region2/liveNodes").asInt()).isZero();
        assertThat(api1.get("/nodes").json().path("value").get(1).path("live").asBoolean()).isFalse();
        PortalClient portal = new PortalClient(r1.baseUrl());
        assertThat(portal.signIn("admin", r1.initialAdminPassword()).status()).isEqualTo(302);
        String page = portal.get("/portal/accounts/late").body();
        assertThat(page).containsPattern("data-region=\"1\">provisioned<")
            .containsPattern("data-region=\"2\">inconsistent<")
            .containsPattern("data-live-nodes=\"1\">1<")
            .containsPattern("data-live-nodes=\"2\">0<");

        r2 = TestServer.start(node(url, "r2-a", 2));
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
            assertThat(status(api1.get("/accounts/late").json())).isEqualTo("provisioned/synced"));
        assertThat(api1.get("/nodes").json().path("value")).hasSize(2);
      } finally {
        r2.close();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
