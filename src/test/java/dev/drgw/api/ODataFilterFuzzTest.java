package dev.drgw.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.drgw.domain.FieldType;
import dev.drgw.domain.Filter;
import dev.drgw.domain.Filter.And;
import dev.drgw.domain.Filter.Compare;
import dev.drgw.domain.Filter.Op;
import dev.drgw.domain.Filter.Or;
import dev.drgw.domain.Filter.StartsWith;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bounded fuzzing that runs in normal CI. Override the seed with {@code -Ddrgw.fuzz.seed=N} to
 * replay a failure; every failure message names the seed and the input.
 */
class ODataFilterFuzzTest {

  private static final long SEED = Long.getLong("drgw.fuzz.seed", 0x0DA7AF11L);
  private static final int CASES = 20_000;
  private static final Map<String, FieldType> FIELDS = ODataFilterParserTest.FIELDS;
  private static final List<String> STRING_FIELDS =
      FIELDS.keySet().stream().filter(f -> FIELDS.get(f) == FieldType.STRING).sorted().toList();
  private static final List<String> BOOLEAN_FIELDS =
      FIELDS.keySet().stream().filter(f -> FIELDS.get(f) == FieldType.BOOLEAN).sorted().toList();

  private static final List<String> VALUES =
      List.of(
          "",
          "contoso",
          "O'Brien",
          "''",
          "+14255550100",
          "a and b or c",
          "(",
          ")",
          "Zürich",
          "東京",
          "😀",
          "\uD800",
          "\u0000",
          "eq",
          "startswith(x,'y')",
          " ");

  private static final List<String> SOUP =
      List.of(
          "(",
          ")",
          ",",
          "'",
          "''",
          "'x'",
          "'it''s'",
          "'unterminated",
          "\"x\"",
          "eq",
          "NE",
          "and",
          "Or",
          "AND",
          "not",
          "gt",
          "le",
          "in",
          "has",
          "startswith",
          "startswith(",
          "StartsWith",
          "contains(",
          "true",
          "False",
          "null",
          "accountName",
          "accountname",
          "telephoneNumber",
          "serviceDetails/teamsDirectRouting/enabled",
          "serviceDetails.teamsDirectRouting.enabled",
          "configuration.customSipHeader",
          "a/",
          "/",
          ".",
          "..",
          "12",
          "-3",
          "+1",
          "=",
          "!",
          "&&",
          "$",
          "😀",
          "é",
          "\u0000",
          "\uD800",
          "\uDC00",
          "\u00A0",
          "\u212A",
          "ſtartswith",
          "((((((((((",
          "))))))))",
          " ",
          "\t",
          "\n");

  private final Random random = new Random(SEED);

  @Test
  void tokenSoupsParseOrFailCleanly() {
    for (int i = 0; i < CASES; i++) {
      StringBuilder text = new StringBuilder();
      int tokens = random.nextInt(10) == 0 ? random.nextInt(2000) : random.nextInt(16);
      for (int t = 0; t < tokens; t++) {
        text.append(SOUP.get(random.nextInt(SOUP.size())));
        if (random.nextBoolean()) {
          text.append(' ');
        }
      }
      check("soup", i, text.toString());
    }
  }

  @Test
  void mutatedValidFiltersParseOrFailCleanly() {
    for (int i = 0; i < CASES; i++) {
      StringBuilder text = new StringBuilder(render(randomFilter(3)));
      int mutations = 1 + random.nextInt(4);
      for (int m = 0; m < mutations && text.length() > 0; m++) {
        mutate(text);
      }
      check("mutation", i, text.toString());
    }
  }

  /** Random trees, written in randomly varied but equivalent syntax, parse back to themselves. */
  @Test
  void renderedFiltersParseBackToTheSameTree() {
    for (int i = 0; i < CASES; i++) {
      Filter expected = randomFilter(5);
      String text = render(expected);
      if (text.length() > ODataFilterParser.MAX_LENGTH
          || ODataFilterParserTest.leaves(expected) > ODataFilterParser.MAX_COMPARISONS) {
        continue;
      }
      try {
        assertThat(ODataFilterParser.parse(text, FIELDS))
            .as("seed %d, case %d: %s", SEED, i, javaString(text))
            .isEqualTo(expected);
      } catch (FilterException e) {
        fail("seed %d, case %d: %s rejected: %s", SEED, i, javaString(text), e.getMessage());
      }
    }
  }

