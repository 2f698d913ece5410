package dev.drgw.config;

import java.util.Locale;
import java.util.Optional;

/** The region label pattern, e.g. {@code 1r%d}: {@code %d} becomes the region number. */
final class RegionFormat {

  static final String PLACEHOLDER = "%d";

  private RegionFormat() {}

  /** The format, lower-cased, if it yields a valid DNS label for every region 1..regions. */
  static Parsed<String> parse(String raw, int regions) {
    if (raw.chars().filter(c -> c == '%').count() != 1 || !raw.contains(PLACEHOLDER)) {
      return Parsed.expected(
          "must contain " + PLACEHOLDER + " exactly once and no other % conversions", raw);
    }
    String format = raw.toLowerCase(Locale.ROOT);
    for (int region = 1; region <= regions; region++) {
      String label = label(format, region);
      Optional<String> problem =
          label.contains(".") ? Optional.of("it contains a dot") : DnsNames.labelProblem(label);
      if (problem.isPresent()) {
        return Parsed.expected(
            "must give a single DNS label (letters, digits and hyphens, no dots) for each region,"
                + " but region "
                + region
                + " gives "
                + Parsed.quote(label)
                + " ("
                + problem.get()
                + ")",
            raw);
      }
    }
    return Parsed.ok(format);
  }

  static String label(String format, int region) {
    return format.replace(PLACEHOLDER, Integer.toString(region));
  }
}
