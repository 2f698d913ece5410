package dev.drgw.api;

import dev.drgw.domain.Violation;
import java.util.List;
import java.util.Map;

/**
 * A request the API refuses before it reaches the domain (bad JSON, wrong content type, missing
 * token, ...). Mapped to an Azure Core error body by {@link ErrorBodies}.
 */
final class ApiError extends RuntimeException {

  final int status;
  final String code;
  final String target;
  final List<Violation> details;
  final transient Map<String, String> headers;

  ApiError(
      int status,
      String code,
      String message,
      String target,
      List<Violation> details,
      Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.target = target;
    this.details = List.copyOf(details);
    this.headers = Map.copyOf(headers);
  }

  ApiError(int status, String code, String message) {
    this(status, code, message, null, List.of(), Map.of());
  }

  static ApiError badRequest(String code, String message, String target) {
    return new ApiError(400, code, message, target, List.of(), Map.of());
  }

  static ApiError invalid(List<Violation> violations) {
    Violation first = violations.get(0);
    boolean one = violations.size() == 1;
    return new ApiError(
        400,
        one ? first.code() : "InvalidInput",
        one ? first.message() : violations.size() + " fields are invalid; see details",
        one ? first.target() : null,
        violations,
        Map.of());
  }
}
