package dev.drgw.config;

import java.util.Locale;
import java.util.Optional;

/** DNS host names: labels of letters, digits and hyphens (RFC 1123), lower-cased on parse. */
final class DnsNames {

  static final int MAX_LABEL = 63;
  static final int MAX_NAME = 253;

  private DnsNames() {}

  /** A DNS name, lower-cased, with one trailing dot removed. */
  static Parsed<String> parse(String raw) {
    String name = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
    return problem(name)
        .<Parsed<String>>map(p -> Parsed.expected("must be a DNS name: " + p, raw))
        .orElseGet(() -> Parsed.ok(name.toLowerCase(Locale.ROOT)));
  }

  /** What makes {@code name} (no trailing dot) an invalid DNS name, if anything. */
  static Optional<String> problem(String name) {
    if (name.isEmpty()) {
      return Optional.of("it is empty");
    }
    if (name.length() > MAX_NAME) {
      return Optional.of(
          "it has " + name.length() + " characters, more than " + MAX_NAME + " are not allowed");
    }
    for (String label : name.split("\\.", -1)) {
      Optional<String> problem = labelProblem(label);
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  /** What makes {@code label} an invalid DNS label, if anything. */
  static Optional<String> labelProblem(String label) {
    if (label.isEmpty()) {
      return Optional.of("a label is empty");
    }
    String quoted = Parsed.quote(label);
    if (label.length() > MAX_LABEL) {
      return Optional.of("label " + quoted + " is longer than " + MAX_LABEL + " characters");
    }
    if (!label.chars().allMatch(DnsNames::isLetterDigitHyphen)) {
      return Optional.of("label " + quoted + " may only contain letters, digits and hyphens");
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      return Optional.of("label " + quoted + " must not start or end with a hyphen");
    }
    return Optional.empty();
  }

  private static boolean isLetterDigitHyphen(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }
}
