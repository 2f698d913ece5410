package dev.drgw;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** deploy/drgw.service agrees with drgw's defaults and with docs/operations.md. */
class SystemdUnitTest {

  /** The unit's settings by "Section.Key"; a key given twice keeps every value. */
  private static Map<String, List<String>> unit() throws Exception {
    Map<String, List<String>> settings = new LinkedHashMap<>();
    String section = "";
    for (String line : Files.readAllLines(Path.of("deploy/drgw.service"))) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
        continue;
      }
      if (l.startsWith("[")) {
        section = l.substring(1, l.indexOf(']'));
        continue;
      }
      int eq = l.indexOf('=');
      settings.computeIfAbsent(section + "." + l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
    }
    return settings;
  }

  private static String one(Map<String, List<String>> unit, String key) {
    assertThat(unit.get(key)).as(key).hasSize(1);
    return unit.get(key).get(0);
  }

  @Test
  void systemdWaitsLongerThanTheDrainAndTheHttpStopBeforeKilling() throws Exception {
    Duration drain = ConfigLoader.load(Map.of(), Optional.empty()).operations().drainTimeout();
    Map<String, List<String>> unit = unit();

    Duration stop = Duration.ofSeconds(Long.parseLong(one(unit, "Service.TimeoutStopSec")));

    assertThat(stop).isGreaterThan(drain.plus(WebServer.STOP_TIMEOUT));
    assertThat(one(unit, "Service.KillSignal")).isEqualTo("SIGTERM");
  }

  @Test
  void execStartRunsTheJarTheDocsInstallWithAFixedHeap() throws Exception {
    List<String> exec = List.of(one(unit(), "Service.ExecStart").split(" +"));
    String jar = exec.get(exec.indexOf("-jar") + 1);

    assertThat(jar).startsWith("/").endsWith("/drgw.jar");
    assertThat(Files.readString(Path.of("docs/operations.md"))).contains(jar);
    assertThat(exec).contains("serve", "-XX:+UseG1GC").anyMatch(a -> a.startsWith("-Xmx")).anyMatch(a -> a.startsWith("-Xms"));
  }

  @Test
  void theServiceRunsUnprivilegedAndMayWriteOnlyItsDataDirectory() throws Exception {
    Map<String, List<String>> unit = unit();

    assertThat(one(unit, "Service.User")).isEqualTo("drgw");
    assertThat(one(unit, "Service.EnvironmentFile")).isEqualTo("/etc/drgw/drgw.env");
    assertThat(one(unit, "Service.ProtectSystem")).isEqualTo("strict");
    assertThat(one(unit, "Service.NoNewPrivileges")).isEqualTo("true");
    assertThat(one(unit, "Service.AmbientCapabilities")).isEqualTo("CAP_NET_BIND_SERVICE");
    assertThat(one(unit, "Service.Environment")).isEqualTo("DRGW_DATA_DIR=" + one(unit, "Service.ReadWritePaths"));
    assertThat(one(unit, "Service.WorkingDirectory")).isEqualTo(one(unit, "Service.ReadWritePaths"));
    assertThat(Path.of("deploy/drgw.env.example")).exists();
  }
}
