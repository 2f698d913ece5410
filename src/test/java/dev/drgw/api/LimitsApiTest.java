package dev.drgw.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.auth.LocalSigningKey;
import dev.drgw.auth.Role;
import dev.drgw.auth.TokenIssuer;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.ApiClient.Response;
import dev.drgw.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rate limit per client (a token bucket, a batch counting as one request) and concurrent
 * writers, against the whole server over loopback.
 */
class LimitsApiTest {

  private static final String TENANT = "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11";
  private static final int LIMIT = 5;
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  /** Five requests a minute per client; every test uses its own subjects, hence its own buckets. */
  private static TestServer limited;
  /** No rate limit, for the concurrency tests. */
  private static TestServer open;

  @BeforeAll
  static void start() {
    limited = TestServer.start(Map.of("DRGW_RATE_LIMIT_PER_MINUTE", Integer.toString(LIMIT)));
    open = TestServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    limited.close();
    open.close();
  }

  @Test
  void theRequestBeyondTheLimitIsRefusedWithRetryAfterAndDoesNotRun() {
    ApiClient client = as(limited, uniqueName(), Role.ADMIN);
    for (int i = 1; i <= LIMIT; i++) {
      Response r = client.get("/accounts");
      assertThat(r.status()).as("request %d: %s", i, r).isEqualTo(200);
    }
    String name = uniqueName();

    Response refused = client.put("/accounts/" + name, accountBody(name, null));

    assertThat(refused.status()).as("%s", refused).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("TooManyRequests");
    assertThat(refused.header("x-ms-error-code")).isEqualTo("TooManyRequests");
    assertThat(refused.header("Retry-After")).matches("[0-9]+");
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
    assertThat(as(limited, uniqueName(), Role.READ).get("/accounts/" + name).status())
        .as("the refused PUT did not run")
        .isEqualTo(404);
  }

  @Test
  void aBatchCountsAsOneRequest() {
    String account = uniqueName();
    Response created = as(limited, uniqueName(), Role.ADMIN).put("/accounts/" + account, accountBody(account, null));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    ApiClient client = as(limited, uniqueName(), Role.ADMIN);
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      items.add(numberBody(account, uniqueNumber(), false));
    }

    Response batch =
        client.post("/accounts/" + account + ":createOrUpdateNumbers", "{\"numbers\":[" + String.join(",", items) + "]}");
    List<Integer> rest = new ArrayList<>();
    for (int i = 2; i <= LIMIT; i++) {
      rest.add(client.get("/accounts/" + account + "/numbers").status());
    }
    Response beyond = client.get("/accounts");

