package dev.drgw.config;

import java.util.regex.Pattern;

/** Whole numbers within a range. */
final class IntParser {

  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");

  private IntParser() {}

  static Parsed<Integer> parse(String raw, int min, int max) {
    return parse(raw, min, max, "must be an integer from " + min + " to " + max);
  }

  /** As {@link #parse(String, int, int)}, with a custom expectation for the error. */
  static Parsed<Integer> parse(String raw, int min, int max, String expectation) {
    if (!INTEGER.matcher(raw).matches()) {
      return Parsed.expected(expectation, raw);
    }
    long value = Long.parseLong(raw);
    if (value < min || value > max) {
      return Parsed.expected(expectation, raw);
    }
    return Parsed.ok((int) value);
  }
}
