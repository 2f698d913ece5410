package dev.drgw.sip;

import dev.drgw.number.TelephoneNumber;
import java.util.Locale;
import java.util.Optional;

/**
 * Telephone numbers as SIP carries them, normalised to E.164 with {@code +}: the user part of a
 * {@code sip:}/{@code sips:} URI or the number of a {@code tel:} URI, with URI parameters and
 * visual separators removed and an international {@code 00} prefix read as {@code +}. Digits
 * without any prefix are taken as E.164 without the {@code +} (what Microsoft and most carriers
 * send when they leave it out). Pure; no SIP stack types.
 */
public final class CallerNumber {

  private CallerNumber() {}

  /** The E.164 number in a URI such as {@code sip:+441273652000@host;user=phone}, if it holds one. */
  public static Optional<String> fromUri(String uri) {
    if (uri == null) {
      return Optional.empty();
    }
    String u = uri.strip();
    if (u.startsWith("<") && u.indexOf('>') > 0) {
      u = u.substring(1, u.indexOf('>'));
    }
    String lower = u.toLowerCase(Locale.ROOT);
    String user;
    if (lower.startsWith("tel:")) {
      user = u.substring(4);
    } else if (lower.startsWith("sip:") || lower.startsWith("sips:")) {
      int colon = u.indexOf(':');
      int at = u.indexOf('@', colon);
      if (at < 0) {
        return Optional.empty();
      }
      user = u.substring(colon + 1, at);
    } else {
      return Optional.empty();
    }
    int parameters = user.indexOf(';');
    if (parameters >= 0) {
      user = user.substring(0, parameters);
    }
    return fromUser(user);
  }

  /** The E.164 number in a URI user part such as {@code +44 (1273) 652-000}, if it is one. */
  public static Optional<String> fromUser(String user) {
    if (user == null) {
      return Optional.empty();
    }
    StringBuilder digits = new StringBuilder(user.length() + 1);
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c == '+' && i == 0) {
        digits.append(c);
      } else if (c >= '0' && c <= '9') {
        digits.append(c);
      } else if (c != '-' && c != '.' && c != '(' && c != ')' && c != ' ') {
        return Optional.empty(); // letters, '*', '#', percent-escapes: not a plain number
      }
    }
    String number = digits.toString();
    if (number.startsWith("00")) {
      number = "+" + number.substring(2);
    } else if (!number.startsWith("+")) {
      number = "+" + number;
    }
    return TelephoneNumber.isValid(number) ? Optional.of(number) : Optional.empty();
  }
}
