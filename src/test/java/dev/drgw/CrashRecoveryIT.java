package dev.drgw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.ServerProcess;
import dev.drgw.testing.TestPostgres;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kill -9} during a stream of batch writes: after a restart, every batch that was answered
 * 200 is there in full, and no batch is there in part.
 */
class CrashRecoveryIT {

  private static final int CLIENTS = 4;
  private static final int BATCH = 100;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void aKilledServerLosesNoAcknowledgedBatch(String engine) throws Exception {
    Map<String, String> env = new HashMap<>();
    if (engine.equals("postgresql")) {
      env.put("DRGW_DB_URL", TestPostgres.newDatabase());
      env.put("DRGW_DB_USER", TestPostgres.user());
    }
    try (ServerProcess server = ServerProcess.start(env)) {
      ApiClient api = server.client(Role.ADMIN);
      assertThat(api.put("/accounts/crash", account()).status()).isEqualTo(201);

      Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicInteger nextBatch = new AtomicInteger();
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      for (int c = 0; c < CLIENTS; c++) {
        clients.submit(
            () -> {
              while (true) {
                int batch = nextBatch.getAndIncrement();
                try {
                  ApiClient.Response r = api.post("/accounts/crash:createOrUpdateNumbers", batchBody(batch));
                  if (r.status() == 200) {
                    acknowledged.add(batch);
                  }
                } catch (RuntimeException connectionLost) {
                  return;
                }
              }
            });
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 40);
      server.kill();
      clients.shutdown();
      assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      Set<Integer> answered = Set.copyOf(acknowledged);

      server.restart();
      Map<Integer, Integer> stored = numbersPerBatch(server.client(Role.READ));
      for (int batch : answered) {
        assertThat(stored.get(batch)).as("acknowledged batch %d", batch).isEqualTo(BATCH);
      }
      assertThat(stored.values()).as("every stored batch is whole").allMatch(n -> n == BATCH);
      assertThat(stored.size()).isGreaterThanOrEqualTo(answered.size());
      JsonNode account = server.client(Role.READ).get("/accounts/crash").json();
      assertThat(account.at("/serviceDetails/teamsDirectRouting/numberCount").asLong())
          .isEqualTo((long) stored.size() * BATCH);
    }
  }

  private static Map<Integer, Integer> numbersPerBatch(ApiClient api) {
    Map<Integer, Integer> perBatch = new TreeMap<>();
    String link = ApiClient.versioned("/accounts/crash/numbers?maxpagesize=500");
    while (link != null) {
      JsonNode page = api.send("GET", link, null).json();
      for (JsonNode n : page.path("value")) {
        String tn = n.path("telephoneNumber").asText();
        int batch = Integer.parseInt(tn.substring(5, 10));
        perBatch.merge(batch, 1, Integer::sum);
      }
      link = page.hasNonNull("nextLink") ? page.get("nextLink").asText() : null;
    }
    return perBatch;
  }

  private static String batchBody(int batch) {
    StringBuilder body = new StringBuilder("{\"numbers\":[");
    for (int i = 0; i < BATCH; i++) {
      if (i > 0) {
        body.append(',');
      }
      body.append(
          String.format(
              "{\"telephoneNumber\":\"+4471%05d%02d\",\"serviceDetails\":{\"teamsDirectRouting\":{\"enabled\":true}}}",
              batch, i));
    }
    return body.append("]}").toString();
  }

  private static String account() {
    return """
        {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
          "configuration": {"subdomain": "crash",
            "subdomainTokens": {"region1Token": "MS=ms1", "region2Token": "MS=ms2"}}}}}
        """;
  }

}
