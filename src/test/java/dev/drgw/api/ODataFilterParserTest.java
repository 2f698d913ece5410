package dev.drgw.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.drgw.domain.FieldType;
import dev.drgw.domain.Filter;
import dev.drgw.domain.Filter.And;
import dev.drgw.domain.Filter.Compare;
import dev.drgw.domain.Filter.Op;
import dev.drgw.domain.Filter.Or;
import dev.drgw.domain.Filter.StartsWith;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ODataFilterParserTest {

  static final String ENABLED = "serviceDetails/teamsDirectRouting/enabled";

  static final Map<String, FieldType> FIELDS =
      Map.of(
          "accountName",
          FieldType.STRING,
          "telephoneNumber",
          FieldType.STRING,
          "correlationId",
          FieldType.STRING,
          "configuration/customSipHeader",
          FieldType.STRING,
          ENABLED,
          FieldType.BOOLEAN);

  static final Compare A = new Compare("accountName", Op.EQ, "a");
  static final Compare B = new Compare("accountName", Op.EQ, "b");
  static final Compare C = new Compare("accountName", Op.EQ, "c");
  static final Compare D = new Compare("accountName", Op.EQ, "d");

  static Filter parse(String text) throws FilterException {
    return ODataFilterParser.parse(text, FIELDS);
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        // comparisons and literals
        Arguments.of("accountName eq 'contoso'", new Compare("accountName", Op.EQ, "contoso")),
        Arguments.of("accountName ne 'contoso'", new Compare("accountName", Op.NE, "contoso")),
        Arguments.of("telephoneNumber eq null", new Compare("telephoneNumber", Op.EQ, null)),
        Arguments.of("telephoneNumber ne null", new Compare("telephoneNumber", Op.NE, null)),
        Arguments.of(ENABLED + " eq true", new Compare(ENABLED, Op.EQ, true)),
        Arguments.of(ENABLED + " ne false", new Compare(ENABLED, Op.NE, false)),
        Arguments.of("accountName eq ''", new Compare("accountName", Op.EQ, "")),
        // '.' separators normalise to '/'
        Arguments.of(
            "serviceDetails.teamsDirectRouting.enabled eq true", new Compare(ENABLED, Op.EQ, true)),
        Arguments.of(
            "serviceDetails.teamsDirectRouting/enabled eq false",
            new Compare(ENABLED, Op.EQ, false)),
        Arguments.of(
            "configuration.customSipHeader eq 'x'",
            new Compare("configuration/customSipHeader", Op.EQ, "x")),
        // startswith, with and without "eq true"
        Arguments.of(
            "startswith(telephoneNumber,'+1425')", new StartsWith("telephoneNumber", "+1425")),
        Arguments.of(
            "startswith( telephoneNumber , '+1425' ) eq true",
            new StartsWith("telephoneNumber", "+1425")),
        Arguments.of(
            "startswith(configuration.customSipHeader, '')",
            new StartsWith("configuration/customSipHeader", "")),
        // keyword case
        Arguments.of("STARTSWITH(accountName, 'c') EQ TRUE", new StartsWith("accountName", "c")),
        Arguments.of("StartsWith(accountName, 'c') Eq True", new StartsWith("accountName", "c")),
        Arguments.of(
            "accountName EQ 'x' AND telephoneNumber Ne NULL",
            new And(
                new Compare("accountName", Op.EQ, "x"),
                new Compare("telephoneNumber", Op.NE, null))),
        Arguments.of(
            ENABLED + " eq TRUE OR " + ENABLED + " eq fAlSe",
            new Or(new Compare(ENABLED, Op.EQ, true), new Compare(ENABLED, Op.EQ, false))),
        // precedence and associativity
        Arguments.of(
            "accountName eq 'a' or accountName eq 'b' and accountName eq 'c'",
            new Or(A, new And(B, C))),
        Arguments.of(
            "accountName eq 'a' and accountName eq 'b' or accountName eq 'c'",
            new Or(new And(A, B), C)),
        Arguments.of(
            "accountName eq 'a' or accountName eq 'b' or accountName eq 'c'",
            new Or(new Or(A, B), C)),
        Arguments.of(
            "accountName eq 'a' and accountName eq 'b' and accountName eq 'c'",
            new And(new And(A, B), C)),
        Arguments.of(
            "accountName eq 'a' and accountName eq 'b' or accountName eq 'c' and accountName eq"
                + " 'd'",
            new Or(new And(A, B), new And(C, D))),
        // parentheses
        Arguments.of(
            "(accountName eq 'a' or accountName eq 'b') and accountName eq 'c'",
            new And(new Or(A, B), C)),
        Arguments.of(
            "accountName eq 'a' and (accountName eq 'b' or accountName eq 'c')",
            new And(A, new Or(B, C))),
        Arguments.of(
            "accountName eq 'a' or (accountName eq 'b' or accountName eq 'c')",
            new Or(A, new Or(B, C))),
        Arguments.of("((accountName eq 'a'))", A),
        Arguments.of(
            "(startswith(accountName,'a'))and(accountName eq'b')",
            new And(new StartsWith("accountName", "a"), B)),
        // whitespace
        Arguments.of(" \taccountName\neq\r\n'a'  ", A),
        Arguments.of("accountName eq'a'", A),
        // strings: '' escape, unicode, keywords and punctuation inside
        Arguments.of("accountName eq 'O''Brien'", new Compare("accountName", Op.EQ, "O'Brien")),
        Arguments.of("accountName eq ''''", new Compare("accountName", Op.EQ, "'")),
        Arguments.of("accountName eq ''''''", new Compare("accountName", Op.EQ, "''")),
        Arguments.of(
            "accountName eq 'Zürich 東京 😀'", new Compare("accountName", Op.EQ, "Zürich 東京 😀")),
        Arguments.of(
            "accountName eq 'a) or (b eq ''c'''",
            new Compare("accountName", Op.EQ, "a) or (b eq 'c'")),
        Arguments.of("accountName eq 'tab\there'", new Compare("accountName", Op.EQ, "tab\there")),
        Arguments.of("accountName eq 'eq'", new Compare("accountName", Op.EQ, "eq")));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void parsesValidFilters(String text, Filter expected) throws FilterException {
    assertThat(parse(text)).isEqualTo(expected);
  }

  static Stream<Arguments> invalid() {
    String known =
        "known fields: accountName, configuration/customSipHeader, correlationId, "
            + ENABLED
            + ", telephoneNumber";
    return Stream.of(
        // empty
        Arguments.of("", "the filter is empty", 1),
        Arguments.of(" \t\n", "the filter is empty", 1),
        // fields
        Arguments.of("acountName eq 'x'", "unknown field 'acountName' at position 1; " + known, 1),
        Arguments.of(
            "accountname eq 'x'",
            "unknown field 'accountname' at position 1; did you mean 'accountName'?"
                + " Field names are case-sensitive",
            1),
        Arguments.of(
            "serviceDetails.teamsDirectRouting.Enabled eq true",
            "did you mean '" + ENABLED + "'?",
            1),
        Arguments.of("accountName/ eq 'x'", "expected a name after '/' at position 13", 13),
        Arguments.of("accountName..x eq 'x'", "expected a name after '.' at position 13", 13),
        Arguments.of("accountName eq '😀' and bogus eq 'x'", "unknown field 'bogus'", 24),
        Arguments.of(
            "and accountName eq 'x'", "expected a field name at position 1, found 'and'", 1),
        Arguments.of(
            "accountName eq 'x' and true",
            "expected a field name at position 24, found 'true'",
            24),
        Arguments.of(
            "startswith accountName", "expected a field name at position 1, found 'startswith'", 1),
        Arguments.of(
            "'x' eq accountName",
            "expected a field name or startswith(...) at position 1, found a quoted string",
            1),
        // unsupported operators and functions
        Arguments.of("not accountName eq 'x'", "'not' is not supported at position 1", 1),
        Arguments.of("not(accountName eq 'x')", "'not' is not supported", 1),
        Arguments.of(
            "accountName eq 'x' and NOT telephoneNumber eq null", "'not' is not supported", 24),
        Arguments.of(
            "accountName gt 'x'",
            "operator 'gt' is not supported at position 13; use eq or ne",
            13),
        Arguments.of("accountName lt 'x'", "operator 'lt' is not supported", 13),
        Arguments.of("accountName ge 'x'", "operator 'ge' is not supported", 13),
        Arguments.of("accountName LE 'x'", "operator 'LE' is not supported", 13),
        Arguments.of("accountName has 'x'", "operator 'has' is not supported", 13),
        Arguments.of(
            "accountName in ('a', 'b')",
            "'in' is not supported at position 13; combine eq comparisons with 'or' instead",
            13),
        Arguments.of(
            "contains(accountName, 'x')",
            "function 'contains' is not supported at position 1;"
                + " the only function is startswith(field, 'prefix')",
            1),
        Arguments.of("tolower(accountName) eq 'x'", "function 'tolower' is not supported", 1),
        Arguments.of("ſtartswith(accountName, 'x')", "function 'ſtartswith' is not supported", 1),
        Arguments.of("startswİth(accountName, 'x')", "function 'startswİth' is not supported", 1),
        Arguments.of(
            "accountName = 'x'",
            "unexpected character '=' at position 13; compare with eq or ne",
            13),
        Arguments.of(
            "accountName eq 'x' && telephoneNumber eq null",
            "unexpected character '&' at position 20; combine conditions with and / or",
            20),
        Arguments.of("$filter=accountName eq 'x'", "unexpected character '$' at position 1", 1),
        Arguments.of("accountName\u0000eq 'x'", "unexpected character U+0000 at position 12", 12),
        Arguments.of("accountName\u00a0eq 'x'", "unexpected character U+00A0 at position 12", 12),
        // literals
        Arguments.of("accountName eq 5", "numbers are not supported at position 16", 16),
        Arguments.of("accountName eq -5", "numbers are not supported", 16),
        Arguments.of(
            "telephoneNumber eq +14255550100",
            "numbers are not supported at position 20; quote the value as text",
            20),
        Arguments.of(
            "accountName eq \"x\"",
            "double-quoted strings are not supported at position 16; use single quotes",
            16),
        Arguments.of("accountName eq 'x", "unterminated string starting at position 16", 16),
        Arguments.of("accountName eq 'it''s", "unterminated string", 16),
        Arguments.of("accountName eq 'x''", "unterminated string", 16),
        Arguments.of(
            "accountName eq",
            "expected a value after 'eq' at position 15 (text in single quotes, true, false or"
                + " null), found the end of the filter",
            15),
        Arguments.of("accountName eq contoso", "found 'contoso'", 16),
        Arguments.of("accountName eq ('x')", "found '('", 16),
        Arguments.of(
            "accountName eq telephoneNumber",
            "expected a value after 'eq' at position 16, found the field telephoneNumber;"
                + " comparing two fields is not supported",
            16),
        Arguments.of(
            "accountName NE configuration.customSipHeader",
            "expected a value after 'NE' at position 16, found the field"
                + " configuration/customSipHeader",
            16),
        Arguments.of(
            "accountName",
            "expected 'eq' or 'ne' after accountName at position 12, found the end of the filter",
            12),
        // types
        Arguments.of(
            ENABLED + " eq 'yes'",
            "expected true or false at position 46, found a quoted string: "
                + ENABLED
                + " is a true/false field",
            46),
        Arguments.of(
            ENABLED + " eq null", "expected true or false at position 46, found 'null'", 46),
        Arguments.of(
            "accountName eq true",
            "expected text in single quotes or null at position 16, found 'true':"
                + " accountName is a text field",
            16),
        Arguments.of(
            "startswith(" + ENABLED + ", 'x')",
            "'startswith' needs a text field at position 12, but " + ENABLED + " is true/false",
            12),
        // startswith shape
        Arguments.of(
            "startswith(accountName, 'c') eq false",
            "negated startswith is not supported at position 30",
            30),
        Arguments.of(
            "startswith(accountName, 'c') ne true", "negated startswith is not supported", 30),
        Arguments.of(
            "startswith(accountName, 'c') ne false",
            "startswith(...) can only be compared with 'eq true' at position 30, found 'ne'"
                + " followed by 'false'",
            30),
        Arguments.of(
            "startswith(accountName, 'c') eq 'c'",
            "can only be compared with 'eq true' at position 30, found 'eq' followed by a quoted",
            30),
        Arguments.of(
            "startswith(accountName, 'c') eq", "found 'eq' followed by the end of the filter", 30),
        Arguments.of(
            "startswith(accountName, null)",
            "'startswith' needs a prefix in single quotes at position 25, found 'null'",
            25),
        Arguments.of(
            "startswith(accountName)",
            "expected ',' after the field in startswith at position 23, found ')'",
            23),
        Arguments.of(
            "startswith('c', accountName)",
            "expected a field name at position 12, found a quoted string",
            12),
        Arguments.of(
            "startswith(accountName, 'c'",
            "expected ')' to end startswith(...) at position 28, found the end of the filter",
            28),
        Arguments.of(
            "startswith(accountName, 'c', 'd')",
            "expected ')' to end startswith(...) at position 28, found ','",
            28),
        // structure
        Arguments.of(
            "(accountName eq 'x'",
            "unbalanced parentheses: the '(' at position 1 is never closed",
            1),
        Arguments.of(
            "accountName eq 'x' or (telephoneNumber eq 'y'",
            "the '(' at position 23 is never closed",
            23),
        Arguments.of(
            "accountName eq 'x')",
            "unbalanced parentheses: the ')' at position 19 has no matching '('",
            19),
        Arguments.of(
            "accountName eq 'x' telephoneNumber eq 'y'",
            "expected 'and', 'or' or the end of the filter at position 20, found 'telephoneNumber'",
            20),
        Arguments.of("accountName eq 'x' ,", "expected 'and', 'or' or the end of the filter", 20),
        Arguments.of(
            "accountName eq 'x' or ((telephoneNumber eq 'y') accountName eq 'z')",
            "expected 'and', 'or' or ')' at position 49, found 'accountName'",
            49),
        Arguments.of(
            "accountName eq 'x' and",
            "expected a field name or startswith(...) at position 23, found the end of the filter",
            23),
        Arguments.of(
            "accountName eq 'x' or", "expected a field name or startswith(...) at position 22", 22),
        Arguments.of("()", "expected a field name or startswith(...) at position 2, found ')'", 2));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void rejectsInvalidFiltersSayingWhatAndWhere(String text, String fragment, int position) {
    FilterException e = catchThrowableOfType(FilterException.class, () -> parse(text));

    assertThat(e).as("exception for %s", text).isNotNull();
    assertThat(e.getMessage()).contains(fragment);
    assertThat(e.position()).isEqualTo(position);
    if (!text.isBlank()) {
      assertThat(e.getMessage()).contains("at position " + position);
    }
  }

  @Test
  void acceptsTextUpToTheLengthLimit() throws FilterException {
    String value = "x".repeat(ODataFilterParser.MAX_LENGTH - "accountName eq ''".length());
    String text = "accountName eq '" + value + "'";
    assertThat(text).hasSize(4096);

    assertThat(parse(text)).isEqualTo(new Compare("accountName", Op.EQ, value));
    FilterException e = catchThrowableOfType(FilterException.class, () -> parse(text + " "));
    assertThat(e).hasMessage("the filter exceeds the limit of 4096 characters at position 4097");
    assertThat(e.position()).isEqualTo(4097);
  }

  @Test
  void acceptsUpTo64Comparisons() throws FilterException {
    String sixtyFour = comparisons(64, i -> "accountName eq 'v" + i + "'");

    assertThat(leaves(parse(sixtyFour))).isEqualTo(64);
  }

  @ParameterizedTest
  @MethodSource("tooManyComparisons")
  void rejectsTheSixtyFifthComparison(String text) {
    FilterException e = catchThrowableOfType(FilterException.class, () -> parse(text));

    int lastStart = Math.max(text.lastIndexOf("accountName eq"), text.lastIndexOf("startswith"));
    assertThat(e.getMessage()).startsWith("too many comparisons: the limit of 64 is exceeded");
    assertThat(e.position()).isEqualTo(lastStart + 1);
  }

  static Stream<String> tooManyComparisons() {
    return Stream.of(
        comparisons(65, i -> "accountName eq 'v" + i + "'"),
        comparisons(65, i -> "startswith(accountName, 'v" + i + "') eq true"),
        comparisons(65, i -> i % 2 == 0 ? "accountName eq null" : "startswith(accountName,'v')"),
        comparisons(65, i -> "(accountName eq 'v" + i + "')"));
  }

  @Test
  void acceptsNestingUpTo32Levels() throws FilterException {
    String text = "(".repeat(32) + "accountName eq 'a'" + ")".repeat(32);

    assertThat(parse(text)).isEqualTo(A);
  }

  @ParameterizedTest
  @MethodSource("tooDeep")
  void rejectsNestingDeeperThan32Levels(String text, int position) {
    FilterException e = catchThrowableOfType(FilterException.class, () -> parse(text));

    assertThat(e.getMessage())
        .isEqualTo(
            "parentheses nested too deeply: the limit of 32 levels is exceeded at position "
                + position);
    assertThat(e.position()).isEqualTo(position);
  }

  static Stream<Arguments> tooDeep() {
    return Stream.of(
        Arguments.of("(".repeat(33) + "accountName eq 'a'" + ")".repeat(33), 33),
        Arguments.of("(".repeat(4096), 33),
        Arguments.of(
            "accountName eq 'a' or " + "(accountName eq 'a' or ".repeat(40), 22 + 32 * 23 + 1));
  }

  @Test
  void keepsMessagesShortWhateverIsEchoed() {
    String name = "a".repeat(4000);
    FilterException e = catchThrowableOfType(FilterException.class, () -> parse(name + " eq 'x'"));

    assertThat(e.getMessage()).startsWith("unknown field '" + "a".repeat(64) + "...'");
    assertThat(e.getMessage()).hasSizeLessThan(300);
  }

  @Test
  void nullTextIsAnEmptyFilter() {
    assertThatThrownBy(() -> parse(null))
        .isInstanceOf(FilterException.class)
        .hasMessageStartingWith("the filter is empty");
  }

  static String comparisons(int count, IntFunction<String> comparison) {
    return IntStream.range(0, count).mapToObj(comparison).collect(Collectors.joining(" or "));
  }

  static int leaves(Filter filter) {
    if (filter instanceof And and) {
      return leaves(and.left()) + leaves(and.right());
    }
    if (filter instanceof Or or) {
      return leaves(or.left()) + leaves(or.right());
    }
    return 1;
  }
}
