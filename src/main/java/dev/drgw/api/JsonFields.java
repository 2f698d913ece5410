package dev.drgw.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drgw.domain.Rules;
import dev.drgw.domain.Violation;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads typed fields out of a JSON tree, collecting a {@link Violation} for every field of the
 * wrong type instead of stopping at the first. No coercion: {@code "true"} is not a boolean.
 */
final class JsonFields {

  private final List<Violation> violations = new ArrayList<>();
  private final String prefix;

  JsonFields(String prefix) {
    this.prefix = prefix;
  }

  List<Violation> violations() {
    return violations;
  }

  /** The object at {@code field}, or null when absent or null; a violation if not an object. */
  JsonNode object(JsonNode parent, String field, String path) {
    JsonNode node = parent == null ? null : parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      wrongType(path, "a JSON object", node);
      return null;
    }
    return node;
  }

  String string(JsonNode parent, String field, String path) {
    JsonNode node = parent == null ? null : parent.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      wrongType(path, "a string", node);
      return null;
    }
    return node.textValue();
  }

  /** The boolean at {@code field}, or {@code absent} when missing or null. */
  Boolean bool(JsonNode parent, String field, String path, Boolean absent) {
    JsonNode node = parent == null ? null : parent.get(field);
    if (node == null || node.isNull()) {
      return absent;
    }
    if (!node.isBoolean()) {
      wrongType(path, "true or false", node);
      return absent;
    }
    return node.booleanValue();
  }

  void required(String path) {
    violations.add(new Violation(prefix + path, "Required", prefix + path + " is required"));
  }

  private void wrongType(String path, String expected, JsonNode got) {
    String shown = got.isTextual() ? "\"" + Rules.printable(got.textValue()) + "\"" : describe(got);
    violations.add(
        new Violation(
            prefix + path,
            "InvalidType",
            prefix + path + " must be " + expected + ", got " + shown));
  }

  private static String describe(JsonNode node) {
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    return Rules.printable(node.toString());
  }
}
