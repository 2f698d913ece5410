package dev.drgw.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.drgw.auth.LocalSigningKey;
import dev.drgw.auth.Role;
import dev.drgw.auth.TokenIssuer;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.ApiClient.Response;
import dev.drgw.testing.TestServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Repeatable requests ({@code Repeatability-Request-ID} + {@code Repeatability-First-Sent})
 * against the whole server: a retry gets the first outcome again and runs nothing twice.
 */
class RepeatabilityApiTest {

  private static final String TENANT = "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11";
  private static final String ID = "Repeatability-Request-ID";
  private static final String FIRST_SENT = "Repeatability-First-Sent";
  private static final String RESULT = "Repeatability-Result";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

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
  void aRetriedPutReplaysTheFirstResponseWithoutWritingAgain() {
    String name = uniqueName();
    ApiClient repeatable = repeatable(admin(), UUID.randomUUID().toString(), Instant.now());

    Response first = repeatable.put("/accounts/" + name, accountBody(name, "first"));
    Response retry = repeatable.put("/accounts/" + name, accountBody(name, "first"));

    assertThat(first.status()).as("%s", first).isEqualTo(201);
    assertThat(first.header(RESULT)).isEqualTo("accepted");
    assertThat(first.header("ETag")).isNotBlank();
    assertThat(retry.status()).as("%s", retry).isEqualTo(201);
    assertThat(retry.header(RESULT)).isEqualTo("accepted");
    assertThat(retry.header("ETag")).isEqualTo(first.header("ETag"));
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(admin().get("/accounts/" + name).header("ETag"))
        .as("the account was written once")
        .isEqualTo(first.header("ETag"));
  }

