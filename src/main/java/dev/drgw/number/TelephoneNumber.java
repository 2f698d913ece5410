package dev.drgw.number;

import dev.drgw.domain.Rules;
import dev.drgw.domain.Violation;
import java.util.Optional;

/** E.164 telephone numbers as the API carries them: {@code +} then 2 to 15 digits, no leading 0. */
public final class TelephoneNumber {

  public static final int MAX_DIGITS = 15;

  private TelephoneNumber() {}

  /** What is wrong with {@code value} as an E.164 number, in plain words; empty when valid. */
  public static Optional<Violation> check(String value, String target) {
    if (value == null) {
      return Optional.of(new Violation(target, "Required", target + " is required"));
    }
    if (isValid(value)) {
      return Optional.empty();
    }
    String shown = "\"" + Rules.printable(value) + "\"";
    if (!value.startsWith("+")) {
      return invalid(
          target,
          "must start with '+' and the country code (E.164, e.g. +442071234567), got " + shown);
    }
    String digits = value.substring(1);
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return invalid(target, "may contain only digits after the '+', got " + shown);
    }
    if (digits.charAt(0) == '0') {
      return invalid(target, "cannot start with 0 after the '+' (no country code does), got " + shown);
    }
    if (digits.length() > MAX_DIGITS) {
      return invalid(
          target,
          "has " + digits.length() + " digits; E.164 allows at most " + MAX_DIGITS + ", got " + shown);
    }
    if (digits.length() < 2) {
      return invalid(target, "is too short to be a telephone number, got " + shown);
    }
    return Optional.empty();
  }

  /** The same rule as {@link #check} without building a message: SIP and DNS call it per message. */
  public static boolean isValid(String value) {
    if (value == null || value.length() < 3 || value.length() > MAX_DIGITS + 1 || value.charAt(0) != '+'
        || value.charAt(1) == '0') {
      return false;
    }
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static Optional<Violation> invalid(String target, String message) {
    return Optional.of(new Violation(target, "InvalidTelephoneNumber", target + " " + message));
  }
}