  private void check(String kind, int i, String text) {
    String context = kind + " seed " + SEED + ", case " + i + ": " + javaString(text);
    Filter parsed;
    try {
      parsed = ODataFilterParser.parse(text, FIELDS);
    } catch (FilterException e) {
      assertThat(e.position()).as(context).isBetween(1, text.codePointCount(0, text.length()) + 1);
      assertThat(e.getMessage()).as(context).isNotBlank().hasSizeLessThan(400);
      return;
    } catch (RuntimeException | Error e) {
      throw new AssertionError(context + " threw " + e, e);
    }
    assertWellTyped(parsed, context);
  }

  /** Every accepted tree names known fields with values of their type. */
  private static void assertWellTyped(Filter filter, String context) {
    if (filter instanceof And and) {
      assertWellTyped(and.left(), context);
      assertWellTyped(and.right(), context);
    } else if (filter instanceof Or or) {
      assertWellTyped(or.left(), context);
      assertWellTyped(or.right(), context);
    } else if (filter instanceof StartsWith s) {
      assertThat(FIELDS.get(s.field())).as(context).isEqualTo(FieldType.STRING);
      assertThat(s.prefix()).as(context).isNotNull();
    } else if (filter instanceof Compare c) {
      assertThat(FIELDS).as(context).containsKey(c.field());
      Class<?> expected = FIELDS.get(c.field()) == FieldType.BOOLEAN ? Boolean.class : String.class;
      if (expected == Boolean.class || c.value() != null) {
        assertThat(c.value()).as(context).isInstanceOf(expected);
      }
    } else {
      fail("%s: unexpected node %s", context, filter);
    }
  }

  private void mutate(StringBuilder text) {
    int at = random.nextInt(text.length());
    switch (random.nextInt(6)) {
      case 0 -> text.deleteCharAt(at);
      case 1 -> text.insert(at, SOUP.get(random.nextInt(SOUP.size())));
      case 2 -> text.insert(at, (char) random.nextInt(0x10000));
      case 3 -> text.setCharAt(at, "()',. \"=".charAt(random.nextInt(8)));
      case 4 -> {
        int end = Math.min(text.length(), at + 1 + random.nextInt(20));
        text.insert(random.nextInt(text.length() + 1), text.substring(at, end));
      }
      default -> text.setLength(at);
    }
  }

  private Filter randomFilter(int depth) {
    int choice = random.nextInt(depth <= 0 ? 3 : 5);
    return switch (choice) {
      case 0 -> {
        String field = pick(STRING_FIELDS);
        Object value = random.nextInt(4) == 0 ? null : pick(VALUES);
        yield new Compare(field, random.nextBoolean() ? Op.EQ : Op.NE, value);
      }
      case 1 ->
          new Compare(
              pick(BOOLEAN_FIELDS), random.nextBoolean() ? Op.EQ : Op.NE, random.nextBoolean());
      case 2 -> new StartsWith(pick(STRING_FIELDS), pick(VALUES));
      case 3 -> new And(randomFilter(depth - 1), randomFilter(depth - 1));
      default -> new Or(randomFilter(depth - 1), randomFilter(depth - 1));
    };
  }

  /** OData text for {@code filter}, with random keyword case, separators, spacing and parens. */
  private String render(Filter filter) {
    String text;
    if (filter instanceof And and) {
      text =
          operand(and.left(), and.left() instanceof Or)
              + keyword(" and ")
              + operand(
                  and.right(),
                  !(and.right() instanceof Compare || and.right() instanceof StartsWith));
    } else if (filter instanceof Or or) {
      text =
          operand(or.left(), false)
              + keyword(" or ")
              + operand(or.right(), or.right() instanceof Or);
    } else if (filter instanceof StartsWith s) {
      text =
          keyword("startswith")
              + "("
              + field(s.field())
              + ","
              + space()
              + literal(s.prefix())
              + ")"
              + (random.nextBoolean() ? keyword(" eq true") : "");
    } else {
      Compare c = (Compare) filter;
      text = field(c.field()) + keyword(c.op() == Op.EQ ? " eq " : " ne ") + literal(c.value());
    }
    return space() + text + space();
  }

  private String operand(Filter filter, boolean needsParens) {
    boolean parens = needsParens || random.nextInt(8) == 0;
    return parens ? "(" + render(filter) + ")" : render(filter);
  }

  private String literal(Object value) {
    if (value instanceof String s) {
      return "'" + s.replace("'", "''") + "'";
    }
    return keyword(String.valueOf(value));
  }

  private String field(String path) {
    return random.nextBoolean() ? path : path.replace('/', '.');
  }

  private String keyword(String keyword) {
    StringBuilder b = new StringBuilder();
    for (char c : keyword.toCharArray()) {
      b.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
    }
    return b.toString();
  }

  private String space() {
    return List.of("", "", " ", "\t", "\n ").get(random.nextInt(5));
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }

  private static String javaString(String text) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
