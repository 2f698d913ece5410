package dev.drgw.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations such as {@code 500ms}, {@code 300s}, {@code 5m}, {@code 1h}, {@code 2d} or ISO-8601
 * {@code PT5M}.
 */
final class DurationParser {

  private static final Pattern SIMPLE = Pattern.compile("([0-9]{1,9})(ms|MS|[smhdSMHD])");

  private DurationParser() {}

  static Parsed<Duration> parse(String raw, Duration min, Duration max) {
    String expectation =
        "must be a duration from "
            + format(min)
            + " to "
            + format(max)
            + " such as 300s, 5m, 1h, 2d or ISO-8601 PT5M";
    Duration value;
    Matcher m = SIMPLE.matcher(raw);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      value =
          switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
    } else {
      try {
        value = Duration.parse(raw);
      } catch (DateTimeParseException e) {
        return Parsed.expected(expectation, raw);
      }
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      return Parsed.expected(expectation, raw);
    }
    return Parsed.ok(value);
  }

  /** The shortest simple form, e.g. {@code 7d}, {@code 90m}, {@code 45s}. */
  static String format(Duration d) {
    long seconds = d.getSeconds();
    if (seconds != 0 && seconds % 86_400 == 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds != 0 && seconds % 3_600 == 0) {
      return seconds / 3_600 + "h";
    }
    if (seconds != 0 && seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    if (seconds == 0 && d.getNano() != 0 && d.getNano() % 1_000_000 == 0) {
      return d.getNano() / 1_000_000 + "ms";
    }
    return d.getNano() == 0 ? seconds + "s" : d.toString();
  }
}
