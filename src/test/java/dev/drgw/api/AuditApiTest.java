package dev.drgw.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.ApiClient.Response;
import dev.drgw.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code GET /audit}, the audit trail (an extension beyond ACG), over loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestServer server;
  private ApiClient admin;
  private Instant beforeAll;

  @BeforeAll
  void start() {
    server = TestServer.start();
    admin = server.client(Role.ADMIN);
    beforeAll = Instant.now();
    put("/accounts/contoso", account("contoso", "crm-1"));
    put("/accounts/fabrikam", account("fabrikam", "crm-1"));
    put("/accounts/contoso", account("contoso", "crm-2"));
    StringBuilder batch = new StringBuilder("{\"numbers\":[");
    for (int i = 0; i < 5; i++) {
      batch.append(i == 0 ? "" : ",").append(number("+4420700000" + i, true));
    }
    Response r = server.client(Role.WRITE).post("/accounts/contoso:createOrUpdateNumbers", batch + "]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    put("/accounts/contoso/numbers/%2B44207000000", number("+44207000000", false));
    Response deleted = server.client(Role.DELETE).delete("/accounts/contoso/numbers/%2B44207000001");
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private void put(String path, String body) {
    Response r = admin.put(path, body);
    assertThat(r.status()).as(r.toString()).isIn(200, 201);
  }

  private static String account(String name, String correlationId) {
    return "{\"name\":\"" + name + "\",\"correlationId\":\"" + correlationId + "\",\"serviceDetails\":{"
        + "\"teamsTenantId\":\"5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11\",\"teamsDirectRouting\":{"
        + "\"syncEnabled\":true,\"enabled\":true,\"configuration\":{\"callScreening\":true,"
        + "\"subdomain\":\"" + name.substring(0, 5) + "\",\"subdomainTokens\":{\"region1Token\":\"MS=ms1\",\"region2Token\":\"MS=ms2\"}}}}}";
  }

  private static String number(String tn, boolean dr) {
    return "{\"telephoneNumber\":\"" + tn + "\",\"accountName\":\"contoso\",\"serviceDetails\":"
        + "{\"teamsDirectRouting\":{\"enabled\":" + dr + "}}}";
  }

  private List<String> summary(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("value").forEach(e -> out.add(e.path("entity").asText() + " " + e.path("action").asText()));
    return out;
  }

  @Test
  void listsEveryChangeNewestFirstWithWhoWhenWhereAndBeforeAfter() throws Exception {
    Response r = admin.get("/audit");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertThat(summary(r.json()))
        .containsExactly(
            "+44207000001 deleted", "+44207000000 updated", "+44207000004 created", "+44207000003 created",
            "+44207000002 created", "+44207000001 created", "+44207000000 created", "contoso updated",
            "fabrikam created", "contoso created");
    JsonNode update = r.json().path("value").get(1);
    assertThat(update.path("actor").asText()).isEqualTo("test-client");
    assertThat(update.path("source").asText()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1", "::1");
    assertThat(update.path("kind").asText()).isEqualTo("number");
    assertThat(update.path("accountName").asText()).isEqualTo("contoso");
    assertThat(Instant.parse(update.path("changedAt").asText())).isBetween(beforeAll, Instant.now());
    assertThat(update.path("before"))
        .isEqualTo(JSON.readTree("{\"number\":\"+44207000000\",\"account\":\"contoso\",\"drEnabled\":true,"
            + "\"customSipHeader\":null}"));
    assertThat(update.path("after").path("drEnabled").asBoolean(true)).isFalse();
    JsonNode created = r.json().path("value").get(9);
    assertThat(created.path("before").isNull()).isTrue();
    assertThat(created.path("after").path("subdomain").asText()).isEqualTo("conto");
    assertThat(r.json().path("value").get(0).path("after").isNull()).isTrue();
    // The batch is one change set: one sequence number, items in batch order.
    List<JsonNode> batch = new ArrayList<>();
    r.json().path("value").forEach(e -> {
      if (e.path("action").asText().equals("created") && e.path("kind").asText().equals("number")) {
        batch.add(e);
      }
    });
    assertThat(batch).extracting(e -> e.path("sequence").asLong()).containsOnly(batch.get(0).path("sequence").asLong());
    assertThat(batch).extracting(e -> e.path("item").asInt()).containsExactly(4, 3, 2, 1, 0);
  }

  @Test
  void filtersByAccountNumberEntityKindAndTime() {
    assertThat(summary(admin.get("/audit?account=fabrikam").json())).containsExactly("fabrikam created");
    assertThat(summary(admin.get("/audit?telephoneNumber=%2B44207000000").json()))
        .containsExactly("+44207000000 updated", "+44207000000 created");
    // A literal plus reads as plus, as in paths.
    assertThat(summary(admin.get("/audit?telephoneNumber=+44207000001").json()))
        .containsExactly("+44207000001 deleted", "+44207000001 created");
    assertThat(summary(admin.get("/audit?entity=contoso").json())).containsExactly("contoso updated", "contoso created");
    assertThat(summary(admin.get("/audit?account=contoso&kind=account").json()))
        .containsExactly("contoso updated", "contoso created");
    assertThat(summary(admin.get("/audit?kind=number&account=fabrikam").json())).isEmpty();
    String future = URLEncoder.encode(Instant.now().plusSeconds(3600).toString(), StandardCharsets.UTF_8);
    assertThat(summary(admin.get("/audit?since=" + future).json())).isEmpty();
    assertThat(summary(admin.get("/audit?until=2000-01-01T00:00:00%2B01:00").json())).isEmpty();
    assertThat(summary(admin.get("/audit?until=" + future + "&since=2000-01-01T00:00:00Z").json())).hasSize(10);
    Response counted = admin.get("/audit?account=contoso&countRecords=true&maxpagesize=1");
    assertThat(counted.header("x-ms-record-count")).isEqualTo("9");
    assertThat(counted.json().path("value")).hasSize(1);
  }

  @Test
  void followingNextLinkYieldsEveryEntryOnceKeepingTheFilters() {
    List<JsonNode> pages = admin.pages("/audit?account=contoso&maxpagesize=2", 20);
    assertThat(pages).hasSize(5);
    List<String> all = new ArrayList<>();
    pages.forEach(p -> all.addAll(summary(p)));
    assertThat(all).hasSize(9).doesNotHaveDuplicates().doesNotContain("fabrikam created");
    assertThat(pages.get(0).path("nextLink").asText()).contains("account=contoso").contains("maxpagesize=2");

    List<JsonNode> top = admin.pages("/audit?top=3&maxpagesize=2", 20);
    assertThat(top).hasSize(2);
    assertThat(top.get(1).has("nextLink")).isFalse();
    assertThat(summary(top.get(0)).size() + summary(top.get(1)).size()).isEqualTo(3);

    assertThat(summary(admin.get("/audit?skip=8").json())).containsExactly("fabrikam created", "contoso created");
    assertThat(summary(admin.get("/audit?top=0").json())).isEmpty();
  }

  @Test
  void readsNeedTheReadRole() {
    for (Role role : new Role[] {Role.READ, Role.ADMIN}) {
      assertThat(server.client(role).get("/audit").status()).isEqualTo(200);
    }
    for (Role role : new Role[] {Role.WRITE, Role.DELETE}) {
      Response r = server.client(role).get("/audit");
      assertThat(r.status()).as(r.toString()).isEqualTo(403);
      assertThat(r.errorCode()).isEqualTo("Forbidden");
    }
    Response anonymous = server.anonymous().get("/audit");
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
    Response noVersion = admin.send("GET", "/audit", null);
    assertThat(noVersion.status()).isEqualTo(400);
    assertThat(noVersion.errorCode()).isEqualTo("MissingApiVersionParameter");
    assertThat(admin.send("POST", ApiClient.versioned("/audit"), "{}").status()).isIn(404, 405);
  }

  static Stream<Arguments> hostileParameters() {
    return Stream.of(
        Arguments.of("top=99999999999999999999999", "InvalidQueryParameter", "top"),
        Arguments.of("top=-1", "InvalidQueryParameter", "top"),
        Arguments.of("maxpagesize=0", "InvalidQueryParameter", "maxpagesize"),
        Arguments.of("skip=abc", "InvalidQueryParameter", "skip"),
        Arguments.of("since=yesterday", "InvalidQueryParameter", "since"),
        Arguments.of("since=2025-03-01", "InvalidQueryParameter", "since"),
        Arguments.of("until=2025-13-01T00:00:00Z", "InvalidQueryParameter", "until"),
        Arguments.of("account=x'%20OR%20'1'='1", "InvalidCharacters", "account"),
        Arguments.of("account=" + "a".repeat(101), null, "account"),
        Arguments.of("telephoneNumber=1'%3B%20DROP%20TABLE%20audit_trail%3B--", null, "telephoneNumber"),
        Arguments.of("telephoneNumber=%2B0123", null, "telephoneNumber"),
        Arguments.of("entity=" + "b".repeat(101), "InvalidQueryParameter", "entity"),
        Arguments.of("entity=contoso&telephoneNumber=%2B44207000000", "InvalidQueryParameter", "entity"),
        Arguments.of("kind=user", "InvalidQueryParameter", "kind"),
        Arguments.of("kind=account&telephoneNumber=%2B44207000000", "InvalidQueryParameter", "kind"),
        Arguments.of("filter=accountName%20eq%20'contoso'", "InvalidQueryParameter", "filter"),
        Arguments.of("continuationToken=***", "InvalidContinuationToken", "continuationToken"),
        Arguments.of("continuationToken=bm90LWEtY3Vyc29y", "InvalidContinuationToken", "continuationToken"),
        Arguments.of("countRecords=maybe", "InvalidQueryParameter", "countRecords"));
  }

  @ParameterizedTest
  @MethodSource("hostileParameters")
  void badParametersAreA400NamingTheParameter(String query, String code, String target) {
    Response r = admin.get("/audit?" + query);
    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.json().path("error").path("target").asText()).isEqualTo(target);
    assertThat(r.header("x-ms-error-code")).isEqualTo(r.errorCode());
    if (code != null) {
      assertThat(r.errorCode()).isEqualTo(code);
    }
  }

  @Test
  void harmlessOddParametersAreTakenAsTheyAre() {
    // Unknown parameters are ignored, as on the other lists; a huge page size is capped.
    assertThat(admin.get("/audit?foo=bar&$top=1").json().path("value")).hasSize(10);
    assertThat(admin.get("/audit?maxpagesize=2147483647").json().path("value")).hasSize(10);
    assertThat(admin.get("/audit?top=9223372036854775807").json().path("value")).hasSize(10);
    // A well-formed name that matches nothing is an empty list, not an error.
    Response none = admin.get("/audit?entity=x%27%20OR%201%3D1--");
    assertThat(none.status()).as(none.toString()).isEqualTo(200);
    assertThat(none.json().path("value")).isEmpty();
    assertThat(admin.get("/audit?account=nobody").json().path("value")).isEmpty();
  }
}
