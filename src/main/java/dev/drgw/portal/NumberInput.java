package dev.drgw.portal;

import dev.drgw.number.TelephoneNumber;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The "Create numbers" text: one E.164 number per line, or a range such as
 * {@code +442071230000-+442071230099} (both ends included, same length). Pure.
 */
final class NumberInput {

  static final int MAX_NUMBERS = 10_000;

  /** The numbers, in order and without repeats, and a message per line that is wrong. */
  record Parsed(List<String> numbers, List<String> errors) {}

  private NumberInput() {}

  static Parsed parse(String text) {
    Set<String> numbers = new LinkedHashSet<>();
    List<String> errors = new ArrayList<>();
    String[] lines = text == null ? new String[0] : text.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + (i + 1) + " (" + shorten(line) + "): ";
      int dash = line.indexOf('-', 1);
      if (dash < 0) {
        var problem = TelephoneNumber.check(line, "number");
        if (problem.isPresent()) {
          errors.add(where + problem.get().message().replaceFirst("^number ", ""));
        } else {
          numbers.add(line);
        }
      } else {
        range(line.substring(0, dash).strip(), line.substring(dash + 1).strip(), where, numbers, errors);
      }
      if (numbers.size() > MAX_NUMBERS) {
        errors.add("at most " + MAX_NUMBERS + " numbers at once; split the list");
        break;
      }
    }
    if (numbers.isEmpty() && errors.isEmpty()) {
      errors.add("enter at least one number, e.g. +442071230000 or +442071230000-+442071230099");
    }
    return new Parsed(List.copyOf(numbers), errors);
  }

  private static void range(String from, String to, String where, Set<String> out, List<String> errors) {
    var a = TelephoneNumber.check(from, "start");
    var b = TelephoneNumber.check(to, "end");
    if (a.isPresent() || b.isPresent()) {
      errors.add(where + (a.isPresent() ? a.get().message() : b.get().message()));
      return;
    }
    if (from.length() != to.length()) {
      errors.add(where + "both ends of a range need the same number of digits");
      return;
    }
    long start = Long.parseLong(from.substring(1));
    long end = Long.parseLong(to.substring(1));
    if (end < start) {
      errors.add(where + "the range ends before it starts");
      return;
    }
    if (end - start + 1 > MAX_NUMBERS) {
      errors.add(where + "a range can hold at most " + MAX_NUMBERS + " numbers, this one has " + (end - start + 1));
      return;
    }
    int digits = from.length() - 1;
    for (long n = start; n <= end; n++) {
      out.add("+" + String.format("%0" + digits + "d", n));
    }
  }

  private static String shorten(String line) {
    if (line.length() <= 40) {
      return line;
    }
    int cut = Character.isHighSurrogate(line.charAt(39)) ? 39 : 40;
    return line.substring(0, cut) + "...";
  }
}
