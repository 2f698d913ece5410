package dev.drgw;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.testing.ServerProcess;
import dev.drgw.testing.TestServer;
import dev.drgw.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's quick start as written: {@code ./drgw serve} with no configuration, then the
 * "First API calls" shell block (only the port differs, so a developer's own drgw on 8080 is left
 * alone).
 */
class ReadmeIT {

  private static final Path ROOT = Path.of(System.getProperty("drgw.root", "")).toAbsolutePath();

  @Test
  void theFirstApiCallsWorkAsWritten() throws Exception {
    Tools.require("curl", "curl");
    Tools.require("dig", "bind9-dnsutils");
    String readme = Files.readString(ROOT.resolve("README.md"));
    String marker = "<!-- readme-test: first-calls -->";
    int at = readme.indexOf(marker);
    assertThat(at).as("README marks the block to test").isPositive();
    int open = readme.indexOf("```sh\n", at) + "```sh\n".length();
    String block = readme.substring(open, readme.indexOf("```", open));

    Path work = TestServer.newDataDir();
    String drgw = ROOT.resolve("drgw").toString();
    try (ServerProcess server = ServerProcess.startCommand(List.of(drgw, "serve"), work)) {
      assertThat(work.resolve("data")).isDirectory();
      String script =
          block
              .replace("./drgw", drgw)
              .replace("localhost:8080", "localhost:" + server.port())
              .replace("-p 5353", "-p " + server.dnsPort());
      Process bash =
          new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
              .directory(work.toFile())
              .redirectErrorStream(true)
              .start();
      assertThat(bash.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(bash.exitValue()).as(output).isZero();
      assertThat(output)
          .contains("\"name\":\"contoso\"")
          .contains("\"telephoneNumber\":\"+442071234567\"")
          .contains("\"customSipHeader\":\"tier-gold_42\"")
          .contains("\"telephoneNumber\":\"+442071234569\"")
          .contains("\"numberCount\":3")
          .contains("\"subdomainStatus\":\"provisioned\"")
          .contains("\"MS=ms12345678\"")
          .contains("192.0.2.2")
          .doesNotContain("\"error\"");
    }
  }
}
