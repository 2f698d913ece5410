package dev.drgw.api;

import static dev.drgw.testing.ApiClient.withoutStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.ApiClient.Response;
import dev.drgw.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What operators rely on: health, metrics, the OpenAPI document, and data across a restart. */
class OperationsApiTest {

  private static final String TENANT = "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11";
  private static final String REQUESTS = "drgw_http_server_requests_seconds_count";
  private static final Pattern SERIES =
      Pattern.compile("^" + REQUESTS + "\\{(.*)\\} (\\S+)$", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void livenessAnswersWithoutAToken() throws Exception {
    Response r = server.anonymous().send("GET", "/health/live", null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.json()).isEqualTo(JSON.readTree("{\"status\":\"up\"}"));
  }

  @Test
  void readinessReportsTheDatabaseUp() {
    Response r = server.anonymous().send("GET", "/health/ready", null);

    assertThat(r.status()).as("%s", r).isEqualTo(200);
    assertThat(r.json().path("status").asText()).isEqualTo("ready");
    assertThat(r.json().at("/checks/database").asText()).isEqualTo("up");
  }

  @Test
  void metricsCountRequestsByMethodRouteTemplateAndStatus() {
    String name = uniqueName();
    String missing = uniqueName();
    String number = "+4930" + String.format("%08d", SEQUENCE.incrementAndGet());
    ApiClient admin = server.client(Role.ADMIN);
    assertThat(admin.put("/accounts/" + name, accountBody(name)).status()).isEqualTo(201);
    assertThat(admin.get("/accounts/" + name).status()).isEqualTo(200);
    assertThat(admin.get("/accounts/" + name).status()).isEqualTo(200);
    assertThat(admin.get("/accounts/" + missing).status()).isEqualTo(404);
    assertThat(admin.put(numberPath(name, number), numberBody(name, number)).status()).isEqualTo(201);
    assertThat(admin.post("/accounts/" + name + ":createOrUpdateNumbers",
        "{\"numbers\":[" + numberBody(name, number) + "]}").status()).isEqualTo(200);
    assertThat(admin.get("/no/such/" + name).status()).isEqualTo(404);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Response scrape = server.anonymous().send("GET", "/metrics", null);
              assertThat(scrape.status()).isEqualTo(200);
              assertThat(scrape.header("Content-Type")).startsWith("text/plain");
              Map<List<String>, Double> counts = requestCounts(scrape.body());
              assertCounted(counts, "PUT", "/accounts/{accountName}", "201", 1);
              assertCounted(counts, "GET", "/accounts/{accountName}", "200", 2);
              assertCounted(counts, "GET", "/accounts/{accountName}", "404", 1);
              assertCounted(counts, "PUT", "/accounts/{accountName}/numbers/{telephoneNumber}", "201", 1);
              assertCounted(counts, "POST", "/accounts/{accountName}:createOrUpdateNumbers", "200", 1);
              assertCounted(counts, "GET", "unmatched", "404", 1);
              assertThat(scrape.body())
                  .as("routes are templates, never concrete names")
                  .doesNotContain(name)
                  .doesNotContain(missing)
                  .doesNotContain(number.substring(1));
            });
  }

  @Test
  void theOpenApiDocumentIsServedWithoutAToken() {
    Response r = server.anonymous().send("GET", "/openapi.json", null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(r.json().path("openapi").asText()).startsWith("3.");
    assertThat(r.json().at("/info/version").asText()).isEqualTo("2024-02-29-preview");
    assertThat(r.json().path("paths").has("/accounts/{accountName}")).isTrue();
    assertThat(r.json().path("paths").has("/numbers")).isTrue();
  }

  @Test
  void dataSurvivesARestart() {
    try (TestServer own = TestServer.start(Map.of())) {
      String name = uniqueName();
      ApiClient admin = own.client(Role.ADMIN);
      Response account = admin.put("/accounts/" + name, accountBody(name));
      assertThat(account.status()).as("%s", account).isEqualTo(201);
      List<String> numbers = new ArrayList<>();
      Map<String, Response> before = new LinkedHashMap<>();
      for (int i = 0; i < 3; i++) {
        String n = "+4940" + String.format("%08d", SEQUENCE.incrementAndGet());
        numbers.add(n);
        assertThat(admin.put(numberPath(name, n), numberBody(name, n)).status()).isEqualTo(201);
        before.put(n, admin.get(numberPath(name, n)));
      }
      Response accountBefore = admin.get("/accounts/" + name);

      own.restart();
      ApiClient after = own.client(Role.ADMIN);

      Response accountAfter = after.get("/accounts/" + name);
      assertThat(accountAfter.status()).as("%s", accountAfter).isEqualTo(200);
      assertThat(accountAfter.header("ETag")).isEqualTo(account.header("ETag"));
      assertThat(withoutStatus(accountAfter.json())).isEqualTo(withoutStatus(accountBefore.json()));
      for (String n : numbers) {
        Response r = after.get(numberPath(name, n));
        assertThat(r.status()).as("%s: %s", n, r).isEqualTo(200);
        assertThat(r.header("ETag")).isEqualTo(before.get(n).header("ETag"));
        assertThat(withoutStatus(r.json())).isEqualTo(withoutStatus(before.get(n).json()));
      }
      Response listed = after.get("/accounts/" + name + "/numbers");
      assertThat(listed.json().path("value")).hasSize(3);
    }
  }

  // --- helpers

  private static void assertCounted(
      Map<List<String>, Double> counts, String method, String route, String status, int atLeast) {
    List<String> series = List.of(method, route, status);
    assertThat(counts.getOrDefault(series, 0.0))
        .as("requests counted for %s among %s", series, counts.keySet())
        .isGreaterThanOrEqualTo(atLeast);
  }

  /** {@code [method, route, status]} → count, from the Prometheus text. */
  private static Map<List<String>, Double> requestCounts(String prometheus) {
    Map<List<String>, Double> counts = new LinkedHashMap<>();
    Matcher series = SERIES.matcher(prometheus);
    while (series.find()) {
      Map<String, String> labels = new LinkedHashMap<>();
      Matcher label = LABEL.matcher(series.group(1));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
      counts.put(
          List.of(labels.get("method"), labels.get("route"), labels.get("status")),
          Double.parseDouble(series.group(2)));
    }
    return counts;
  }

  private static String uniqueName() {
    return "ops-" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String numberPath(String account, String number) {
    return "/accounts/" + account + "/numbers/" + number.replace("+", "%2B");
  }

  private static String accountBody(String name) {
    return """
        {"name":"%s","correlationId":"crm-1","serviceDetails":{"teamsTenantId":"%s",
         "teamsDirectRouting":{"syncEnabled":false,"enabled":false}}}
        """
        .formatted(name, TENANT);
  }

  private static String numberBody(String account, String number) {
    return """
        {"telephoneNumber":"%s","accountName":"%s",
         "serviceDetails":{"teamsDirectRouting":{"enabled":false}},
         "configuration":{"customSipHeader":"gold"}}
        """
        .formatted(number, account);
  }
}
