package dev.drgw;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.config.Setting;
import dev.drgw.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README tells the truth: its settings table and its quick start match the code and CI. */
class ReadmeTest {

  private static final Path ROOT = Path.of("").toAbsolutePath();

  private static String readme() throws Exception {
    return Files.readString(ROOT.resolve("README.md"));
  }

  @Test
  void theSettingsTableListsEverySettingWithItsDefault() throws Exception {
    Pattern row = Pattern.compile("^\\| `(DRGW_[A-Z0-9_]+)` \\| `([^`]+)` \\| `([^`]*)` \\|", Pattern.MULTILINE);
    Matcher m = row.matcher(readme());
    Map<String, String> documented = new LinkedHashMap<>();
    Map<String, String> yamlKeys = new LinkedHashMap<>();
    while (m.find()) {
      documented.put(m.group(1), m.group(3));
      yamlKeys.put(m.group(1), m.group(2));
    }
    Map<String, String> actual = new LinkedHashMap<>();
    Map<String, String> actualKeys = new LinkedHashMap<>();
    for (Setting s : Settings.ALL) {
      actual.put(s.env(), s.defaultValue());
      actualKeys.put(s.env(), s.yamlKey());
    }
    assertThat(documented).isEqualTo(actual);
    assertThat(yamlKeys).isEqualTo(actualKeys);
  }

  @Test
  void theQuickStartHasTheTwoCommandsAndCiRunsTheTestOne() throws Exception {
    String readme = readme();
    int start = readme.indexOf("## Quick start");
    String quickStart = readme.substring(start, readme.indexOf("### First API calls"));
    assertThat(quickStart).contains("./drgw serve").contains("./mvnw -B verify");
    String ci = Files.readString(ROOT.resolve(".ci/run"));
    assertThat(ci).contains("./mvnw -B verify");
    assertThat(ci).doesNotContainPattern("mvnw[^\\n#]*\\s-q(\\s|$)");
    assertThat(Files.isExecutable(ROOT.resolve(".ci/run"))).isTrue();
    assertThat(Files.isExecutable(ROOT.resolve("drgw"))).isTrue();
  }
}
