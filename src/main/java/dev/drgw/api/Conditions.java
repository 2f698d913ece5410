package dev.drgw.api;

import dev.drgw.domain.Precondition;
import io.javalin.http.Context;
import java.util.Optional;

/** Entity tags on the wire: the ETag header and the If-Match / If-None-Match conditions. */
final class Conditions {

  private Conditions() {}

  static String etagHeader(String etag) {
    return "\"" + etag + "\"";
  }

  static Precondition of(Context ctx) {
    return new Precondition(tag(ctx.header("If-Match")), tag(ctx.header("If-None-Match")));
  }

  /** A single entity tag or {@code *}, quotes and weak prefix removed. */
  private static Optional<String> tag(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    if (value.startsWith("W/")) {
      value = value.substring(2);
    }
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    return Optional.of(value);
  }

  /** Whether a GET may answer 304: If-None-Match names the current tag (or is {@code *}). */
  static boolean notModified(Context ctx, String etag) {
    return tag(ctx.header("If-None-Match")).filter(t -> t.equals("*") || t.equals(etag)).isPresent();
  }
}