  @Test
  void aRetryAfterAnotherChangeStillGetsTheFirstOutcomeAndChangesNothing() {
    String name = uniqueName();
    ApiClient repeatable = repeatable(admin(), UUID.randomUUID().toString(), Instant.now());
    Response first = repeatable.put("/accounts/" + name, accountBody(name, "first"));
    assertThat(first.status()).as("%s", first).isEqualTo(201);

    Response plain = admin().put("/accounts/" + name, accountBody(name, "second"));
    Response retry = repeatable.put("/accounts/" + name, accountBody(name, "first"));
    Response now = admin().get("/accounts/" + name);

    assertThat(plain.status()).as("%s", plain).isEqualTo(200);
    assertThat(plain.header(RESULT)).as("not a repeatable request").isNull();
    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.header(RESULT)).isEqualTo("accepted");
    assertThat(retry.header("ETag")).isEqualTo(first.header("ETag"));
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(now.json().path("correlationId").asText()).isEqualTo("second");
    assertThat(now.header("ETag")).isEqualTo(plain.header("ETag"));
  }

  @Test
  void theSameIdForADifferentRequestIsRejected() {
    String name = uniqueName();
    String id = UUID.randomUUID().toString();
    ApiClient repeatable = repeatable(admin(), id, Instant.now());
    Response first = repeatable.put("/accounts/" + name, accountBody(name, "first"));
    assertThat(first.status()).as("%s", first).isEqualTo(201);

    Response other = repeatable.put("/accounts/" + name, accountBody(name, "other"));

    assertThat(other.status()).as("%s", other).isEqualTo(400);
    assertThat(other.header(RESULT)).isEqualTo("rejected");
    assertThat(other.errorCode()).isEqualTo("RepeatabilityRequestMismatch");
    Response now = admin().get("/accounts/" + name);
    assertThat(now.json().path("correlationId").asText()).isEqualTo("first");
    assertThat(now.header("ETag")).isEqualTo(first.header("ETag"));
  }

  static Stream<Arguments> malformedHeaders() {
    String id = UUID.randomUUID().toString();
    String now = httpDate(Instant.now());
    return Stream.of(
        arguments(named("ID without First-Sent", Map.of(ID, id))),
        arguments(named("First-Sent without ID", Map.of(FIRST_SENT, now))),
        arguments(named("First-Sent not a date", Map.of(ID, id, FIRST_SENT, "not a date"))),
        arguments(named("First-Sent in ISO 8601", Map.of(ID, id, FIRST_SENT, Instant.now().toString()))),
        arguments(named("First-Sent an hour ahead",
            Map.of(ID, id, FIRST_SENT, httpDate(Instant.now().plus(Duration.ofHours(1)))))),
        arguments(named("ID with a space", Map.of(ID, "two words", FIRST_SENT, now))),
        arguments(named("ID of 129 characters", Map.of(ID, "x".repeat(129), FIRST_SENT, now))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedHeaders")
  void malformedRepeatabilityHeadersAreRejectedAndNothingRuns(Map<String, String> headers) {
    String name = uniqueName();
    ApiClient client = admin();
    for (Map.Entry<String, String> h : headers.entrySet()) {
      client = client.with(h.getKey(), h.getValue());
    }

    Response r = client.put("/accounts/" + name, accountBody(name, "x"));

    assertThat(r.status()).as("%s", r).isEqualTo(400);
    assertThat(r.header(RESULT)).isEqualTo("rejected");
    assertThat(r.errorCode()).isEqualTo("InvalidRepeatabilityHeaders");
    assertThat(admin().get("/accounts/" + name).status()).isEqualTo(404);
  }

  @Test
  void aFirstSentOlderThanTheWindowIsRefused() {
    try (TestServer shortWindow = TestServer.start(Map.of("DRGW_REPEATABILITY_WINDOW", "1m"))) {
      ApiClient admin = shortWindow.client(Role.ADMIN);
      String late = uniqueName();
      String inTime = uniqueName();

      Response tooOld =
          repeatable(admin, UUID.randomUUID().toString(), Instant.now().minus(Duration.ofMinutes(2)))
              .put("/accounts/" + late, accountBody(late, "x"));
      Response recent =
          repeatable(admin, UUID.randomUUID().toString(), Instant.now().minus(Duration.ofSeconds(30)))
              .put("/accounts/" + inTime, accountBody(inTime, "x"));

      assertThat(tooOld.status()).as("%s", tooOld).isEqualTo(412);
      assertThat(tooOld.header(RESULT)).isEqualTo("rejected");
      assertThat(tooOld.errorCode()).isEqualTo("RepeatabilityWindowExpired");
      assertThat(admin.get("/accounts/" + late).status()).isEqualTo(404);
      assertThat(recent.status()).as("%s", recent).isEqualTo(201);
      assertThat(recent.header(RESULT)).isEqualTo("accepted");
    }
  }

  @Test
  void aRetriedDeleteReplaysItsNoContentInsteadOfNotFound() {
    String name = uniqueName();
    String number = uniqueNumber();
    createAccount(name);
    String path = numberPath(name, number);
    assertThat(admin().put(path, numberBody(name, number)).status()).isEqualTo(201);
    ApiClient repeatable = repeatable(admin(), UUID.randomUUID().toString(), Instant.now());

    Response first = repeatable.delete(path);
    Response retry = repeatable.delete(path);

    assertThat(first.status()).as("%s", first).isEqualTo(204);
    assertThat(first.header(RESULT)).isEqualTo("accepted");
    assertThat(retry.status()).as("%s", retry).isEqualTo(204);
    assertThat(retry.header(RESULT)).isEqualTo("accepted");
    assertThat(admin().get(path).status()).isEqualTo(404);
    assertThat(admin().delete(path).status()).as("a plain second delete").isEqualTo(404);
  }

  @Test
  void aRetriedBatchReplaysTheSameBodyWithoutWritingAgain() {
    String name = uniqueName();
    createAccount(name);
    List<String> numbers = List.of(uniqueNumber(), uniqueNumber(), uniqueNumber());
    String batch =
        "{\"numbers\":["
            + String.join(",", numbers.stream().map(n -> numberBody(name, n)).toList())
            + "]}";
    ApiClient repeatable = repeatable(admin(), UUID.randomUUID().toString(), Instant.now());

    Response first = repeatable.post("/accounts/" + name + ":createOrUpdateNumbers", batch);
    List<String> etagsAfterFirst = numberEtags(name, numbers);
    Response retry = repeatable.post("/accounts/" + name + ":createOrUpdateNumbers", batch);

    assertThat(first.status()).as("%s", first).isEqualTo(200);
    assertThat(first.json().path("numbers")).hasSize(3);
    assertThat(retry.status()).as("%s", retry).isEqualTo(200);
    assertThat(retry.header(RESULT)).isEqualTo("accepted");
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(numberEtags(name, numbers)).as("no number was written again").isEqualTo(etagsAfterFirst);
  }

  @Test
  void aRequestThatFailedWith4xxIsReplayedAsTheSameFailure() {
    String owner = uniqueName();
    String other = uniqueName();
    String number = uniqueNumber();
    createAccount(owner);
    createAccount(other);
    assertThat(admin().put(numberPath(owner, number), numberBody(owner, number)).status()).isEqualTo(201);
    ApiClient repeatable = repeatable(admin(), UUID.randomUUID().toString(), Instant.now());

    Response first = repeatable.put(numberPath(other, number), numberBody(other, number));
    assertThat(admin().delete(numberPath(owner, number)).status()).isEqualTo(204);
    Response retry = repeatable.put(numberPath(other, number), numberBody(other, number));

    assertThat(first.status()).as("%s", first).isEqualTo(409);
    assertThat(first.header(RESULT)).isEqualTo("accepted");
    assertThat(retry.status()).as("replayed, not run again: %s", retry).isEqualTo(409);
    assertThat(retry.header(RESULT)).isEqualTo("accepted");
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(admin().get(numberPath(other, number)).status()).isEqualTo(404);
    Response fresh =
        repeatable(admin(), UUID.randomUUID().toString(), Instant.now())
            .put(numberPath(other, number), numberBody(other, number));
    assertThat(fresh.status()).as("the same request under a new ID runs: %s", fresh).isEqualTo(201);
  }

  @Test
  void simultaneousSendsOfOneRepeatableRequestRunItOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        String name = uniqueName();
        ApiClient repeatable = repeatable(admin(), UUID.randomUUID().toString(), Instant.now());
        CyclicBarrier barrier = new CyclicBarrier(2);
        Callable<Response> send =
            () -> {
              barrier.await(30, TimeUnit.SECONDS);
              return repeatable.put("/accounts/" + name, accountBody(name, "once"));
            };
        Future<Response> a = pool.submit(send);
        Future<Response> b = pool.submit(send);
        List<Response> both = List.of(a.get(30, TimeUnit.SECONDS), b.get(30, TimeUnit.SECONDS));
        String stored = admin().get("/accounts/" + name).header("ETag");

        assertThat(both).as("round %d: %s", round, both).anyMatch(r -> r.status() == 201);
        for (Response r : both) {
          assertThat(r.status()).as("round %d: %s", round, r).isIn(201, 409);
          assertThat(r.header(RESULT)).isEqualTo("accepted");
          if (r.status() == 201) {
            assertThat(r.header("ETag")).as("round %d: written once", round).isEqualTo(stored);
          } else {
            assertThat(r.errorCode()).isEqualTo("RequestInProgress");
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void clientsKeepTheirRequestIdsApart() throws IOException {
    String id = UUID.randomUUID().toString();
    String mine = uniqueName();
    String theirs = uniqueName();
    String otherToken =
        new TokenIssuer(
                LocalSigningKey.loadOrCreate(server.config().dataDir()),
                server.config().auth().issuer(),
                server.config().auth().audience(),
                Clock.systemUTC())
            .issue("other-subject", EnumSet.of(Role.ADMIN), Duration.ofHours(1));
    Instant sent = Instant.now();
    ApiClient me = repeatable(admin(), id, sent);
    ApiClient someoneElse =
        repeatable(server.anonymous().with("Authorization", "Bearer " + otherToken), id, sent);

    Response myFirst = me.put("/accounts/" + mine, accountBody(mine, "mine"));
    Response theirFirst = someoneElse.put("/accounts/" + theirs, accountBody(theirs, "theirs"));
    Response myRetry = me.put("/accounts/" + mine, accountBody(mine, "mine"));
    Response theirRetry = someoneElse.put("/accounts/" + theirs, accountBody(theirs, "theirs"));

    assertThat(myFirst.status()).as("%s", myFirst).isEqualTo(201);
    assertThat(theirFirst.status()).as("%s", theirFirst).isEqualTo(201);
    assertThat(theirFirst.header(RESULT)).isEqualTo("accepted");
    assertThat(admin().get("/accounts/" + theirs).status()).isEqualTo(200);
    assertThat(myRetry.body()).isEqualTo(myFirst.body());
    assertThat(theirRetry.body()).isEqualTo(theirFirst.body());
    assertThat(myRetry.header("ETag")).isEqualTo(myFirst.header("ETag"));
    assertThat(theirRetry.header("ETag")).isEqualTo(theirFirst.header("ETag"));
  }

  // --- helpers

  private static ApiClient admin() {
    return server.client(Role.ADMIN);
  }

  private static ApiClient repeatable(ApiClient client, String id, Instant firstSent) {
    return client.with(ID, id).with(FIRST_SENT, httpDate(firstSent));
  }

  private static String httpDate(Instant instant) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atZone(ZoneOffset.UTC));
  }

  private static String uniqueName() {
    return "rep-" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String uniqueNumber() {
    return "+4420" + String.format("%08d", SEQUENCE.incrementAndGet());
  }

  private static String numberPath(String account, String number) {
    return "/accounts/" + account + "/numbers/" + number.replace("+", "%2B");
  }

  private static void createAccount(String name) {
    Response r = admin().put("/accounts/" + name, accountBody(name, "setup"));
    assertThat(r.status()).as("%s", r).isEqualTo(201);
  }

  private static List<String> numberEtags(String account, List<String> numbers) {
    return numbers.stream()
        .map(n -> admin().get(numberPath(account, n)))
        .map(r -> r.status() + " " + r.header("ETag"))
        .toList();
  }

  private static String accountBody(String name, String correlationId) {
    return """
        {"name":"%s","correlationId":"%s","serviceDetails":{"teamsTenantId":"%s",
         "teamsDirectRouting":{"syncEnabled":false,"enabled":false}}}
        """
        .formatted(name, correlationId, TENANT);
  }

  private static String numberBody(String account, String number) {
    return """
        {"telephoneNumber":"%s","accountName":"%s",
         "serviceDetails":{"teamsDirectRouting":{"enabled":false}}}
        """
        .formatted(number, account);
  }
}
