package dev.drgw.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;

/**
 * Path parameters decoded as paths are ({@code %2B} and a literal {@code +} both mean plus), not
 * as form data (where {@code +} means space).
 */
final class PathParams {

  private PathParams() {}

  static String decoded(Context ctx, String name) {
    String raw = ctx.pathParamMap().get(name);
    if (raw == null) {
      throw new IllegalArgumentException("no path parameter " + name);
    }
    return raw;
  }

  /** Percent-decodes a raw path segment; a malformed escape is a 400. */
  static String percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    byte[] out = new byte[raw.length()];
    int n = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw ApiError.badRequest("InvalidPath", "the path has a malformed percent escape", null);
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw ApiError.badRequest("InvalidPath", "the path has a malformed percent escape", null);
        }
        out[n++] = (byte) ((hi << 4) | lo);
        i += 2;
      } else {
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
          out[n++] = b;
        }
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }
}
