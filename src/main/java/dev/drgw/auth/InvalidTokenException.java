package dev.drgw.auth;

/**
 * A bearer token that is not accepted (the API answers 401). The message is short and safe to put
 * in a {@code WWW-Authenticate} {@code error_description}: printable ASCII without quotes or
 * backslashes, and never any of the token's contents.
 */
public final class InvalidTokenException extends Exception {

  private static final int MAX_MESSAGE_CHARS = 200;

  public InvalidTokenException(String message) {
    this(message, null);
  }

  /** {@code cause} is for logs only, e.g. why the signing keys could not be fetched. */
  public InvalidTokenException(String message, Throwable cause) {
    super(safe(message), cause, false, false);
  }

  private static String safe(String message) {
    if (message == null) {
      return "invalid token";
    }
    StringBuilder out = new StringBuilder(Math.min(message.length(), MAX_MESSAGE_CHARS));
    for (int i = 0; i < message.length() && out.length() < MAX_MESSAGE_CHARS; i++) {
      char c = message.charAt(i);
      boolean printable = c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
      out.append(printable ? c : ' ');
    }
    String result = out.toString().strip();
    return result.isEmpty() ? "invalid token" : result;
  }
}
