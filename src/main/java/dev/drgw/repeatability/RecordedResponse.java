package dev.drgw.repeatability;

import java.util.Map;

/** The first outcome of a repeatable request, replayed to its retries. */
public record RecordedResponse(int status, Map<String, String> headers, byte[] body) {

  public RecordedResponse {
    headers = Map.copyOf(headers);
  }
}
