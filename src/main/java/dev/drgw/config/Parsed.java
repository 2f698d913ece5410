package dev.drgw.config;

import java.util.function.Function;

/** The outcome of parsing one raw setting value: the value, or why it is unacceptable. */
sealed interface Parsed<T> {

  record Ok<T>(T value) implements Parsed<T> {}

  /** {@code reason} follows the setting's names, e.g. {@code must be 1 or 2, got "3"}. */
  record Bad<T>(String reason) implements Parsed<T> {}

  static <T> Parsed<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> Parsed<T> bad(String reason) {
    return new Bad<>(reason);
  }

  /** A {@link Bad} saying what was expected and quoting what was given. */
  static <T> Parsed<T> expected(String expectation, String given) {
    return new Bad<>(expectation + ", got " + quote(given));
  }

  default <R> Parsed<R> map(Function<? super T, ? extends R> f) {
    if (this instanceof Ok<T> ok) {
      return new Ok<>(f.apply(ok.value()));
    }
    return new Bad<>(((Bad<T>) this).reason());
  }

  /** The text in double quotes, with quotes, backslashes and control characters escaped. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
