package dev.drgw;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself, before any route runs (a URI with {@code %00}, headers too large):
 * in the API's Azure Core error shape instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(
      Request request, Response response, int status, String message, Throwable cause, Callback callback)
      throws IOException {
    String code =
        switch (status) {
          case 400 -> "BadRequest";
          case 404 -> "NotFound";
          case 405 -> "MethodNotAllowed";
          case 413 -> "RequestTooLarge";
          case 414 -> "UriTooLong";
          case 431 -> "RequestHeadersTooLarge";
          default -> status >= 500 ? "InternalError" : "HttpError";
        };
    String text = message == null || message.isBlank() ? "the request was rejected" : message;
    String body =
        "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + escape(text) + " (HTTP " + status + ")\"}}";
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put("x-ms-error-code", code);
    response.getHeaders().put("x-ms-request-id", UUID.randomUUID().toString());
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(' ');
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
