package dev.drgw.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Map;

/** JSON in and out of the API: strict parsing with clear errors, compact output. */
final class Json {

  private final ObjectMapper mapper;

  Json() {
    JsonMapper mapper =
        JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(32).maxNumberLength(64).build());
    this.mapper = mapper;
  }

  ObjectMapper mapper() {
    return mapper;
  }

  /** Parses a request body that must be a JSON object. */
  JsonNode parseObject(byte[] body) {
    if (body.length == 0) {
      throw ApiError.badRequest("InvalidJson", "the request body is empty; a JSON object is required", null);
    }
    JsonNode node;
    try {
      node = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw ApiError.badRequest(
          "InvalidJson", "the request body is not valid JSON" + where + ": " + e.getOriginalMessage(), null);
    } catch (IOException e) {
      throw ApiError.badRequest("InvalidJson", "the request body could not be read", null);
    }
    if (node == null || !node.isObject()) {
      throw ApiError.badRequest("InvalidJson", "the request body must be a JSON object", null);
    }
    return node;
  }

  byte[] write(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  ApiResponse response(int status, Object body) {
    return new ApiResponse(status, Map.of("Content-Type", "application/json"), write(body));
  }
}
