package dev.drgw.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drgw.domain.Violation;
import java.util.List;

/**
 * The services other than Teams Direct Routing (Operator Connect, Teams Phone Mobile, Zoom, Call
 * Protection): accepted and returned unchanged so bodies round-trip, with no effect in drgw.
 */
final class ServiceDetails {

  static final List<String> OTHER_SERVICES =
      List.of("teamsOperatorConnect", "teamsPhoneMobile", "zoomPhoneCloudPeering", "azureOperatorCallProtection");

  static final int MAX_OTHER_SERVICES_CHARS = 16 * 1024;

  private ServiceDetails() {}

  /**
   * The other services' objects of {@code serviceDetails} as compact JSON text, without their
   * read-only fields; null when there are none.
   */
  static String captureOthers(
      ObjectMapper mapper, JsonNode serviceDetails, String path, JsonFields fields, List<String> readOnly) {
    if (serviceDetails == null) {
      return null;
    }
    ObjectNode kept = mapper.createObjectNode();
    for (String service : OTHER_SERVICES) {
      JsonNode node = fields.object(serviceDetails, service, path + "." + service);
      if (node != null) {
        ObjectNode copy = node.deepCopy();
        for (String field : readOnly) {
          removePath(copy, field);
        }
        kept.set(service, copy);
      }
    }
    if (kept.isEmpty()) {
      return null;
    }
    String text;
    try {
      text = mapper.writeValueAsString(kept);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    if (text.length() > MAX_OTHER_SERVICES_CHARS) {
      fields
          .violations()
          .add(
              new Violation(
                  path,
                  "TooLarge",
                  "the details of services other than Teams Direct Routing must be at most "
                      + MAX_OTHER_SERVICES_CHARS
                      + " characters of JSON"));
      return null;
    }
    return text;
  }

  /** Puts stored other services back into {@code serviceDetails}. */
  static void restoreOthers(ObjectMapper mapper, ObjectNode serviceDetails, String stored) {
    if (stored == null) {
      return;
    }
    try {
      JsonNode others = mapper.readTree(stored);
      others.properties().forEach(e -> serviceDetails.set(e.getKey(), e.getValue()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored service details are not JSON", e);
    }
  }

  private static void removePath(ObjectNode node, String dotted) {
    int dot = dotted.indexOf('.');
    if (dot < 0) {
      node.remove(dotted);
      return;
    }
    JsonNode child = node.get(dotted.substring(0, dot));
    if (child instanceof ObjectNode object) {
      removePath(object, dotted.substring(dot + 1));
    }
  }
}
