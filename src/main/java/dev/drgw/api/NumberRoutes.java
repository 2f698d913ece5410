package dev.drgw.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drgw.changes.SyncStatus;
import dev.drgw.domain.Page;
import dev.drgw.domain.Precondition;
import dev.drgw.domain.PutResult;
import dev.drgw.domain.Stored;
import dev.drgw.domain.Violation;
import dev.drgw.number.NumberEntry;
import dev.drgw.number.NumberFields;
import dev.drgw.number.NumberService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Handlers of the number operations, single and batch. */
final class NumberRoutes {

  private final NumberService numbers;
  private final SyncStatus status;
  private final Json json;
  private final NumberJson wire;

  NumberRoutes(NumberService numbers, SyncStatus status, Json json) {
    this.numbers = numbers;
    this.status = status;
    this.json = json;
    this.wire = new NumberJson(json.mapper());
  }

  ApiResponse listOfAccount(ApiCall call) {
    return list(call, Optional.of(call.path("accountName")));
  }

  ApiResponse listAll(ApiCall call) {
    return list(call, Optional.empty());
  }

  private ApiResponse list(ApiCall call, Optional<String> account) {
    Paging.Params params = Paging.parse(call.ctx(), NumberFields.ALL);
    Page<Stored<NumberEntry>> page = numbers.list(account, params.request());
    ObjectNode body = json.mapper().createObjectNode();
    ArrayNode value = body.putArray("value");
    page.items().forEach(n -> value.add(view(n)));
    Paging.nextLink(call.ctx(), params, page.continueAfter(), page.items().size())
        .ifPresent(link -> body.put("nextLink", link));
    ApiResponse response = json.response(200, body);
    if (params.countRecords()) {
      response =
          response.withHeader("x-ms-record-count", Long.toString(numbers.count(account, params.filter())));
    }
    return response;
  }

  ApiResponse get(ApiCall call) {
    Stored<NumberEntry> number = numbers.get(call.path("accountName"), call.path("telephoneNumber"));
    Conditions.of(call.ctx())
        .ifMatch()
        .ifPresent(
            m ->
                new Precondition(Optional.of(m), Optional.empty())
                    .check(Optional.of(number.etag()), "number " + number.value().telephoneNumber()));
    if (Conditions.notModified(call.ctx(), number.etag())) {
      return new ApiResponse(304, Map.of("ETag", Conditions.etagHeader(number.etag())), ApiResponse.NO_BODY);
    }
    return AccountRoutes.withEtag(json.response(200, view(number)), number);
  }

  ApiResponse put(ApiCall call) {
    JsonNode body = json.parseObject(call.body());
    JsonFields fields = new JsonFields("");
    NumberEntry entry = wire.read(body, fields);
    if (!fields.violations().isEmpty()) {
      throw ApiError.invalid(fields.violations());
    }
    PutResult<NumberEntry> result =
        numbers.put(
            call.path("accountName"),
            call.path("telephoneNumber"),
            entry,
            Conditions.of(call.ctx()),
            call.actor());
    int code = result instanceof PutResult.Created ? 201 : 200;
    return AccountRoutes.withEtag(json.response(code, view(result.stored())), result.stored());
  }

  ApiResponse delete(ApiCall call) {
    numbers.delete(
        call.path("accountName"), call.path("telephoneNumber"), Conditions.of(call.ctx()), call.actor());
    return ApiResponse.noContent();
  }

  ApiResponse createOrUpdate(ApiCall call, String accountName) {
    JsonNode items = batchItems(call);
    JsonFields fields = new JsonFields("");
    List<NumberEntry> entries = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      JsonFields itemFields = new JsonFields("numbers[" + i + "].");
      if (!item.isObject()) {
        fields.violations().add(notAnObject(i));
        continue;
      }
      entries.add(wire.read(item, itemFields));
      fields.violations().addAll(itemFields.violations());
    }
    if (!fields.violations().isEmpty()) {
      throw ApiError.invalid(fields.violations());
    }
    List<Stored<NumberEntry>> stored = numbers.upsertBatch(accountName, entries, call.actor());
    ObjectNode body = json.mapper().createObjectNode();
    ArrayNode out = body.putArray("numbers");
    stored.forEach(n -> out.add(view(n)));
    return json.response(200, body);
  }

  ApiResponse deleteBatch(ApiCall call, String accountName) {
    JsonNode items = batchItems(call);
    List<Violation> violations = new ArrayList<>();
    List<String> telephoneNumbers = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      if (!item.isObject()) {
        violations.add(notAnObject(i));
        continue;
      }
      JsonFields itemFields = new JsonFields("numbers[" + i + "].");
      String number = itemFields.string(item, "telephoneNumber", "telephoneNumber");
      if (number == null && !item.hasNonNull("telephoneNumber")) {
        itemFields.required("telephoneNumber");
      }
      violations.addAll(itemFields.violations());
      telephoneNumbers.add(number);
    }
    if (!violations.isEmpty()) {
      throw ApiError.invalid(violations);
    }
    numbers.deleteBatch(accountName, telephoneNumbers, call.actor());
    return ApiResponse.noContent();
  }

  private JsonNode batchItems(ApiCall call) {
    JsonNode body = json.parseObject(call.body());
    JsonNode items = body.get("numbers");
    if (items == null || items.isNull()) {
      throw ApiError.badRequest("Required", "numbers is required: a list of 1 to 100 numbers", "numbers");
    }
    if (!items.isArray()) {
      throw ApiError.badRequest("InvalidType", "numbers must be a list of 1 to 100 numbers", "numbers");
    }
    if (items.isEmpty() || items.size() > NumberService.MAX_BATCH) {
      throw ApiError.badRequest(
          "InvalidBatchSize",
          "a batch must hold 1 to " + NumberService.MAX_BATCH + " numbers, got " + items.size(),
          "numbers");
    }
    return items;
  }

  private static Violation notAnObject(int i) {
    return new Violation("numbers[" + i + "]", "InvalidType", "numbers[" + i + "] must be a JSON object");
  }

  private ObjectNode view(Stored<NumberEntry> number) {
    return wire.write(number, status.ofNumber(number));
  }
}
