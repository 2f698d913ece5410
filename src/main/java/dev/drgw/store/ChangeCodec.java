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
      node.put("type", "account.put");
      putAccount(node, put.account());
    } else if (change instanceof Change.AccountDeleted deleted) {
      node.put("type", "account.deleted").put("name", deleted.accountName());
    } else if (change instanceof Change.NumberPut put) {
      node.put("type", "number.put");
      putNumber(node, put.number());
    } else if (change instanceof Change.NumberDeleted deleted) {
      node.put("type", "number.deleted").put("number", deleted.telephoneNumber());
      node.put("account", deleted.accountName());
    }
    return node;
  }

  private static void putAccount(ObjectNode node, Account a) {
    node.put("name", a.name());
    node.put("correlationId", a.correlationId()).put("teamsTenantId", a.teamsTenantId());
    DirectRouting dr = a.directRouting();
    node.put("drSyncEnabled", dr.syncEnabled()).put("drEnabled", dr.enabled());
    DirectRoutingConfig c = dr.configuration();
    if (c != null) {
      node.put("callScreening", c.callScreening()).put("subdomain", c.subdomain());
      node.put("region1Token", c.region1Token()).put("region2Token", c.region2Token());
    }
  }

  private static void putNumber(ObjectNode node, NumberEntry n) {
    node.put("number", n.telephoneNumber());
    node.put("account", n.accountName()).put("drEnabled", n.directRoutingEnabled());
    node.put("customSipHeader", n.customSipHeader());
  }

  /**
   * An account's state for the audit trail: the fields of an {@code account.put} change, and the
   * other services' details (which the change log leaves out) when there are any.
   */
  String auditState(Account account) {
    ObjectNode node = json.createObjectNode();
    putAccount(node, account);
    putOthers(node, account.otherServices());
    return write(node);
  }

  /** A number's state for the audit trail, like {@link #auditState(Account)}. */
  String auditState(NumberEntry number) {
    ObjectNode node = json.createObjectNode();
    putNumber(node, number);
    putOthers(node, number.otherServices());
    return write(node);
  }

  private void putOthers(ObjectNode node, String otherServices) {
    if (otherServices == null) {
      return;
    }
    try {
      node.set("otherServices", json.readTree(otherServices));
    } catch (JsonProcessingException e) {
      node.put("otherServices", otherServices);
    }
  }

  private String write(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode an audit state", e);
    }
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
