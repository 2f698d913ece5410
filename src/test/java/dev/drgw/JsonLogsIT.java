package dev.drgw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.auth.Role;
import dev.drgw.testing.ServerProcess;
import dev.drgw.testing.TestServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** DRGW_LOG_FORMAT: the real jar writes one JSON object per line with json, and text by default. */
class JsonLogsIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every line of {@code log} as JSON; fails on the first line that is not a JSON object with the common fields. */
  private static List<JsonNode> jsonLines(String log) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : log.lines().toList()) {
      JsonNode json = JSON.readTree(line);
      assertThat(json.isObject()).as(line).isTrue();
      for (String field : List.of("timestamp", "level", "logger", "thread", "message")) {
        assertThat(json.hasNonNull(field)).as("%s in %s", field, line).isTrue();
      }
      lines.add(json);
    }
    assertThat(lines).isNotEmpty();
    return lines;
  }

  @Test
  void withJsonEveryLineFromStartToStopIsAJsonObject() throws Exception {
    String log;
    try (ServerProcess server = ServerProcess.start(Map.of("DRGW_LOG_FORMAT", "json"))) {
      assertThat(server.client(Role.READ).get("/accounts").status()).isEqualTo(200);
      server.terminate();
      assertThat(server.awaitExit(Duration.ofSeconds(20))).isZero();
      log = server.log();
    }

    List<JsonNode> lines = jsonLines(log);

    assertThat(lines).anySatisfy(l -> assertThat(l.get("message").asText()).startsWith("drgw serving HTTP on"));
    assertThat(lines).anySatisfy(l -> {
      assertThat(l.get("message").asText()).isEqualTo("drgw stopped");
      assertThat(l.get("thread").asText()).isEqualTo("drgw-shutdown");
      assertThat(l.get("logger").asText()).isEqualTo("dev.drgw.Wiring");
      assertThat(l.get("level").asText()).isEqualTo("INFO");
    });
  }

  @Test
  void aFailedStartIsLoggedAsJsonWithTheExceptionAsAString() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Path dir = TestServer.newDataDir();
      Path out = dir.resolve("server.log");
      ProcessBuilder builder = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", ServerProcess.jar().toString(),
          "serve").directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
      builder.environment().putAll(Map.of("DRGW_LOG_FORMAT", "json", "DRGW_DATA_DIR", dir.toString(),
          "DRGW_HTTP_BIND", "127.0.0.1", "DRGW_HTTP_PORT", Integer.toString(taken.getLocalPort()),
          "DRGW_DNS_PORT", Integer.toString(ServerProcess.freePort())));
      Process process = builder.start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

      assertThat(process.exitValue()).isEqualTo(1);
      List<JsonNode> lines = jsonLines(Files.readString(out, StandardCharsets.UTF_8));
      assertThat(lines).anySatisfy(l -> {
        assertThat(l.get("level").asText()).isEqualTo("ERROR");
        assertThat(l.get("message").asText()).startsWith("drgw serve failed:");
        assertThat(l.get("exception").asText()).contains("Exception").contains("\tat ");
      });
    }
  }

  @Test
  void textIsTheDefault() throws Exception {
    String log;
    try (ServerProcess server = ServerProcess.start(Map.of())) {
      log = server.log();
    }

    assertThat(log.lines().filter(l -> l.contains("drgw serving HTTP on")).findFirst().orElseThrow())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ INFO  \\[main\\] dev\\.drgw\\.Wiring - drgw serving HTTP on .*");
  }
}
