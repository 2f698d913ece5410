package dev.drgw.domain;

import java.util.List;
import java.util.regex.Pattern;

/** Small helpers shared by the validation rules of accounts and numbers. */
public final class Rules {

  private Rules() {}

  /** Adds a violation unless {@code value} is 1..max characters of {@code pattern}'s alphabet. */
  public static void checkToken(
      List<Violation> out,
      String target,
      String value,
      int max,
      Pattern pattern,
      String alphabet) {
    if (value == null) {
      out.add(new Violation(target, "Required", target + " is required"));
    } else if (value.isEmpty() || value.length() > max) {
      out.add(
          new Violation(
              target,
              "InvalidLength",
              target + " must be 1 to " + max + " characters, got " + value.length()));
    } else if (!pattern.matcher(value).matches()) {
      out.add(
          new Violation(
              target,
              "InvalidCharacters",
              target + " may contain only " + alphabet + ", got \"" + printable(value) + "\""));
    }
  }

  /** The value with control characters escaped and cut to a readable length, for messages. */
  public static String printable(String value) {
    StringBuilder b = new StringBuilder();
    value
        .codePoints()
        .limit(60)
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    if (value.codePointCount(0, value.length()) > 60) {
      b.append("...");
    }
    return b.toString();
  }
}
