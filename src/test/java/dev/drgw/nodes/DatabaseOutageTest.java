package dev.drgw.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.PortalClient;
import dev.drgw.testing.TcpProxy;
import dev.drgw.testing.TestPostgres;
import dev.drgw.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The whole server on a real PostgreSQL reached through a TCP relay that the test cuts: while the
 * database is gone DNS answers from the snapshot, readiness holds, the API and the portal answer
 * 503 with Retry-After and lose nothing; once it is back everything works again by itself.
 */
class DatabaseOutageTest {

  private static final Pattern PORT = Pattern.compile("//([^:/]+):(\\d+)/");

  private static String account(String label, String token) {
    return """
        {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
          "configuration": {"subdomain": "%s", "subdomainTokens": {"region1Token": "%s", "region2Token": "MS=r2"}}}}}
        """.formatted(label, token);
  }

  @Test
  void dnsServesOnAndTheApiAnswers503UntilTheDatabaseIsBack() throws Exception {
    String url = TestPostgres.newDatabase();
    Matcher m = PORT.matcher(url);
    assertThat(m.find()).isTrue();
    try (TcpProxy proxy = new TcpProxy(Integer.parseInt(m.group(2)));
        TestServer server = TestServer.start(Map.of(
            "DRGW_DB_URL", m.replaceFirst("//127.0.0.1:" + proxy.port() + "/"),
            "DRGW_DB_USER", TestPostgres.user(),
            "DRGW_NODE_NAME", "outage-1"))) {
      ApiClient api = server.client(Role.ADMIN);
      assertThat(api.put("/accounts/before", account("before", "MS=before")).status()).isEqualTo(201);
      SimpleResolver dns = new SimpleResolver("127.0.0.1");
      dns.setPort(server.dnsPort());
      dns.setTimeout(Duration.ofSeconds(1));
      await().atMost(Duration.ofSeconds(2)).until(() -> txt(dns, "before.1r1.gw.example.net.").equals(List.of("MS=before")));

      PortalClient portal = new PortalClient(server.baseUrl());
      assertThat(portal.signIn("admin", server.initialAdminPassword()).status()).isEqualTo(302);
      assertThat(portal.get("/portal/accounts").status()).isEqualTo(200);

      proxy.cut();

      long start = System.nanoTime();
      ApiClient.Response refused = api.put("/accounts/during", account("during", "MS=during"));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.errorCode()).isEqualTo("ServiceUnavailable");
      assertThat(refused.header("Retry-After")).isEqualTo("5");
      assertThat(refused.json().at("/error/message").asText()).contains("database is unavailable");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails within the pool's connect timeout")
          .isLessThan(Duration.ofSeconds(15));
      ApiClient.Response read = api.get("/accounts/before");
      assertThat(read.status()).isEqualTo(503);
      assertThat(read.header("Retry-After")).isEqualTo("5");

      PortalClient.Response page = portal.get("/portal/accounts");
      assertThat(page.status()).isEqualTo(503);
      assertThat(page.header("Retry-After")).isEqualTo("5");
      assertThat(page.body()).contains("database is unavailable");
      PortalClient.Response save = portal.post("/portal/accounts", Map.of("name", "portal-during"));
      assertThat(save.status()).isEqualTo(503);
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest readiness = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health/ready")).build();
      // The database's state is the last heartbeat's: within a heartbeat and the pool's timeout.
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
        HttpResponse<String> ready = http.send(readiness, HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"database\":\"down\"");
      });
      long askedAt = System.nanoTime();
      assertThat(http.send(readiness, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - askedAt)).as("readiness answers at once")
          .isLessThan(Duration.ofSeconds(1));
      for (int i = 0; i < 20; i++) {
        assertThat(txt(dns, "before.1r1.gw.example.net.")).containsExactly("MS=before");
      }

      proxy.restore();

      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .until(() -> api.put("/accounts/after", account("after", "MS=after")).status() == 201);
      await().atMost(Duration.ofSeconds(2)).until(() -> txt(dns, "after.1r1.gw.example.net.").equals(List.of("MS=after")));
      assertThat(api.get("/accounts/during").status()).as("the refused write did not happen").isEqualTo(404);
      assertThat(api.get("/accounts/portal-during").status()).isEqualTo(404);
      assertThat(portal.get("/portal/accounts").status()).isEqualTo(200);
      assertThat(txt(dns, "during.1r1.gw.example.net.")).isEmpty();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(api.get("/accounts/after").json().path("serviceProvisioningStatus").asText()).isEqualTo("synced"));
    }
  }

  private static List<String> txt(SimpleResolver dns, String name) throws Exception {
    Message answer = dns.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.TXT, DClass.IN)));
    return answer.getSection(Section.ANSWER).stream().map(r -> ((TXTRecord) r).getStrings().get(0)).toList();
  }
}
