package dev.drgw.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The "Create numbers" text box: single numbers, ranges, and what is wrong with a line. */
class NumberInputTest {

  @Test
  void singleNumbersOnePerLineInOrder() {
    NumberInput.Parsed parsed = NumberInput.parse("+442071230000\n+14155550100\n+4930123456");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.numbers()).containsExactly("+442071230000", "+14155550100", "+4930123456");
  }

  @Test
  void surroundingSpacesAreIgnored() {
    NumberInput.Parsed parsed = NumberInput.parse("  +442071230000\t\n\t+442071230001 - +442071230002  ");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.numbers()).containsExactly("+442071230000", "+442071230001", "+442071230002");
  }

  @Test
  void aRangeIncludesBothEnds() {
    NumberInput.Parsed parsed = NumberInput.parse("+442071230098-+442071230102");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.numbers())
        .containsExactly("+442071230098", "+442071230099", "+442071230100", "+442071230101", "+442071230102");
  }

  @Test
  void aRangeOfOneIsOneNumber() {
    assertThat(NumberInput.parse("+442071230005-+442071230005").numbers()).containsExactly("+442071230005");
  }

  @Test
  void aRangeKeepsLeadingZerosOfItsDigits() {
    NumberInput.Parsed parsed = NumberInput.parse("+3100000008-+3100000011");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.numbers()).containsExactly("+3100000008", "+3100000009", "+3100000010", "+3100000011");
  }

  @Test
  void duplicatesAreDroppedKeepingTheFirstPosition() {
    NumberInput.Parsed parsed =
        NumberInput.parse("+442071230002\n+442071230000-+442071230003\n+442071230001\n+442071230009");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.numbers())
        .containsExactly("+442071230002", "+442071230000", "+442071230001", "+442071230003", "+442071230009");
  }

  @Test
  void blankLinesAreIgnoredButCountForLineNumbers() {
    NumberInput.Parsed parsed = NumberInput.parse("\n\n+442071230000\n   \n\t\nnot-a-number\n\n");

    assertThat(parsed.numbers()).containsExactly("+442071230000");
    assertThat(parsed.errors()).singleElement().asString().startsWith("line 6 (not-a-number): ");
  }

  @Test
  void windowsAndOldMacLineEndingsSplitLines() {
    NumberInput.Parsed parsed = NumberInput.parse("+442071230000\r\n+442071230001\r\n\r\nbad\r\n+442071230002\r+442071230003");

    assertThat(parsed.numbers()).containsExactly("+442071230000", "+442071230001", "+442071230002", "+442071230003");
    assertThat(parsed.errors()).singleElement().asString().startsWith("line 4 (bad): ");
  }

  @Test
  void everyWrongLineIsReportedWithItsNumberAndTextAndTheGoodOnesAreKept() {
    NumberInput.Parsed parsed = NumberInput.parse(String.join("\n",
        "+442071230000",
        "442071230001",
        "+44 20 7123",
        "+442071230002",
        "+0442071230003"));

    assertThat(parsed.numbers()).containsExactly("+442071230000", "+442071230002");
    assertThat(parsed.errors()).hasSize(3);
    assertThat(parsed.errors().get(0)).startsWith("line 2 (442071230001): ").contains("must start with '+'");
    assertThat(parsed.errors().get(1)).startsWith("line 3 (+44 20 7123): ").contains("only digits");
    assertThat(parsed.errors().get(2)).startsWith("line 5 (+0442071230003): ").contains("cannot start with 0");
  }

  @Test
  void aMessageForASingleNumberDoesNotNameTheApiField() {
    String error = NumberInput.parse("+12x").errors().get(0);

    assertThat(error).startsWith("line 1 (+12x): may contain only digits");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      +442071230010-+442071230001     | the range ends before it starts
      +44207123000-+442071230001      | same number of digits
      +442071230001-+4420712300010    | same number of digits
      +442071230001-442071230002      | must start with '+'
      +442071230001-+44207123000x     | only digits
      +442071230001-                  | end
      """)
  void aWrongRangeIsOneErrorWithItsLine(String range, String expected) {
    NumberInput.Parsed parsed = NumberInput.parse("+14155550100\n" + range);

    assertThat(parsed.numbers()).containsExactly("+14155550100");
    assertThat(parsed.errors()).singleElement().asString()
        .startsWith("line 2 (" + range.strip() + "): ")
        .contains(expected);
  }

  @Test
  void aRangeOfTenThousandIsAllowed() {
    NumberInput.Parsed parsed = NumberInput.parse("+442071230000-+442071239999");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.numbers()).hasSize(10_000).startsWith("+442071230000").endsWith("+442071239999");
  }

  @Test
  void aRangeOfMoreThanTenThousandIsRefusedWithItsSize() {
    NumberInput.Parsed parsed = NumberInput.parse("+442071230000-+442071240000");

    assertThat(parsed.numbers()).isEmpty();
    assertThat(parsed.errors()).singleElement().asString()
        .startsWith("line 1 (+442071230000-+442071240000): ")
        .contains("at most 10000")
        .contains("10001");
  }

  @Test
  void aHugeRangeIsRefusedWithoutBeingExpanded() {
    NumberInput.Parsed parsed = NumberInput.parse("+100000000000000-+999999999999999");

    assertThat(parsed.numbers()).isEmpty();
    assertThat(parsed.errors()).singleElement().asString().contains("at most 10000");
  }

  @Test
  void exactlyTenThousandInTotalIsAllowed() {
    NumberInput.Parsed parsed = NumberInput.parse("+442071230000-+442071234999\n+442071235000-+442071239999");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.numbers()).hasSize(10_000);
  }

  @Test
  void moreThanTenThousandInTotalIsRefused() {
    NumberInput.Parsed parsed =
        NumberInput.parse("+442071230000-+442071234999\n+442071235000-+442071239999\n+14155550100");

    assertThat(parsed.errors()).anySatisfy(e -> assertThat(e).contains("at most 10000 numbers at once"));
  }

  @Test
  void repeatsDoNotCountTowardsTheTotal() {
    String text = IntStream.range(0, 3).mapToObj(i -> "+442071230000-+442071239999").collect(Collectors.joining("\n"));

    NumberInput.Parsed parsed = NumberInput.parse(text);

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.numbers()).hasSize(10_000);
  }

  @Test
  void emptyInputAsksForANumber() {
    for (String empty : new String[] {"", "   ", "\n\r\n\t\n", null}) {
      NumberInput.Parsed parsed = NumberInput.parse(empty);
      assertThat(parsed.numbers()).as("%s", empty).isEmpty();
      assertThat(parsed.errors()).as("%s", empty).singleElement().asString().contains("enter at least one number");
    }
  }

  @Test
  void garbageIsReportedNotThrown() {
    NumberInput.Parsed parsed = NumberInput.parse("hello\n---\n-\n+\n+-+\n+1\n''; DROP TABLE numbers; --\n\u0000\u0007");

    assertThat(parsed.numbers()).isEmpty();
    assertThat(parsed.errors()).hasSize(8);
    for (int i = 0; i < 8; i++) {
      assertThat(parsed.errors().get(i)).startsWith("line " + (i + 1) + " (");
    }
  }

  @Test
  void unicodeDigitsAndLookAlikesAreRefused() {
    NumberInput.Parsed parsed = NumberInput.parse(String.join("\n",
        "+\u0664\u0664\u0662\u0660\u0667",       // Arabic-Indic digits
        "\uFF0B442071230000",                     // full-width plus
        "+442071230000\u2013+442071230009",       // en dash instead of a hyphen
        "+\uD83D\uDE00\uD83D\uDE00"));            // emoji

    assertThat(parsed.numbers()).isEmpty();
    assertThat(parsed.errors()).hasSize(4);
    assertThat(parsed.errors().get(0)).startsWith("line 1 (");
    assertThat(parsed.errors().get(3)).startsWith("line 4 (");
  }

  @Test
  void aVeryLongLineIsShortenedInItsMessage() {
    String line = "+44" + "9".repeat(100_000);

    NumberInput.Parsed parsed = NumberInput.parse(line);

    assertThat(parsed.numbers()).isEmpty();
    String error = parsed.errors().get(0);
    assertThat(error).startsWith("line 1 (" + line.substring(0, 40) + "...): ");
    assertThat(error.length()).isLessThan(250);
  }

  @Test
  void shorteningNeverCutsACharacterInHalf() {
    // 39 characters, then an emoji (two UTF-16 units) that straddles the 40-unit cut.
    String line = "+" + "1".repeat(38) + "\uD83D\uDE00" + "2".repeat(20);

    String error = NumberInput.parse(line).errors().get(0);

    assertThat(error).startsWith("line 1 (");
    assertThat(hasLoneSurrogate(error)).as("lone surrogate in: %s", error).isFalse();
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aManyLineInputWithErrorsKeepsEveryLineNumberRight() {
    List<String> lines = IntStream.rangeClosed(1, 50)
        .mapToObj(i -> i % 10 == 0 ? "bad" + i : "+4420712300" + String.format("%02d", i))
        .toList();

    NumberInput.Parsed parsed = NumberInput.parse(String.join("\r\n", lines));

    assertThat(parsed.numbers()).hasSize(45);
    assertThat(parsed.errors()).extracting(e -> e.substring(0, e.indexOf(' ', 5)))
        .containsExactly("line 10", "line 20", "line 30", "line 40", "line 50");
  }
}
