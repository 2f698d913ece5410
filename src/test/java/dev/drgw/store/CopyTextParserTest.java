package dev.drgw.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CopyTextParserTest {

  private static List<List<String>> parse(String text, int columns, int chunk) {
    List<List<String>> rows = new ArrayList<>();
    CopyTextParser parser = new CopyTextParser(columns, f -> rows.add(Arrays.asList(f.clone())));
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += chunk) {
      parser.accept(bytes, i, Math.min(chunk, bytes.length - i));
    }
    parser.finish();
    return rows;
  }

  /** One field as COPY writes it, and the value it stands for. */
  static Stream<Arguments> fields() {
    return Stream.of(
        Arguments.of("plain", "plain"),
        Arguments.of("", ""),
        Arguments.of("\\N", null),
        Arguments.of("\\\\N", "\\N"),
        Arguments.of("a\\Nb", "aNb"),
        Arguments.of("\\Nx", "Nx"),
        Arguments.of("tab\\there", "tab\there"),
        Arguments.of("new\\nline", "new\nline"),
        Arguments.of("cr\\rlf", "cr\rlf"),
        Arguments.of("\\b\\f\\v", "\b\f\u000B"),
        Arguments.of("back\\\\slash", "back\\slash"),
        Arguments.of("\\101\\1010", "AA0"),
        Arguments.of("\\7", "\u0007"),
        Arguments.of("\\x41\\x4a\\x4G", "AJ\u0004G"),
        Arguments.of("\\xz", "xz"),
        Arguments.of("\\q", "q"),
        Arguments.of("ünïcødé ☎", "ünïcødé ☎"),
        Arguments.of("\\303\\274", "ü"));
  }

  @ParameterizedTest
  @MethodSource("fields")
  void fieldsAreUnescaped(String written, String value) {
    for (int chunk = 1; chunk <= 4; chunk++) {
      assertThat(parse("x\t" + written + "\n", 2, chunk)).as("chunks of " + chunk)
          .containsExactly(Arrays.asList("x", value));
      assertThat(parse(written + "\tx\n", 2, chunk)).as("first, chunks of " + chunk)
          .containsExactly(Arrays.asList(value, "x"));
    }
  }

  @Test
  void rowsMayArriveInAnyChunksAndTheLastNeedsNoNewline() {
    String text = "+441\tcontoso\tt\t\\N\n+442\tfabrikam\tf\tX-A: 1\n+443\tc\tt\t";
    for (int chunk = 1; chunk <= text.length(); chunk++) {
      assertThat(parse(text, 4, chunk))
          .containsExactly(
              Arrays.asList("+441", "contoso", "t", null),
              Arrays.asList("+442", "fabrikam", "f", "X-A: 1"),
              Arrays.asList("+443", "c", "t", ""));
    }
  }

  @Test
  void aRowWithTheWrongNumberOfColumnsIsRefused() {
    assertThatThrownBy(() -> parse("a\tb\n", 3, 100)).hasMessageContaining("2 columns, expected 3");
    assertThatThrownBy(() -> parse("a\tb\tc\td\n", 3, 100)).hasMessageContaining("more than 3");
  }
}
