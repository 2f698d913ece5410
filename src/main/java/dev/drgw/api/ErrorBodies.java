package dev.drgw.api;

import dev.drgw.domain.ProvisioningException;
import dev.drgw.domain.Violation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where failures become HTTP responses: Azure Core error bodies
 * ({@code {"error": {"code", "message", "target", "details"}}}) with {@code x-ms-error-code}.
 */
final class ErrorBodies {

  private final Json json;

  ErrorBodies(Json json) {
    this.json = json;
  }

  ApiResponse of(ApiError e) {
    return body(e.status, e.code, e.getMessage(), e.target, e.details, e.headers);
  }

  ApiResponse of(ProvisioningException e) {
    if (e instanceof ProvisioningException.Invalid invalid) {
      List<Violation> v = invalid.violations();
      return body(400, e.code(), e.getMessage(), v.size() == 1 ? v.get(0).target() : null, v, Map.of());
    }
    if (e instanceof ProvisioningException.NotFound notFound) {
      return body(404, e.code(), e.getMessage(), null, notFound.details(), Map.of());
    }
    if (e instanceof ProvisioningException.Conflict conflict) {
      return body(409, e.code(), e.getMessage(), conflict.target(), conflict.details(), Map.of());
    }
    return body(412, e.code(), e.getMessage(), null, List.of(), Map.of());
  }

  /** Seconds a client should wait before retrying while the database is unavailable. */
  static final int RETRY_AFTER_SECONDS = 5;

  /** The database cannot be reached: nothing was changed, and the same request may be retried. */
  ApiResponse unavailable() {
    return body(
        503,
        "ServiceUnavailable",
        "the provisioning database is unavailable, so nothing was read or changed; DNS and calls are"
            + " still served. Retry the request after " + RETRY_AFTER_SECONDS + " seconds",
        null,
        List.of(),
        Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
  }

  ApiResponse internal(String requestId) {
    return body(
        500,
        "InternalError",
        "drgw could not complete the request; the server log has the details under request id "
            + requestId,
        null,
        List.of(),
        Map.of());
  }

  ApiResponse body(
      int status,
      String code,
      String message,
      String target,
      List<Violation> details,
      Map<String, String> headers) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    if (target != null) {
      error.put("target", target);
    }
    boolean onlyRepeatsTheError =
        details.size() == 1
            && details.get(0).message().equals(message)
            && !details.get(0).target().startsWith("numbers[");
    if (!details.isEmpty() && !onlyRepeatsTheError) {
      error.put(
          "details",
          details.stream()
              .map(
                  d -> {
                    Map<String, Object> detail = new LinkedHashMap<>();
                    detail.put("code", d.code());
                    detail.put("message", d.message());
                    detail.put("target", d.target());
                    return detail;
                  })
              .toList());
    }
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Content-Type", "application/json");
    all.put("x-ms-error-code", code);
    return new ApiResponse(status, all, json.write(Map.of("error", error)));
  }
}
