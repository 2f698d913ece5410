package dev.drgw.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** A complete API response as a value, so that it can be recorded and replayed. */
record ApiResponse(int status, Map<String, String> headers, byte[] body) {

  static final byte[] NO_BODY = new byte[0];

  ApiResponse {
    headers = Map.copyOf(headers);
  }

  static ApiResponse noContent() {
    return new ApiResponse(204, Map.of(), NO_BODY);
  }

  ApiResponse withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new ApiResponse(status, copy, body);
  }
}