    assertThat(batch.status()).as("%s", batch).isEqualTo(200);
    assertThat(batch.json().path("numbers")).hasSize(20);
    assertThat(rest).as("requests 2 to %d", LIMIT).containsOnly(200);
    assertThat(beyond.status()).as("request %d", LIMIT + 1).isEqualTo(429);
  }

  @Test
  void anotherClientIsNotHeldBackByOneThatUsedItsLimit() {
    ApiClient greedy = as(limited, uniqueName(), Role.READ);
    for (int i = 0; i < LIMIT; i++) {
      greedy.get("/accounts");
    }
    assertThat(greedy.get("/accounts").status()).isEqualTo(429);

    Response other = as(limited, uniqueName(), Role.READ).get("/accounts");

    assertThat(other.status()).as("%s", other).isEqualTo(200);
  }

  @Test
  void healthAndMetricsAreNotRateLimited() {
    ApiClient client = as(limited, uniqueName(), Role.READ);
    for (int i = 0; i < LIMIT; i++) {
      client.get("/accounts");
    }
    assertThat(client.get("/accounts").status()).isEqualTo(429);

    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 2 * LIMIT; i++) {
      statuses.add(client.send("GET", "/health/live", null).status());
      statuses.add(client.send("GET", "/health/ready", null).status());
      statuses.add(client.send("GET", "/metrics", null).status());
    }

    assertThat(statuses).hasSize(6 * LIMIT).containsOnly(200);
  }

  /** A resource two writers race for, and the field each writes its own value into. */
  enum Contested {
    ACCOUNT("/correlationId"),
    NUMBER("/configuration/customSipHeader");

    final String field;

    Contested(String field) {
      this.field = field;
    }
  }

  @ParameterizedTest
  @EnumSource(Contested.class)
  void concurrentPutsWithTheSameIfMatchLetExactlyOneWin(Contested kind) throws Exception {
    String name = uniqueName();
    String number = uniqueNumber();
    ApiClient admin = open.client(Role.ADMIN);
    assertThat(admin.put("/accounts/" + name, accountBody(name, "start")).status()).isEqualTo(201);
    String path = kind == Contested.ACCOUNT ? "/accounts/" + name : numberPath(name, number);
    Function<String, String> body =
        kind == Contested.ACCOUNT
            ? value -> accountBody(name, value)
            : value -> numberBody(name, number, false, value);
    assertThat(admin.put(path, body.apply("start")).status()).isIn(200, 201);
    ApiClient first = as(open, "writer-1", Role.WRITE);
    ApiClient second = as(open, "writer-2", Role.WRITE);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        String etag = admin.get(path).header("ETag");
        CyclicBarrier barrier = new CyclicBarrier(2);
        String mine = "r" + round + "-first";
        String theirs = "r" + round + "-second";
        Future<Response> a = pool.submit(conditionalPut(first, path, body.apply(mine), etag, barrier));
        Future<Response> b = pool.submit(conditionalPut(second, path, body.apply(theirs), etag, barrier));
        Response ra = a.get(30, TimeUnit.SECONDS);
        Response rb = b.get(30, TimeUnit.SECONDS);

        assertThat(List.of(ra.status(), rb.status()))
            .as("round %d: %s / %s", round, ra, rb)
            .containsExactlyInAnyOrder(200, 412);
        Response winner = ra.status() == 200 ? ra : rb;
        Response now = admin.get(path);
        assertThat(now.json().at(kind.field).asText())
            .as("round %d", round)
            .isEqualTo(ra.status() == 200 ? mine : theirs);
        assertThat(now.header("ETag")).isEqualTo(winner.header("ETag"));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void eightClientsCreatingNumbersInOneAccountAllSucceed() throws Exception {
    String name = uniqueName();
    ApiClient admin = open.client(Role.ADMIN);
    Response created = admin.put("/accounts/" + name, directRoutingAccountBody(name));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    int clients = 8;
    int perClient = 25;
    CyclicBarrier start = new CyclicBarrier(clients);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<List<Integer>>> results = new ArrayList<>();
    try {
      for (int c = 0; c < clients; c++) {
        ApiClient client = as(open, "creator-" + c, Role.WRITE);
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < perClient; i++) {
          numbers.add(uniqueNumber());
        }
        results.add(
            pool.submit(
                () -> {
                  start.await(30, TimeUnit.SECONDS);
                  List<Integer> statuses = new ArrayList<>();
                  for (String n : numbers) {
                    statuses.add(client.put(numberPath(name, n), numberBody(name, n, true)).status());
                  }
                  return statuses;
                }));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<List<Integer>> f : results) {
        statuses.addAll(f.get(120, TimeUnit.SECONDS));
      }

      assertThat(statuses).hasSize(clients * perClient).containsOnly(201);
    } finally {
      pool.shutdownNow();
    }
    Response account = admin.get("/accounts/" + name);
    assertThat(account.json().at("/serviceDetails/teamsDirectRouting/numberCount").asLong())
        .isEqualTo(clients * perClient);
    Response listed = admin.get("/accounts/" + name + "/numbers?countRecords=true");
    assertThat(listed.header("x-ms-record-count")).isEqualTo(Integer.toString(clients * perClient));
  }

  // --- helpers

  private static Callable<Response> conditionalPut(
      ApiClient client, String path, String body, String etag, CyclicBarrier barrier) {
    return () -> {
      barrier.await(30, TimeUnit.SECONDS);
      return client.with("If-Match", etag).put(path, body);
    };
  }

  /** A client whose token has its own subject, hence its own rate-limit bucket. */
  private static ApiClient as(TestServer server, String subject, Role... roles) {
    try {
      EnumSet<Role> set = EnumSet.noneOf(Role.class);
      set.addAll(List.of(roles));
      String token =
          new TokenIssuer(
                  LocalSigningKey.loadOrCreate(server.config().dataDir()),
                  server.config().auth().issuer(),
                  server.config().auth().audience(),
                  Clock.systemUTC())
              .issue(subject, set, Duration.ofHours(1));
      return server.anonymous().with("Authorization", "Bearer " + token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String uniqueName() {
    return "lim-" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String uniqueNumber() {
    return "+3120" + String.format("%08d", SEQUENCE.incrementAndGet());
  }

  private static String numberPath(String account, String number) {
    return "/accounts/" + account + "/numbers/" + number.replace("+", "%2B");
  }

  private static String accountBody(String name, String correlationId) {
    return """
        {"name":"%s",%s"serviceDetails":{"teamsTenantId":"%s",
         "teamsDirectRouting":{"syncEnabled":false,"enabled":false}}}
        """
        .formatted(name, correlationId == null ? "" : "\"correlationId\":\"" + correlationId + "\",", TENANT);
  }

  private static String directRoutingAccountBody(String name) {
    String subdomain = "l" + SEQUENCE.incrementAndGet();
    return """
        {"name":"%s","serviceDetails":{"teamsTenantId":"%s",
         "teamsDirectRouting":{"syncEnabled":true,"enabled":true,
          "configuration":{"callScreening":true,"subdomain":"%s",
           "subdomainTokens":{"region1Token":"MS=ms12345678","region2Token":"MS=ms87654321"}}}}}
        """
        .formatted(name, TENANT, subdomain);
  }

  private static String numberBody(String account, String number, boolean directRouting) {
    return numberBody(account, number, directRouting, "none");
  }

  private static String numberBody(String account, String number, boolean directRouting, String header) {
    return """
        {"telephoneNumber":"%s","accountName":"%s",
         "serviceDetails":{"teamsDirectRouting":{"enabled":%s}},
         "configuration":{"customSipHeader":"%s"}}
        """
        .formatted(number, account, directRouting, header);
  }
}
