package dev.drgw;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.auth.JwtVerifier;
import dev.drgw.auth.LocalSigningKey;
import dev.drgw.auth.Principal;
import dev.drgw.auth.Role;
import dev.drgw.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line, run in-process with captured output. */
class AppTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = App.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static Path configWithDataDir(Path dataDir, String extra) throws Exception {
    Path file = dataDir.resolve("drgw.yaml");
    Files.writeString(file, "data-dir: " + dataDir + "\n" + extra);
    return file;
  }

  @Test
  void versionPrintsTheProjectVersion() {
    Run run = run("version");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).matches("drgw \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\s*");
  }

  @ParameterizedTest
  @ValueSource(strings = {"serve", "token", "version"})
  void everyCommandHasHelp(String command) {
    Run run = run(command, "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: drgw " + command);
  }

  @Test
  void noCommandPrintsUsage() {
    Run run = run();
    assertThat(run.out()).contains("serve").contains("token").contains("version");
  }

  @Test
  void tokenPrintsATokenTheServerKeyAccepts() throws Exception {
    Path dataDir = TestServer.newDataDir();
    Run run = run("token", "--role", "write,delete", "--ttl", "2h", "--config",
        configWithDataDir(dataDir, "").toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    String token = run.out().trim();
    Principal principal =
        JwtVerifier.local(LocalSigningKey.loadOrCreate(dataDir), "drgw", "drgw", Clock.systemUTC())
            .verify(token);
    assertThat(principal.roles()).containsExactlyInAnyOrder(Role.WRITE, Role.DELETE);
    assertThat(principal.subject()).isEqualTo("drgw-cli");
    var expiry =
        com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();
    assertThat(Duration.between(Instant.now(), expiry)).isBetween(Duration.ofMinutes(119), Duration.ofMinutes(121));
  }

  @Test
  void aTokenFromTheCommandWorksAgainstTheServer() throws Exception {
    try (TestServer server = TestServer.start()) {
      Path config = configWithDataDir(server.config().dataDir(), "");
      Run run = run("token", "--role", "read", "--config", config.toString());
      String token = run.out().trim();
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(server.baseUrl() + "/accounts?api-version=2024-02-29-preview"))
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"superuser", "", "ProvisioningAPI.Root"})
  void anUnknownRoleIsAUsageError(String role) throws Exception {
    Run run = run("token", "--role", role, "--config",
        configWithDataDir(TestServer.newDataDir(), "").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("unknown role");
    assertThat(run.out()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "-1h", "forever", "400d", "h"})
  void aBadTtlIsAUsageError(String ttl) throws Exception {
    Run run = run("token", "--role", "read", "--ttl", ttl, "--config",
        configWithDataDir(TestServer.newDataDir(), "").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--ttl");
  }

  @Test
  void aBadSettingStopsStartUpNamingIt() throws Exception {
    Path config = configWithDataDir(TestServer.newDataDir(), "http:\n  port: 99999\nregions: 3\n");
    Run run = run("serve", "--config", config.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("configuration error")
        .contains("DRGW_HTTP_PORT (http.port)")
        .contains("DRGW_REGIONS (regions)");
  }

  @Test
  void aMissingConfigFileIsNamed() {
    Run run = run("serve", "--config", "/nonexistent/drgw.yaml");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("/nonexistent/drgw.yaml");
  }
}
