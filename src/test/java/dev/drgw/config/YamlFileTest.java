package dev.drgw.config;

import static dev.drgw.config.ConfigLoaderTest.loadFails;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class YamlFileTest {

  @TempDir Path dir;

  @Test
  void readsNestedMappingsAndKeepsScalarsAsWritten() throws Exception {
    Path file =
        write(
            """
            data-dir: /var/lib/drgw
            http:
              port: 8081
              max-body-bytes: 2M
            db:
              url: jdbc:postgresql://db:5432/drgw
              user: drgw
              password:
              pool-size: 010
            base-domain: gw.operator.net
            rate-limit:
              per-minute: off
            repeatability:
              window: 30m
            """);

    Config config = ConfigLoader.load(Map.of(), Optional.of(file));

    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/drgw"));
    assertThat(config.http().port()).isEqualTo(8081);
    assertThat(config.http().maxBodyBytes()).isEqualTo(2L << 20);
    assertThat(config.database())
        .isEqualTo(new DatabaseSettings("jdbc:postgresql://db:5432/drgw", "drgw", "", 10));
    assertThat(config.deployment().baseDomain()).isEqualTo("gw.operator.net");
    assertThat(config.api().rateLimitPerMinute()).isEqualTo(OptionalInt.empty());
    assertThat(config.api().repeatabilityWindow()).hasMinutes(30);
  }

  @Test
  void nullValuesCountAsEmpty() throws Exception {
    Path file =
        write("auth:\n  jwks-url: ~\nrate-limit:\n  per-minute: null\ndb:\n  password: ~\n");

    Config config = ConfigLoader.load(Map.of("DRGW_DB_PASSWORD", "x"), Optional.of(file));
    Config withoutEnv = ConfigLoader.load(Map.of(), Optional.of(file));

    assertThat(config.auth().jwksUrl()).isEmpty();
    assertThat(config.api().rateLimitPerMinute()).isEmpty();
    assertThat(config.database().password()).isEqualTo("x");
    assertThat(withoutEnv.database().password()).isEmpty();
  }

  @Test
  void emptyOrCommentOnlyFileMeansDefaults() throws Exception {
    Config fromComments = ConfigLoader.load(Map.of(), Optional.of(write("# nothing yet\n")));
    Config fromEmpty = ConfigLoader.load(Map.of(), Optional.of(write("")));

    assertThat(fromComments).isEqualTo(ConfigLoader.load(Map.of(), Optional.empty()));
    assertThat(fromEmpty).isEqualTo(fromComments);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      textBlock =
          """
          http:\\n  prot: 8080                | 2 | unknown key "http.prot"; did you mean "http.port"?
          datadir: /x                         | 1 | unknown key "datadir"; did you mean "data-dir"?
          pool-size: 4                        | 1 | unknown key "pool-size"; did you mean "db.pool-size"?
          DRGW_HTTP_PORT: 8080                | 1 | unknown key "DRGW_HTTP_PORT"; did you mean "http.port"?
          htp:\\n  port: 1                    | 1 | unknown key "htp"; did you mean "http"?
          rate-limit:\\n  perminute: 5        | 2 | unknown key "rate-limit.perminute"; did you mean "rate-limit.per-minute"?
          db:\\n  pasword: x                  | 2 | unknown key "db.pasword"; did you mean "db.password"?
          repeatability-window: 5m            | 1 | unknown key "repeatability-window"; did you mean "repeatability.window"?
          """)
  void unknownKeyIsNamedWithLineAndNearestKnownKey(String yaml, int line, String problem)
      throws IOException {
    Path file = write(yaml.replace("\\n", "\n"));

    ConfigException e = loadFails(Map.of(), Optional.of(file));

    assertThat(e).hasMessage("config file " + file + ", line " + line + ": " + problem);
  }

  @Test
  void unknownKeyFarFromEveryKnownKeyGetsNoSuggestion() throws IOException {
    Path file = write("colour: blue\n");

    assertThat(loadFails(Map.of(), Optional.of(file)))
        .hasMessage("config file " + file + ", line 1: unknown key \"colour\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      textBlock =
          """
          http:\\n  port: [1\\nregions: 2          | line 3, column 8: while parsing a flow sequence: expected ',' or ']'
          base-domain: a: b                      | line 1, column 15: mapping values are not allowed here
          http:\\n\\tport: 1                     | line 2, column 1: while scanning for the next token: found character '\\t(TAB)'
          db:\\n  password: "unterminated        | line 2, column 26: while scanning a quoted scalar: found unexpected end of stream
          """)
  void malformedYamlNamesFileLineAndColumn(String yaml, String problem) throws IOException {
    Path file = write(yaml.replace("\\n", "\n").replace("\\t", "\t"));

    ConfigException e = loadFails(Map.of(), Optional.of(file));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.getMessage()).startsWith("config file " + file + ": not valid YAML at " + problem);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      textBlock =
          """
          - 1\\n- 2               | line 1: must be a mapping of settings (key: value lines), got a list
          just text               | line 1: must be a mapping of settings (key: value lines), got a single value
          regions: 1\\n---\\nregions: 2 | line 3: holds a second YAML document
          """)
  void fileThatIsNotOneMappingFails(String yaml, String problem) throws IOException {
    Path file = write(yaml.replace("\\n", "\n"));

    assertThat(loadFails(Map.of(), Optional.of(file)).getMessage())
        .startsWith("config file " + file + ", " + problem);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      textBlock =
          """
          http: 8080                 | config file FILE, line 1: "http" must be a mapping with the keys http.bind, http.port, http.max-body-bytes, got a single value
          http:\\n  port:\\n    x: 1 | DRGW_HTTP_PORT (http.port): must be a single value, got a mapping (config file FILE, line 2)
          regions: [1, 2]            | DRGW_REGIONS (regions): must be a single value, got a list (config file FILE, line 1)
          http:\\n  port: 1\\n  port: 2 | config file FILE, line 3: duplicate key "http.port"
          """)
  void valuesInTheWrongPlaceFail(String yaml, String message) throws IOException {
    Path file = write(yaml.replace("\\n", "\n"));

    assertThat(loadFails(Map.of(), Optional.of(file)))
        .hasMessage(message.replace("FILE", file.toString()));
  }

  @Test
  void missingFileFailsNamingTheFile() {
    Path file = dir.resolve("missing.yaml");

    assertThat(loadFails(Map.of(), Optional.of(file)))
        .hasMessage("config file " + file + ": cannot be read: no such file");
  }

  @Test
  void directoryInsteadOfFileFails() {
    assertThat(loadFails(Map.of(), Optional.of(dir)).getMessage())
        .startsWith("config file " + dir + ": cannot be read: ");
  }

  @Test
  void fileThatIsNotUtf8Fails() throws IOException {
    Path file = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xE9});

    assertThat(loadFails(Map.of(), Optional.of(file)))
        .hasMessage("config file " + file + ": cannot be read: not UTF-8 text");
  }

  @Test
  void relativePathIsShownAbsolute() throws IOException {
    Path file = write("colour: blue\n");
    Path relative = Path.of("").toAbsolutePath().relativize(file);

    assertThat(loadFails(Map.of(), Optional.of(relative)).getMessage())
        .startsWith("config file " + file + ", line 1");
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "drgw", ".yaml"), yaml);
  }
}
