package dev.drgw.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drgw.account.Account;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.changes.ProvisioningState;
import dev.drgw.domain.Stored;
import java.util.List;

/** The Account resource on the wire (ACG Provisioning API 2024-02-29-preview). */
final class AccountJson {

  private static final String DR = "serviceDetails.teamsDirectRouting";

  private final ObjectMapper mapper;

  AccountJson(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** The account a request body describes; read-only fields are ignored. */
  Account read(JsonNode body, JsonFields f) {
    String name = f.string(body, "name", "name");
    String correlationId = f.string(body, "correlationId", "correlationId");
    JsonNode details = f.object(body, "serviceDetails", "serviceDetails");
    String tenant = f.string(details, "teamsTenantId", "serviceDetails.teamsTenantId");
    JsonNode dr = f.object(details, "teamsDirectRouting", DR);
    DirectRouting directRouting = DirectRouting.OFF;
    if (dr != null) {
      Boolean sync = f.bool(dr, "syncEnabled", DR + ".syncEnabled", null);
      Boolean enabled = f.bool(dr, "enabled", DR + ".enabled", null);
      if (sync == null && !dr.hasNonNull("syncEnabled")) {
        f.required(DR + ".syncEnabled");
      }
      if (enabled == null && !dr.hasNonNull("enabled")) {
        f.required(DR + ".enabled");
      }
      JsonNode config = f.object(dr, "configuration", DR + ".configuration");
      DirectRoutingConfig configuration = null;
      if (config != null) {
        String c = DR + ".configuration";
        JsonNode tokens = f.object(config, "subdomainTokens", c + ".subdomainTokens");
        configuration =
            new DirectRoutingConfig(
                f.bool(config, "callScreening", c + ".callScreening", true),
                f.string(config, "subdomain", c + ".subdomain"),
                f.string(tokens, "region1Token", c + ".subdomainTokens.region1Token"),
                f.string(tokens, "region2Token", c + ".subdomainTokens.region2Token"));
      }
      directRouting =
          new DirectRouting(Boolean.TRUE.equals(sync), Boolean.TRUE.equals(enabled), configuration);
    }
    String others =
        ServiceDetails.captureOthers(mapper, details, "serviceDetails", f, List.of("numberCount"));
    return new Account(name, correlationId, tenant, directRouting, others);
  }

  ObjectNode write(Stored<Account> stored, long numberCount, ProvisioningState state) {
    Account a = stored.value();
    ObjectNode node = mapper.createObjectNode();
    node.put("name", a.name());
    if (a.correlationId() != null) {
      node.put("correlationId", a.correlationId());
    }
    ObjectNode details = node.putObject("serviceDetails");
    if (a.teamsTenantId() != null) {
      details.put("teamsTenantId", a.teamsTenantId());
    }
    DirectRouting dr = a.directRouting();
    ObjectNode drNode = details.putObject("teamsDirectRouting");
    drNode.put("syncEnabled", dr.syncEnabled());
    drNode.put("enabled", dr.enabled());
    drNode.put("numberCount", numberCount);
    drNode.put("subdomainStatus", state.subdomainStatus().wire());
    DirectRoutingConfig c = dr.configuration();
    if (c != null) {
      ObjectNode config = drNode.putObject("configuration");
      config.put("callScreening", c.callScreening());
      config.put("subdomain", c.subdomain());
      ObjectNode tokens = config.putObject("subdomainTokens");
      tokens.put("region1Token", c.region1Token());
      if (c.region2Token() != null) {
        tokens.put("region2Token", c.region2Token());
      }
    }
    ServiceDetails.restoreOthers(mapper, details, a.otherServices());
    node.put("serviceProvisioningStatus", state.serviceStatus().wire());
    node.putArray("serviceProvisioningErrors");
    RegionStatusJson.write(node, state, true);
    return node;
  }
}
