package dev.drgw.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drgw.changes.ProvisioningState;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import java.util.List;

/** The Number resource on the wire (ACG Provisioning API 2024-02-29-preview). */
final class NumberJson {

  /** Read-only fields inside the other services' number details. */
  private static final List<String> READ_ONLY =
      List.of("configuration.acquiredCapabilities", "configuration.availableCapabilities");

  private final ObjectMapper mapper;

  NumberJson(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  NumberEntry read(JsonNode body, JsonFields f) {
    String number = f.string(body, "telephoneNumber", "telephoneNumber");
    String account = f.string(body, "accountName", "accountName");
    JsonNode details = f.object(body, "serviceDetails", "serviceDetails");
    if (details == null && !body.hasNonNull("serviceDetails")) {
      f.required("serviceDetails");
    }
    JsonNode dr = f.object(details, "teamsDirectRouting", "serviceDetails.teamsDirectRouting");
    boolean enabled = false;
    if (dr != null) {
      Boolean value = f.bool(dr, "enabled", "serviceDetails.teamsDirectRouting.enabled", null);
      if (value == null && !dr.hasNonNull("enabled")) {
        f.required("serviceDetails.teamsDirectRouting.enabled");
      }
      enabled = Boolean.TRUE.equals(value);
    }
    JsonNode configuration = f.object(body, "configuration", "configuration");
    String header = f.string(configuration, "customSipHeader", "configuration.customSipHeader");
    String others = ServiceDetails.captureOthers(mapper, details, "serviceDetails", f, READ_ONLY);
    return new NumberEntry(number, account, enabled, header, others);
  }

  ObjectNode write(Stored<NumberEntry> stored, ProvisioningState state) {
    NumberEntry n = stored.value();
    ObjectNode node = mapper.createObjectNode();
    node.put("telephoneNumber", n.telephoneNumber());
    node.put("accountName", n.accountName());
    ObjectNode details = node.putObject("serviceDetails");
    details.putObject("teamsDirectRouting").put("enabled", n.directRoutingEnabled());
    ServiceDetails.restoreOthers(mapper, details, n.otherServices());
    if (n.customSipHeader() != null) {
      node.putObject("configuration").put("customSipHeader", n.customSipHeader());
    }
    node.put("serviceProvisioningStatus", state.serviceStatus().wire());
    node.putArray("serviceProvisioningErrors");
    RegionStatusJson.write(node, state, false);
    return node;
  }
}
