package dev.drgw.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drgw.account.AccountRules;
import dev.drgw.audit.AuditCursor;
import dev.drgw.audit.AuditEntry;
import dev.drgw.audit.AuditQuery;
import dev.drgw.audit.AuditTrail;
import dev.drgw.domain.Page;
import dev.drgw.domain.Violation;
import dev.drgw.number.TelephoneNumber;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /audit}, an extension beyond ACG: the audit trail, newest first, filtered by
 * {@code account}, {@code telephoneNumber} or {@code entity}, {@code kind}, {@code since} and
 * {@code until}, paged like the other lists.
 */
final class AuditRoutes {

  /** The query parameters of this list besides the common paging ones, in nextLink order. */
  private static final List<String> FILTERS =
      List.of("account", "telephoneNumber", "entity", "kind", "since", "until");

  private final AuditTrail trail;
  private final Json json;

  AuditRoutes(AuditTrail trail, Json json) {
    this.trail = trail;
    this.json = json;
  }

  ApiResponse list(ApiCall call) {
    Context ctx = call.ctx();
    if (ctx.queryParam("filter") != null) {
      throw ApiError.badRequest(
          "InvalidQueryParameter",
          "filter is not supported on /audit; use the parameters " + String.join(", ", FILTERS),
          "filter");
    }
    Paging.Params params = Paging.parse(ctx, Map.of());
    AuditQuery query = query(ctx, params);
    Page<AuditEntry> page = trail.list(query);
    ObjectNode body = json.mapper().createObjectNode();
    ArrayNode value = body.putArray("value");
    page.items().forEach(e -> value.add(view(e)));
    Map<String, String> more = new LinkedHashMap<>();
    for (String name : FILTERS) {
      String v = ctx.queryParam(name);
      if (v != null) {
        more.put(name, name.equals("telephoneNumber") || name.equals("entity") ? plus(v) : v);
      }
    }
    Paging.nextLink(ctx, params, page.continueAfter(), page.items().size(), more)
        .ifPresent(link -> body.put("nextLink", link));
    ApiResponse response = json.response(200, body);
    if (params.countRecords()) {
      response = response.withHeader("x-ms-record-count", Long.toString(trail.count(query)));
    }
    return response;
  }

  private static AuditQuery query(Context ctx, Paging.Params params) {
    Optional<String> account = Optional.ofNullable(ctx.queryParam("account"));
    account.ifPresent(a -> check(AccountRules.checkName(a, "account")));
    Optional<String> number = Optional.ofNullable(ctx.queryParam("telephoneNumber")).map(AuditRoutes::plus);
    number.ifPresent(n -> TelephoneNumber.check(n, "telephoneNumber").ifPresent(v -> check(List.of(v))));
    Optional<String> entity = Optional.ofNullable(ctx.queryParam("entity")).map(AuditRoutes::plus);
    if (entity.isPresent() && number.isPresent()) {
      throw ApiError.badRequest(
          "InvalidQueryParameter", "give telephoneNumber or entity, not both", "entity");
    }
    Optional<AuditEntry.Kind> kind = Optional.empty();
    String rawKind = ctx.queryParam("kind");
    if (rawKind != null) {
      kind = AuditEntry.Kind.parse(rawKind);
      if (kind.isEmpty()) {
        throw ApiError.badRequest(
            "InvalidQueryParameter", "kind must be account or number, got \"" + rawKind + "\"", "kind");
      }
    }
    if (number.isPresent()) {
      if (kind.isPresent() && kind.get() != AuditEntry.Kind.NUMBER) {
        throw ApiError.badRequest(
            "InvalidQueryParameter", "telephoneNumber selects numbers; kind must be number or absent", "kind");
      }
      kind = Optional.of(AuditEntry.Kind.NUMBER);
      entity = number;
    } else if (entity.map(e -> e.isEmpty() || e.length() > 100).orElse(false)) {
      throw ApiError.badRequest(
          "InvalidQueryParameter",
          "entity must be an account name or a telephone number (1 to 100 characters)",
          "entity");
    }
    Optional<AuditCursor> after = Optional.empty();
    if (params.after().isPresent()) {
      after = AuditCursor.parse(params.after().get());
      if (after.isEmpty()) {
        throw ApiError.badRequest(
            "InvalidContinuationToken",
            Paging.CONTINUATION + " is malformed; follow nextLink as given or start the list again",
            Paging.CONTINUATION);
      }
    }
    return new AuditQuery(
        account, kind, entity, time(ctx, "since"), time(ctx, "until"), after, params.skip(),
        params.request().limit());
  }

  private static void check(List<Violation> violations) {
    if (!violations.isEmpty()) {
      throw ApiError.invalid(violations);
    }
  }

  /** A {@code +} written literally in a query string arrives as a space. */
  private static String plus(String number) {
    return number.startsWith(" ") ? "+" + number.substring(1) : number;
  }

  private static Optional<Instant> time(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(value.replace(' ', '+')).toInstant());
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest(
          "InvalidQueryParameter",
          name + " must be a date and time with its offset (RFC 3339), e.g. 2025-03-01T10:00:00Z, got \""
              + value + "\"",
          name);
    }
  }

  private ObjectNode view(AuditEntry e) {
    ObjectNode node = json.mapper().createObjectNode();
    node.put("sequence", e.seq());
    node.put("item", e.item());
    node.put("changedAt", e.at().toString());
    node.put("actor", e.actor());
    node.put("source", e.source());
    node.put("kind", e.kind().wire());
    node.put("entity", e.entity());
    node.put("accountName", e.accountName());
    node.put("action", e.action().wire());
    node.set("before", state(e.before()));
    node.set("after", state(e.after()));
    return node;
  }

  private JsonNode state(String text) {
    if (text == null) {
      return NullNode.getInstance();
    }
    try {
      return json.mapper().readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a corrupt state in the audit trail", e);
    }
  }
}
