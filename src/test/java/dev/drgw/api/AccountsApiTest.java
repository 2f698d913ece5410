package dev.drgw.api;

import static dev.drgw.testing.ApiClient.withoutStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.ApiClient.Response;
import dev.drgw.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The account operations of the Provisioning API, spoken to over loopback by a real client. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountsApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DR = "serviceDetails.teamsDirectRouting";
  private static final String CONFIG = DR + ".configuration";
  private static final String TENANT = "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11";
  private static final String UUID_PATTERN =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private final AtomicInteger sequence = new AtomicInteger();
  private TestServer server;
  private ApiClient api;

  @BeforeAll
  void start() {
    server = TestServer.start();
    api = server.client(Role.ADMIN);
    assertThat(api.put(path("reqid"), drDisabledBody("reqid")).status()).isEqualTo(201);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  // --- create, read, replace, list --------------------------------------------------------

  @Test
  void createReadReplaceAndList() throws IOException {
    String name = uniqueName("contoso");
    String label = uniqueLabel();

    Response created = api.put(path(name), accountBody(name, label));

    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String etag = created.header("ETag");
    assertThat(etag).matches("\"[^\"]+\"");
    assertThat(withoutStatus(created.json())).isEqualTo(withoutStatus(JSON.readTree(expectedView(name, label, "crm-1234"))));

    Response read = api.get(path(name));
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.header("ETag")).isEqualTo(etag);
    assertThat(withoutStatus(read.json())).isEqualTo(withoutStatus(created.json()));

    Response replaced =
        api.put(path(name), accountBody(name, label).replace("crm-1234", "crm-5678"));
    assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
    assertThat(replaced.header("ETag")).matches("\"[^\"]+\"").isNotEqualTo(etag);
    assertThat(withoutStatus(replaced.json())).isEqualTo(withoutStatus(JSON.readTree(expectedView(name, label, "crm-5678"))));
    assertThat(api.get(path(name)).header("ETag")).isEqualTo(replaced.header("ETag"));

    Response list = api.get("/accounts?filter=" + encode("name eq '" + name + "'"));
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().path("value")).hasSize(1);
    assertThat(withoutStatus(list.json().path("value").get(0))).isEqualTo(withoutStatus(replaced.json()));
    assertThat(list.json().has("nextLink")).isFalse();
  }

  @Test
  void readOnlyFieldsInTheRequestAreIgnored() {
    String name = uniqueName("readonly");
    String body =
        """
        {"name": "%s",
         "serviceDetails": {"teamsDirectRouting": {
           "syncEnabled": true, "enabled": true,
           "numberCount": 999, "subdomainStatus": "provisioned",
           "configuration": {"subdomain": "%s",
             "subdomainTokens": {"region1Token": "MS=ms1", "region2Token": "MS=ms2"}}}},
         "serviceProvisioningStatus": "synced",
         "serviceProvisioningErrors": [{"code": "x", "message": "y"}]}
        """
            .formatted(name, uniqueLabel());

    Response r = api.put(path(name), body);

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonNode dr = r.json().path("serviceDetails").path("teamsDirectRouting");
    assertThat(dr.path("numberCount").asLong()).isZero();
    assertThat(dr.path("subdomainStatus").asText()).isIn("notProvisioned", "provisioned");
    assertThat(dr.path("configuration").path("callScreening").asBoolean()).isTrue();
    assertThat(r.json().path("serviceProvisioningStatus").asText()).isIn("pending", "synced");
    assertThat(r.json().path("serviceProvisioningErrors").isArray()).isTrue();
    assertThat(r.json().path("serviceProvisioningErrors")).isEmpty();
    assertThat(withoutStatus(api.get(path(name)).json())).isEqualTo(withoutStatus(r.json()));
  }

  @Test
  void unknownFieldsAreIgnored() {
    String name = uniqueName("unknown");
    String body =
        """
        {"name": "%s", "colour": "blue", "nested": {"a": [1, 2]},
         "serviceDetails": {"futureService": {"x": 1},
           "teamsDirectRouting": {"syncEnabled": false, "enabled": false, "extra": true}}}
        """
            .formatted(name);

    Response r = api.put(path(name), body);

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.body()).doesNotContain("colour", "nested", "futureService", "extra");
    assertThat(r.json().path("serviceDetails").path("teamsDirectRouting").path("enabled").asBoolean())
        .isFalse();
  }

  @Test
  void otherServicesRoundTrip() {
    String name = uniqueName("opconnect");
    String body =
        """
        {"name": "%s", "serviceDetails": {
           "teamsDirectRouting": {"syncEnabled": false, "enabled": false},
           "teamsOperatorConnect": {"syncEnabled": true, "enabled": false}}}
        """
            .formatted(name);

    Response r = api.put(path(name), body);

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    JsonNode oc = api.get(path(name)).json().path("serviceDetails").path("teamsOperatorConnect");
    assertThat(oc.path("syncEnabled").isBoolean()).isTrue();
    assertThat(oc.path("syncEnabled").asBoolean()).isTrue();
    assertThat(oc.path("enabled").isBoolean()).isTrue();
    assertThat(oc.path("enabled").asBoolean()).isFalse();
  }

  // --- malformed and invalid bodies ------------------------------------------------------

  static Stream<Arguments> malformedJson() {
    String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    return Stream.of(
        Arguments.of("truncated", "{\"name\": \"x\", \"serviceDetails\": {", "not valid JSON"),
        Arguments.of("trailing garbage", "{\"name\": \"x\"} garbage", "not valid JSON"),
        Arguments.of("duplicate key", "{\"name\": \"x\", \"name\": \"x\"}", "Duplicate field"),
        Arguments.of("nesting 100 levels deep", deep, "nesting depth"),
        Arguments.of("an array", "[{\"name\": \"x\"}]", "must be a JSON object"),
        Arguments.of("a string", "\"x\"", "must be a JSON object"),
        Arguments.of("a number", "42", "must be a JSON object"),
        Arguments.of("null", "null", "must be a JSON object"),
        Arguments.of("empty body", "", "empty"),
        Arguments.of("single quotes", "{'name': 'x'}", "not valid JSON"),
        Arguments.of("NaN", "{\"name\": NaN}", "not valid JSON"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedJson")
  void malformedJsonIsInvalidJson(String kind, String body, String fragment) {
    String name = uniqueName("malformed");

    Response r = api.put(path(name), body);

    assertError(r, 400, "InvalidJson", null, fragment);
    assertAbsent(name);
  }

  static Stream<Arguments> wrongTypes() {
    return Stream.of(
        Arguments.of(
            "enabled as a string",
            """
            {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": "true"}}}
            """,
            DR + ".enabled",
            "must be true or false, got \"true\""),
        Arguments.of(
            "subdomain as a number",
            """
            {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
              "configuration": {"subdomain": 5,
                "subdomainTokens": {"region1Token": "a", "region2Token": "b"}}}}}
            """,
            CONFIG + ".subdomain",
            "must be a string, got 5"),
        Arguments.of(
            "serviceDetails as an array",
            """
            {"serviceDetails": []}
            """,
            "serviceDetails",
            "must be a JSON object, got an array"),
        Arguments.of(
            "name as an object",
            """
            {"name": {"first": "x"}}
            """,
            "name",
            "must be a string, got an object"),
        Arguments.of(
            "callScreening as a number",
            """
            {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
              "configuration": {"callScreening": 1, "subdomain": "abc",
                "subdomainTokens": {"region1Token": "a", "region2Token": "b"}}}}}
            """,
            CONFIG + ".callScreening",
            "must be true or false, got 1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongTypes")
  void wrongTypesNameTheField(String kind, String body, String target, String fragment) {
    String name = uniqueName("types");

    Response r = api.put(path(name), body);

    assertError(r, 400, "InvalidType", target, target, fragment);
    assertAbsent(name);
  }

  static Stream<Arguments> missingRequired() {
    return Stream.of(
        Arguments.of(
            "teamsDirectRouting.enabled",
            """
            {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": false}}}
            """,
            DR + ".enabled",
            "is required"),
        Arguments.of(
            "teamsDirectRouting.syncEnabled",
            """
            {"serviceDetails": {"teamsDirectRouting": {"enabled": false}}}
            """,
            DR + ".syncEnabled",
            "is required"),
        Arguments.of(
            "configuration when Direct Routing is enabled",
            """
            {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true}}}
            """,
            CONFIG,
            "required when Direct Routing is enabled"),
        Arguments.of(
            "region2Token in a two-region deployment",
            """
            {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
              "configuration": {"subdomain": "abc", "subdomainTokens": {"region1Token": "MS=1"}}}}}
            """,
            CONFIG + ".subdomainTokens.region2Token",
            "2 regions"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("missingRequired")
  void missingRequiredFieldsAreNamed(String kind, String body, String target, String fragment) {
    String name = uniqueName("required");

    Response r = api.put(path(name), body);

    assertError(r, 400, "Required", target, target, fragment);
    assertAbsent(name);
  }

  @Test
  void aRejectedReplaceLeavesTheAccountAsItWas() {
    String name = uniqueName("keep");
    Response before = create(name, uniqueLabel());

    Response r =
        api.put(
            path(name),
            """
            {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": "yes"}}}
            """);

    assertError(r, 400, "InvalidType", DR + ".enabled");
    assertUnchanged(name, before);
  }

  @Test
  void aBodyLargerThanTheLimitIsRefused() throws Exception {
    try (TestServer small = TestServer.start(Map.of("DRGW_HTTP_MAX_BODY_BYTES", "2048"))) {
      ApiClient client = small.client(Role.ADMIN);
      String name = uniqueName("big");
      byte[] body = padded(drDisabledBody(name), 3000);

      Response withLength =
          client.sendBytes("PUT", ApiClient.versioned(path(name)), body, "application/json");

      assertError(withLength, 413, "RequestTooLarge", null, "2048 bytes");

      HttpRequest chunked =
          HttpRequest.newBuilder(URI.create(small.baseUrl() + ApiClient.versioned(path(name))))
              .header("Authorization", "Bearer " + small.token(Role.ADMIN))
              .header("Content-Type", "application/json")
              .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
              .build();
      HttpResponse<String> raw =
          HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());

      assertThat(raw.statusCode()).as(raw.body()).isEqualTo(413);
      assertThat(raw.headers().firstValue("x-ms-error-code")).hasValue("RequestTooLarge");
      assertThat(JSON.readTree(raw.body()).path("error").path("code").asText())
          .isEqualTo("RequestTooLarge");
      assertError(client.get(path(name)), 404, "AccountNotFound", null, name);

      Response justUnder =
          client.sendBytes(
              "PUT", ApiClient.versioned(path(name)), padded(drDisabledBody(name), 2048), "application/json");
      assertThat(justUnder.status()).as(justUnder.toString()).isEqualTo(201);
    }
  }

  static Stream<Arguments> wrongContentTypes() {
    return Stream.of(
        Arguments.of("text/plain", "text/plain"),
        Arguments.of("none", null),
        Arguments.of("latin-1 JSON", "application/json; charset=latin1"),
        Arguments.of("form", "application/x-www-form-urlencoded"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongContentTypes")
  void aBodyThatIsNotDeclaredAsUtf8JsonIs415(String kind, String contentType) {
    String name = uniqueName("ctype");
    byte[] body = drDisabledBody(name).getBytes(StandardCharsets.UTF_8);

    Response r = api.sendBytes("PUT", ApiClient.versioned(path(name)), body, contentType);

    assertError(r, 415, "UnsupportedMediaType", null, "application/json");
    assertAbsent(name);
  }

  @Test
  void jsonWithAnExplicitUtf8CharsetIsAccepted() {
    String name = uniqueName("utf8");
    byte[] body = drDisabledBody(name).getBytes(StandardCharsets.UTF_8);

    Response r =
        api.sendBytes("PUT", ApiClient.versioned(path(name)), body, "application/json; charset=UTF-8");

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  // --- account rules ---------------------------------------------------------------------

  @Test
  void aBodyNameDifferentFromThePathIsRefused() {
    String name = uniqueName("path");
    String other = uniqueName("body");

    Response r = api.put(path(name), drDisabledBody(other));

    assertError(r, 400, "NameMismatch", "name", name, other);
    assertAbsent(name);
    assertAbsent(other);
  }

  @Test
  void aLabelOfElevenCharactersIsRefused() {
    String name = uniqueName("label11");

    Response r = api.put(path(name), accountBody(name, "abcdefghijk"));

    assertError(r, 400, "InvalidLength", CONFIG + ".subdomain", "1 to 10 characters", "got 11");
    assertAbsent(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a.b", "a b", "ä", "a/b"})
  void aLabelOutsideItsAlphabetIsRefused(String label) {
    String name = uniqueName("labelchars");

    Response r = api.put(path(name), accountBody(name, label));

    assertError(r, 400, "InvalidCharacters", CONFIG + ".subdomain", "may contain only");
    assertAbsent(name);
  }

  @Test
  void theFullSubdomainMayHaveAtMost48Characters() {
    // "<10-char label>.1r2.<34-char base>" is 49 characters; one less is 48.
    String base = "abcdefghij.klmnopqrst.example.test";
    assertThat(base).hasSize(34);
    try (TestServer longBase = TestServer.start(Map.of("DRGW_BASE_DOMAIN", base))) {
      ApiClient client = longBase.client(Role.ADMIN);

      Response tooLong = client.put(path("longlabel"), accountBody("longlabel", "abcdefghij"));

      assertError(
          tooLong,
          400,
          "SubdomainTooLong",
          CONFIG + ".subdomain",
          "abcdefghij.1r1." + base,
          "49 characters",
          "at most 48");
      assertError(client.get(path("longlabel")), 404, "AccountNotFound", null);

      Response fits = client.put(path("fitlabel"), accountBody("fitlabel", "abcdefghi"));

      assertThat(fits.status()).as(fits.toString()).isEqualTo(201);
      assertThat(
              fits.json().path("serviceDetails").path("teamsDirectRouting").path("configuration")
                  .path("subdomain").asText())
          .isEqualTo("abcdefghi");
    }
  }

  @Test
  void aLabelUsedByAnotherAccountInAnyCaseIsAConflict() {
    String owner = uniqueName("owner");
    String label = uniqueLabel();
    create(owner, label);
    String newcomer = uniqueName("newcomer");
    String existing = uniqueName("existing");
    Response existingBefore = create(existing, uniqueLabel());

    Response onCreate = api.put(path(newcomer), accountBody(newcomer, label.toUpperCase()));
    Response onReplace = api.put(path(existing), accountBody(existing, label.toUpperCase()));

    for (Response r : List.of(onCreate, onReplace)) {
      assertError(r, 409, "SubdomainInUse", CONFIG + ".subdomain", label.toUpperCase(), owner);
    }
    assertAbsent(newcomer);
    assertUnchanged(existing, existingBefore);
    assertThat(api.put(path(owner), accountBody(owner, label.toUpperCase())).status())
        .as("the owner may change the case of its own label")
        .isEqualTo(200);
  }

  static Stream<String> literalCorrelationIds() {
    return Stream.of(
        "'; DROP TABLE accounts; --",
        "<script>alert(1)</script>",
        "${jndi:ldap://x}",
        "%00",
        "\\u0000 \\n",
        "Zürich – 東京 ☎ 🚀 \u202Eevil",
        "\" OR 1=1 --");
  }

  @ParameterizedTest
  @MethodSource("literalCorrelationIds")
  void correlationIdsAreStoredAndReturnedLiterally(String correlationId) throws IOException {
    String name = uniqueName("corr");
    String body =
        JSON.writeValueAsString(
            Map.of(
                "name", name,
                "correlationId", correlationId,
                "serviceDetails",
                    Map.of("teamsDirectRouting", Map.of("syncEnabled", false, "enabled", false))));

    Response r = api.put(path(name), body);

    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(r.json().path("correlationId").asText()).isEqualTo(correlationId);
    assertThat(api.get(path(name)).json().path("correlationId").asText()).isEqualTo(correlationId);
    String filter =
        "name eq '" + name + "' and correlationId eq '" + correlationId.replace("'", "''") + "'";
    Response found = api.get("/accounts?filter=" + encode(filter));
    assertThat(found.status()).as(found.toString()).isEqualTo(200);
    assertThat(found.json().path("value")).hasSize(1);
    assertThat(found.json().path("value").get(0).path("correlationId").asText())
        .isEqualTo(correlationId);
  }

  static Stream<Arguments> trickyPathNames() {
    return Stream.of(
        Arguments.of("PUT", "..%2F..", drDisabledBody(null)),
        Arguments.of("PUT", "a%27b", drDisabledBody(null)),
        Arguments.of("PUT", "a%00b", drDisabledBody(null)),
        Arguments.of("PUT", "a%20or%201%3D1", drDisabledBody(null)),
        Arguments.of("PUT", "%E2%98%8E", drDisabledBody(null)),
        Arguments.of("PUT", "x".repeat(101), drDisabledBody(null)),
        Arguments.of("GET", "a%27b", null),
        Arguments.of("GET", "..%2F..", null),
        Arguments.of("DELETE", "a%27b", null));
  }

  @ParameterizedTest(name = "{0} /accounts/{1}")
  @MethodSource("trickyPathNames")
  void accountNamesOutsideTheAlphabetInThePathAre400(String method, String rawName, String body) {
    Response r = api.send(method, ApiClient.versioned("/accounts/" + rawName), body);

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.header("x-ms-error-code")).as(r.toString()).isNotBlank().isEqualTo(r.errorCode());
    assertThat(r.json().path("error").path("message").asText()).isNotBlank();
    Response list = api.get("/accounts?maxpagesize=500");
    assertThat(list.json().path("value").findValuesAsText("name"))
        .noneMatch(n -> n.contains("'") || n.contains("/") || n.contains("\0") || n.contains(" "));
  }

  // --- transport rules -------------------------------------------------------------------

  @Test
  void anUnknownApiVersionIs400AndChangesNothing() {
    String name = uniqueName("version");

    Response r =
        api.send("PUT", path(name) + "?api-version=2022-12-01-preview", drDisabledBody(name));

    assertError(
        r, 400, "UnsupportedApiVersion", "api-version", "2022-12-01-preview", "2024-02-29-preview");
    assertAbsent(name);
  }

  @Test
  void aMissingApiVersionIs400AndChangesNothing() {
    String name = uniqueName("noversion");

    Response r = api.send("PUT", path(name), drDisabledBody(name));

    assertError(r, 400, "MissingApiVersionParameter", "api-version", "2024-02-29-preview");
    assertAbsent(name);
    assertError(api.send("GET", "/accounts", null), 400, "MissingApiVersionParameter", "api-version");
  }

  @Test
  void theClientRequestIdIsEchoed() {
    ApiClient tagged = api.with("x-ms-client-request-id", "req-4711-abc");

    Response ok = tagged.put(path(uniqueName("echo")), drDisabledBody(null));
    Response error = tagged.get(path(uniqueName("absent")));

    assertThat(ok.status()).isEqualTo(201);
    assertThat(ok.header("x-ms-client-request-id")).isEqualTo("req-4711-abc");
    assertThat(error.status()).isEqualTo(404);
    assertThat(error.header("x-ms-client-request-id")).isEqualTo("req-4711-abc");
  }

  static Stream<Arguments> anyResponse() {
    return Stream.of(
        Arguments.of("PUT", ApiClient.versioned("/accounts/reqid-new"), drDisabledBody(null), 201),
        Arguments.of("PUT", ApiClient.versioned("/accounts/reqid"), drDisabledBody(null), 200),
        Arguments.of("GET", ApiClient.versioned("/accounts/reqid"), null, 200),
        Arguments.of("GET", ApiClient.versioned("/accounts"), null, 200),
        Arguments.of("GET", ApiClient.versioned("/accounts/reqid-absent"), null, 404),
        Arguments.of("DELETE", ApiClient.versioned("/accounts/reqid-absent"), null, 404),
        Arguments.of("PUT", ApiClient.versioned("/accounts/reqid-bad"), "{", 400),
        Arguments.of("GET", "/accounts", null, 400),
        Arguments.of("GET", ApiClient.versioned("/teamsRequestsForInformation"), null, 501),
        Arguments.of("GET", ApiClient.versioned("/no/such/route"), null, 404),
        Arguments.of("PATCH", ApiClient.versioned("/accounts/reqid"), "{}", 405));
  }

  @ParameterizedTest(name = "{0} {1} -> {3}")
  @MethodSource("anyResponse")
  void everyResponseCarriesARequestId(String method, String pathAndQuery, String body, int status) {
    Response r = api.send(method, pathAndQuery, body);

    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("x-ms-request-id")).as("x-ms-request-id").isNotNull().matches(UUID_PATTERN);
  }

  @Test
  void requestIdsDifferBetweenRequests() {
    String first = api.get("/accounts").header("x-ms-request-id");
    String second = api.get("/accounts").header("x-ms-request-id");

    assertThat(first).isNotNull().isNotEqualTo(second);
  }

  static Stream<Arguments> notImplemented() {
    return Stream.of(
        Arguments.of("POST", "/accounts/x:getTeamsCapabilityPlans", "getTeamsCapabilityPlans"),
        Arguments.of("POST", "/accounts/x:getTeamsAvailableCapabilities", "getTeamsAvailableCapabilities"),
        Arguments.of("GET", "/accounts/x/teamsCivicAddresses", "listTeamsCivicAddresses"),
        Arguments.of("GET", "/accounts/x/teamsCivicAddresses/abc", "getTeamsCivicAddress"),
        Arguments.of("GET", "/teamsRequestsForInformation", "listTeamsRequestsForInformation"),
        Arguments.of("GET", "/teamsRequestsForInformation/" + TENANT, "getTeamsRequestForInformation"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("notImplemented")
  void operatorConnectOnlyOperationsAre501(String method, String path, String operation) {
    Response r = api.send(method, ApiClient.versioned(path), null);

    assertError(r, 501, "NotImplemented", null, operation, "Direct Routing");
  }

  @Test
  void anUnknownRouteIs404WithAnAzureBody() {
    Response r = api.get("/no/such/route");

    assertError(r, 404, "NotFound", null, "/no/such/route");
  }

  @Test
  void anUnknownAccountActionIs404WithAnAzureBody() {
    Response r = api.post("/accounts/x:launchRockets", "{}");

    assertError(r, 404, "UnknownOperation", null, ":createOrUpdateNumbers");
  }

  @Test
  void patchIs405AndChangesNothing() {
    String name = uniqueName("patch");
    Response before = create(name, uniqueLabel());

    Response r = api.send("PATCH", ApiClient.versioned(path(name)), "{\"correlationId\": \"new\"}");

    assertError(r, 405, "MethodNotAllowed", null, "PATCH");
    assertUnchanged(name, before);
  }

  // --- delete ----------------------------------------------------------------------------

  @Test
  void anAccountWithNumbersIsDeletedOnlyWithDeleteNumbers() {
    String name = uniqueName("withnumbers");
    create(name, uniqueLabel());
    String number = "+1999" + String.format("%07d", sequence.incrementAndGet());
    Response added = api.put(numberPath(name, number), numberBody(name, number));
    assertThat(added.status()).as(added.toString()).isEqualTo(201);
    Response before = api.get(path(name));
    assertThat(before.json().at("/serviceDetails/teamsDirectRouting/numberCount").asLong()).isEqualTo(1);

    Response refused = api.delete(path(name));

    assertError(refused, 409, "AccountHasNumbers", "accountName", name, "deleteNumbers=true");
    assertUnchanged(name, before);
    assertThat(api.get(numberPath(name, number)).status()).isEqualTo(200);

    Response deleted = api.delete(path(name) + "?deleteNumbers=true");

    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertAbsent(name);
    Response numbers =
        api.get("/numbers?filter=" + encode("telephoneNumber eq '" + number + "'"));
    assertThat(numbers.json().path("value")).isEmpty();
  }

  @Test
  void anAccountWithoutNumbersIsDeletedAndFreesItsLabel() {
    String name = uniqueName("nonumbers");
    String label = uniqueLabel();
    create(name, label);

    Response r = api.delete(path(name));

    assertThat(r.status()).as(r.toString()).isEqualTo(204);
    assertAbsent(name);
    create(uniqueName("heir"), label);
  }

  @Test
  void deletingAnAbsentAccountIs404() {
    String name = uniqueName("ghost");

    Response r = api.delete(path(name));

    assertError(r, 404, "AccountNotFound", null, name);
  }

  @Test
  void deleteNumbersMustBeTrueOrFalse() {
    String name = uniqueName("maybe");
    Response before = create(name, uniqueLabel());

    Response r = api.delete(path(name) + "?deleteNumbers=maybe");

    assertError(r, 400, "InvalidQueryParameter", "deleteNumbers", "maybe", "true or false");
    assertUnchanged(name, before);
  }

  // --- conditional requests --------------------------------------------------------------

  @Test
  void putHonoursIfMatch() {
    String name = uniqueName("ifmatch");
    String label = uniqueLabel();
    Response before = create(name, label);
    String changed = accountBody(name, label).replace("crm-1234", "crm-changed");

    Response stale = api.with("If-Match", "\"not-the-etag\"").put(path(name), changed);

    assertError(stale, 412, "PreconditionFailed", null, name);
    assertUnchanged(name, before);

    Response fresh = api.with("If-Match", before.header("ETag")).put(path(name), changed);

    assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);
    assertThat(fresh.json().path("correlationId").asText()).isEqualTo("crm-changed");

    Response replayed = api.with("If-Match", before.header("ETag")).put(path(name), changed);
    assertError(replayed, 412, "PreconditionFailed", null);
  }

  @Test
  void putWithIfMatchOnAnAbsentAccountIs412() {
    String name = uniqueName("ifmatchnew");

    Response r = api.with("If-Match", "*").put(path(name), drDisabledBody(name));

    assertError(r, 412, "PreconditionFailed", null, name);
    assertAbsent(name);
  }

  @Test
  void deleteHonoursIfMatch() {
    String name = uniqueName("delmatch");
    Response before = create(name, uniqueLabel());

    Response stale = api.with("If-Match", "\"stale\"").delete(path(name));

    assertError(stale, 412, "PreconditionFailed", null, name);
    assertUnchanged(name, before);
    assertThat(api.with("If-Match", before.header("ETag")).delete(path(name)).status()).isEqualTo(204);
    assertAbsent(name);
  }

  @Test
  void ifNoneMatchStarCreatesOnlyWhenAbsent() {
    String name = uniqueName("ifnone");
    String label = uniqueLabel();
    ApiClient onlyNew = api.with("If-None-Match", "*");

    Response created = onlyNew.put(path(name), accountBody(name, label));

    assertThat(created.status()).as(created.toString()).isEqualTo(201);

    Response again = onlyNew.put(path(name), accountBody(name, label).replace("crm-1234", "crm-2"));

    assertError(again, 412, "PreconditionFailed", null, name, "already exists");
    assertUnchanged(name, created);
  }

  @Test
  void getWithTheCurrentEtagInIfNoneMatchIs304() {
    String name = uniqueName("notmod");
    Response created = create(name, uniqueLabel());
    String etag = created.header("ETag");

    Response same = api.with("If-None-Match", etag).get(path(name));
    Response other = api.with("If-None-Match", "\"other\"").get(path(name));

    assertThat(same.status()).isEqualTo(304);
    assertThat(same.body()).isEmpty();
    assertThat(same.header("ETag")).isEqualTo(etag);
    assertThat(other.status()).isEqualTo(200);
    assertThat(withoutStatus(other.json())).isEqualTo(withoutStatus(created.json()));
  }

  // --- paging ----------------------------------------------------------------------------

  @Test
  void followingNextLinkYieldsEveryAccountOnceInOrder() {
    String prefix = "pg" + sequence.incrementAndGet() + "-";
    List<String> names = createAccounts(prefix, 23);

    List<JsonNode> pages = followAll("/accounts?maxpagesize=5&filter=" + startsWith("name", prefix));

    assertThat(pages).hasSize(5);
    assertThat(pages).extracting(p -> p.path("value").size()).containsExactly(5, 5, 5, 5, 3);
    assertThat(namesOf(pages)).containsExactlyElementsOf(names);
    for (JsonNode page : pages.subList(0, 4)) {
      assertThat(page.path("nextLink").asText()).startsWith(server.baseUrl() + "/accounts?");
    }
    assertThat(pages.get(4).has("nextLink")).isFalse();
  }

  @Test
  void topSkipAndCountRecordsShapeTheList() {
    String prefix = "pt" + sequence.incrementAndGet() + "-";
    List<String> names = createAccounts(prefix, 23);
    String filter = "&filter=" + startsWith("name", prefix);

    List<JsonNode> top = followAll("/accounts?maxpagesize=5&top=7" + filter);
    assertThat(namesOf(top)).containsExactlyElementsOf(names.subList(0, 7));

    List<JsonNode> skipped = followAll("/accounts?maxpagesize=5&skip=3" + filter);
    assertThat(namesOf(skipped)).containsExactlyElementsOf(names.subList(3, 23));

    List<JsonNode> skipAndTop = followAll("/accounts?maxpagesize=4&skip=20&top=10" + filter);
    assertThat(namesOf(skipAndTop)).containsExactlyElementsOf(names.subList(20, 23));

    Response counted = api.get("/accounts?maxpagesize=5&countRecords=true" + filter);
    assertThat(counted.header("x-ms-record-count")).isEqualTo("23");
    assertThat(counted.json().path("value")).hasSize(5);

    Response none = api.get("/accounts?top=0" + filter);
    assertThat(none.status()).isEqualTo(200);
    assertThat(none.json().path("value")).isEmpty();
  }

  static Stream<Arguments> badListParameters() {
    return Stream.of(
        Arguments.of("maxpagesize=0", "InvalidQueryParameter", "maxpagesize"),
        Arguments.of("maxpagesize=-1", "InvalidQueryParameter", "maxpagesize"),
        Arguments.of("maxpagesize=abc", "InvalidQueryParameter", "maxpagesize"),
        Arguments.of("top=-1", "InvalidQueryParameter", "top"),
        Arguments.of("top=ten", "InvalidQueryParameter", "top"),
        Arguments.of("skip=-5", "InvalidQueryParameter", "skip"),
        Arguments.of("countRecords=yes", "InvalidQueryParameter", "countRecords"),
        Arguments.of("filter=" + encode("name eq"), "InvalidFilter", "filter"),
        Arguments.of("filter=" + encode("name gt 'a'"), "InvalidFilter", "filter"),
        Arguments.of("filter=" + encode("colour eq 'blue'"), "InvalidFilter", "filter"),
        Arguments.of("filter=" + encode("name eq 'a'; DROP TABLE accounts"), "InvalidFilter", "filter"),
        Arguments.of("continuationToken=!!!garbage!!!", "InvalidContinuationToken", "continuationToken"),
        Arguments.of("continuationToken=" + encode("a b*c"), "InvalidContinuationToken", "continuationToken"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badListParameters")
  void badListParametersAre400(String query, String code, String target) {
    Response r = api.get("/accounts?" + query);

    assertError(r, 400, code, target, target);
  }

  // --- helpers ---------------------------------------------------------------------------

  private String uniqueName(String hint) {
    return hint + "-" + sequence.incrementAndGet();
  }

  private String uniqueLabel() {
    return "l" + Integer.toString(sequence.incrementAndGet(), 36);
  }

  private static String path(String name) {
    return "/accounts/" + name;
  }

  private static String numberPath(String account, String number) {
    return "/accounts/" + account + "/numbers/" + number;
  }

  /** An account with Direct Routing enabled, in the spec's example shape. */
  static String accountBody(String name, String label) {
    return """
        {"name": "%s",
         "correlationId": "crm-1234",
         "serviceDetails": {
           "teamsTenantId": "%s",
           "teamsDirectRouting": {
             "syncEnabled": true,
             "enabled": true,
             "configuration": {
               "callScreening": true,
               "subdomain": "%s",
               "subdomainTokens": {"region1Token": "MS=ms12345678", "region2Token": "MS=ms87654321"}
             }
           },
           "teamsOperatorConnect": {"syncEnabled": false, "enabled": false}
         }}
        """
        .formatted(name, TENANT, label);
  }

  /** An account without Direct Routing; {@code name} may be null to leave it out. */
  static String drDisabledBody(String name) {
    String nameField = name == null ? "" : "\"name\": \"" + name + "\", ";
    return "{" + nameField
        + "\"serviceDetails\": {\"teamsDirectRouting\": {\"syncEnabled\": false, \"enabled\": false}}}";
  }

  private static String numberBody(String account, String number) {
    return """
        {"telephoneNumber": "%s", "accountName": "%s",
         "serviceDetails": {"teamsDirectRouting": {"enabled": true}}}
        """
        .formatted(number, account);
  }

  private static String expectedView(String name, String label, String correlationId) {
    return """
        {"name": "%s",
         "correlationId": "%s",
         "serviceDetails": {
           "teamsTenantId": "%s",
           "teamsDirectRouting": {
             "syncEnabled": true,
             "enabled": true,
             "numberCount": 0,
             "subdomainStatus": "notProvisioned",
             "configuration": {
               "callScreening": true,
               "subdomain": "%s",
               "subdomainTokens": {"region1Token": "MS=ms12345678", "region2Token": "MS=ms87654321"}
             }
           },
           "teamsOperatorConnect": {"syncEnabled": false, "enabled": false}
         },
         "serviceProvisioningStatus": "pending",
         "serviceProvisioningErrors": []}
        """
        .formatted(name, correlationId, TENANT, label);
  }

  /** A JSON body padded with trailing whitespace to exactly {@code size} bytes. */
  private static byte[] padded(String json, int size) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    assertThat(body.length).isLessThan(size);
    return (json + " ".repeat(size - body.length)).getBytes(StandardCharsets.UTF_8);
  }

  private Response create(String name, String label) {
    Response r = api.put(path(name), accountBody(name, label));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r;
  }

  /** Creates {@code count} accounts named prefix00, prefix01, ... in shuffled order. */
  private List<String> createAccounts(String prefix, int count) {
    List<String> names =
        IntStream.range(0, count).mapToObj(i -> prefix + String.format("%02d", i)).toList();
    List<String> shuffled = new ArrayList<>(names);
    Collections.shuffle(shuffled, new Random(42));
    for (String name : shuffled) {
      Response r = api.put(path(name), drDisabledBody(name));
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
    return names;
  }

  /** The first page and every page reached through nextLink, sent exactly as given. */
  private List<JsonNode> followAll(String firstPathAndQuery) {
    return api.pages(firstPathAndQuery, 100);
  }


  private static List<String> namesOf(List<JsonNode> pages) {
    List<String> names = new ArrayList<>();
    pages.forEach(p -> p.path("value").forEach(a -> names.add(a.path("name").asText())));
    return names;
  }

  private static String startsWith(String field, String prefix) {
    return encode("startswith(" + field + ",'" + prefix + "')");
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /**
   * Asserts an Azure error: status, {@code x-ms-error-code}, {@code error.code}, the target when
   * one is given, and a message that mentions every fragment.
   */
  static JsonNode assertError(
      Response r, int status, String code, String target, String... messageFragments) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("x-ms-error-code")).as("x-ms-error-code of " + r).isEqualTo(code);
    JsonNode error = r.json().path("error");
    assertThat(error.path("code").asText()).as(r.toString()).isEqualTo(code);
    if (target != null) {
      assertThat(error.path("target").asText(null)).as("target of " + r).isEqualTo(target);
    }
    assertThat(error.path("message").asText()).as(r.toString()).isNotBlank();
    if (messageFragments.length > 0) {
      assertThat(error.path("message").asText()).as(r.toString()).contains(messageFragments);
    }
    return error;
  }

  private void assertAbsent(String name) {
    Response r = api.get(path(name));
    assertThat(r.status()).as("account " + name + " must not exist: " + r).isEqualTo(404);
    assertThat(r.errorCode()).isEqualTo("AccountNotFound");
  }

  private void assertUnchanged(String name, Response before) {
    Response now = api.get(path(name));
    assertThat(now.status()).as(now.toString()).isEqualTo(200);
    assertThat(now.header("ETag")).as("ETag of " + name).isEqualTo(before.header("ETag"));
    assertThat(withoutStatus(now.json())).isEqualTo(withoutStatus(before.json()));
  }
}
