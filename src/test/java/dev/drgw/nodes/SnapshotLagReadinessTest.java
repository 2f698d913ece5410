package dev.drgw.nodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.TestPostgres;
import dev.drgw.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A change-log entry this node cannot apply (as a newer drgw might write during an upgrade)
 * leaves its snapshot behind: /health/ready fails once the lag passes DRGW_READY_MAX_LAG, DNS and
 * SIP keep serving the last state, and readiness returns when the entry is repaired.
 */
class SnapshotLagReadinessTest {

  @Test
  void aSnapshotStuckBehindTheChangeLogMakesTheNodeUnreadyUntilItCatchesUp() throws Exception {
    String url = TestPostgres.newDatabase();
    try (TestServer server = TestServer.start(Map.of("DRGW_DB_URL", url, "DRGW_DB_USER", TestPostgres.user(),
        "DRGW_READY_MAX_LAG", "1s", "DRGW_NODE_NAME", "lagging"))) {
      ApiClient api = server.client(Role.ADMIN);
      assertThat(api.put("/accounts/a1", "{\"serviceDetails\":{\"teamsDirectRouting\":{\"syncEnabled\":true,"
          + "\"enabled\":false}}}").status()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(2)).until(() -> ready(server) == 200);
      long seq;
      try (Connection c = DriverManager.getConnection(url, TestPostgres.user(), "");
          Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        var rs = s.executeQuery("SELECT seq FROM change_head WHERE id = 1 FOR UPDATE");
        rs.next();
        seq = rs.getLong(1) + 1;
        s.executeUpdate("UPDATE change_head SET seq = " + seq);
        s.executeUpdate("INSERT INTO change_log (seq, committed_at, account_name, actor, source, changes)"
            + " VALUES (" + seq + ", CURRENT_TIMESTAMP, 'a1', 'future-drgw', 'test', '{\"format\": 99')");
        c.commit();
      }

      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> ready(server) == 503);
      assertThat(readyBody(server)).contains("\"snapshot\":\"down\"");
      assertThat(api.get("/nodes").json().path("value").get(0).path("appliedSeq").asLong()).isEqualTo(seq - 1);

      try (Connection c = DriverManager.getConnection(url, TestPostgres.user(), "");
          Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE change_log SET changes = '[]' WHERE seq = " + seq);
      }
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> ready(server) == 200);
      assertThat(server.wiring().snapshot().current().appliedSeq()).isEqualTo(seq);
    }
  }

  private static int ready(TestServer server) throws Exception {
    return get(server).statusCode();
  }

  private static String readyBody(TestServer server) throws Exception {
    return get(server).body();
  }

  private static HttpResponse<String> get(TestServer server) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health/ready"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
