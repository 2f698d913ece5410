package dev.drgw.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drgw.account.Account;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.changes.Change;
import dev.drgw.number.NumberEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of change sets: a JSON array, one object per change, with explicit field names
 * so that the format stays stable whatever the Java records become.
 */
final class ChangeCodec {

  private final ObjectMapper json;

  ChangeCodec(ObjectMapper json) {
    this.json = json;
  }

  String encode(List<Change> changes) {
    ArrayNode array = json.createArrayNode();
    for (Change change : changes) {
      array.add(encode(change));
    }
    try {
      return json.writeValueAsString(array);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a change set", e);
    }
  }

  private ObjectNode encode(Change change) {
    ObjectNode node = json.createObjectNode();
    if (change instanceof Change.AccountPut put) {
      Account a = put.account();
      node.put("type", "account.put").put("name", a.name());
      node.put("correlationId", a.correlationId()).put("teamsTenantId", a.teamsTenantId());
      DirectRouting dr = a.directRouting();
      node.put("drSyncEnabled", dr.syncEnabled()).put("drEnabled", dr.enabled());
      DirectRoutingConfig c = dr.configuration();
      if (c != null) {
        node.put("callScreening", c.callScreening()).put("subdomain", c.subdomain());
        node.put("region1Token", c.region1Token()).put("region2Token", c.region2Token());
      }
    } else if (change instanceof Change.AccountDeleted deleted) {
      node.put("type", "account.deleted").put("name", deleted.accountName());
    } else if (change instanceof Change.NumberPut put) {
      NumberEntry n = put.number();
      node.put("type", "number.put").put("number", n.telephoneNumber());
      node.put("account", n.accountName()).put("drEnabled", n.directRoutingEnabled());
      node.put("customSipHeader", n.customSipHeader());
    } else if (change instanceof Change.NumberDeleted deleted) {
      node.put("type", "number.deleted").put("number", deleted.telephoneNumber());
      node.put("account", deleted.accountName());
    }
    return node;
  }

  List<Change> decode(String text) {
    JsonNode array;
    try {
      array = json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt change set in the change log", e);
    }
    List<Change> changes = new ArrayList<>(array.size());
    for (JsonNode node : array) {
      changes.add(decodeOne(node));
    }
    return changes;
  }

  private static Change decodeOne(JsonNode n) {
    String type = n.path("type").asText();
    switch (type) {
      case "account.put":
        DirectRoutingConfig config =
            n.hasNonNull("subdomain")
                ? new DirectRoutingConfig(
                    n.path("callScreening").asBoolean(true),
                    n.get("subdomain").asText(),
                    text(n, "region1Token"),
                    text(n, "region2Token"))
                : null;
        return new Change.AccountPut(
            new Account(
                n.get("name").asText(),
                text(n, "correlationId"),
                text(n, "teamsTenantId"),
                new DirectRouting(
                    n.path("drSyncEnabled").asBoolean(), n.path("drEnabled").asBoolean(), config),
                null));
      case "account.deleted":
        return new Change.AccountDeleted(n.get("name").asText());
      case "number.put":
        return new Change.NumberPut(
            new NumberEntry(
                n.get("number").asText(),
                n.get("account").asText(),
                n.path("drEnabled").asBoolean(),
                text(n, "customSipHeader"),
                null));
      case "number.deleted":
        return new Change.NumberDeleted(n.get("number").asText(), n.get("account").asText());
      default:
        throw new IllegalStateException("unknown change type in the change log: " + type);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
