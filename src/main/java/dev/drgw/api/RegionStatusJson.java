package dev.drgw.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drgw.changes.ProvisioningState;

/**
 * The {@code regionStatus} extension (not in ACG's API): the status as each region serves it,
 * e.g. {@code "regionStatus": {"region1": {"subdomainStatus": "provisioned",
 * "serviceProvisioningStatus": "synced", "liveNodes": 2}}}. Output only, and ignored when a
 * client sends it back. (How far each node has got is {@code GET /nodes}: kept out of the
 * entity so that reading it twice gives the same body.)
 */
final class RegionStatusJson {

  static final String FIELD = "regionStatus";

  private RegionStatusJson() {}

  static void write(ObjectNode entity, ProvisioningState state, boolean withSubdomains) {
    if (state.regions().isEmpty()) {
      return;
    }
    ObjectNode regions = entity.putObject(FIELD);
    for (ProvisioningState.RegionProvisioning r : state.regions()) {
      ObjectNode region = regions.putObject("region" + r.region());
      if (withSubdomains) {
        region.put("subdomainStatus", r.subdomainStatus().wire());
      }
      region.put("serviceProvisioningStatus", r.serviceStatus().wire());
      region.put("liveNodes", r.liveNodes());
    }
  }
}
