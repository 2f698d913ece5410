package dev.drgw.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeySuggestionsTest {

  @ParameterizedTest(name = "{0} vs {1} = {2}")
  @CsvSource({
    "port, port, 0",
    "prot, port, 1",
    "por, port, 1",
    "ports, port, 1",
    "pert, port, 1",
    "http.prot, http.port, 1",
    "'', abc, 3",
    "abc, xyz, 3",
    "ca, abc, 3",
  })
  void distanceCountsEditsAndTranspositions(String a, String b, int distance) {
    assertThat(KeySuggestions.distance(a, b)).isEqualTo(distance);
    assertThat(KeySuggestions.distance(b, a)).isEqualTo(distance);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "http.prot,                   http.port",
    "http.max-body-size,          http.max-body-bytes",
    "data_dir,                    data-dir",
    "base_domain,                 base-domain",
    "max-body-bytes,              http.max-body-bytes",
    "DRGW_DB_POOL_SIZE,           db.pool-size",
    "drgw-db-url,                 db.url",
    "auth.jwks,                   ",
    "colour,                      ",
    "http.colour,                 ",
  })
  void suggestsTheNearestKnownName(String key, String suggestion) {
    assertThat(KeySuggestions.nearest(key, Settings.yamlNames()))
        .isEqualTo(Optional.ofNullable(suggestion));
  }
}
