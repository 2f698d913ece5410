package dev.drgw.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts such as {@code 1048576}, {@code 512k} (KiB) or {@code 2m} (MiB). */
final class SizeParser {

  private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})([kKmM]?)");

  private SizeParser() {}

  static Parsed<Long> parse(String raw, long min, long max) {
    String expectation =
        "must be a size in bytes from "
            + min
            + " to "
            + max
            + ", optionally with suffix k (KiB) or m (MiB) such as 2m";
    Matcher m = SIZE.matcher(raw);
    if (!m.matches()) {
      return Parsed.expected(expectation, raw);
    }
    long unit =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 1024L;
          case "m" -> 1024L * 1024;
          default -> 1L;
        };
    long bytes = Long.parseLong(m.group(1)) * unit;
    if (bytes < min || bytes > max) {
      return Parsed.expected(expectation, raw);
    }
    return Parsed.ok(bytes);
  }
}
