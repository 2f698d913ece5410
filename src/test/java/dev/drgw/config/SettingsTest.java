package dev.drgw.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void namesAreUniqueAndFollowOneConvention() {
    assertThat(Settings.ALL).extracting(Setting::env).doesNotHaveDuplicates();
    assertThat(Settings.ALL).extracting(Setting::yamlKey).doesNotHaveDuplicates();
    assertThat(Settings.ALL)
        .allSatisfy(s -> assertThat(s.env()).matches("DRGW_[A-Z0-9_]+"))
        .allSatisfy(s -> assertThat(s.yamlKey()).matches("[a-z0-9-]+(\\.[a-z0-9-]+){0,2}"))
        .allSatisfy(s -> assertThat(s.defaultValue()).isNotBlank())
        .allSatisfy(s -> assertThat(s.description()).isNotBlank().endsWith("."));
  }

  @Test
  void noKeyIsAlsoASection() {
    assertThat(Settings.ALL).allSatisfy(s -> assertThat(Settings.keysIn(s.yamlKey())).isEmpty());
  }

  @Test
  void everySettingIsKnownToTheLoader() {
    Map<String, String> env =
        Settings.ALL.stream().collect(Collectors.toMap(Setting::env, s -> "x"));

    assertThat(ConfigLoader.unknownEnvironmentSettings(env)).isEmpty();
    assertThat(Settings.ALL)
        .allSatisfy(s -> assertThat(Settings.byYamlKey(s.yamlKey())).isEqualTo(Optional.of(s)));
  }

  @Test
  void sectionsAndKeysAreTheSuggestionCandidates() {
    assertThat(Settings.yamlNames())
        .contains("http", "db", "auth", "rate-limit", "repeatability", "dns", "region1", "region2",
            "portal", "portal.oidc", "sip", "node", "shutdown", "log", "http.port", "data-dir")
        .hasSize(Settings.ALL.size() + 14);
  }
}
