package dev.drgw.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.drgw.account.Account;
import dev.drgw.account.AccountFields;
import dev.drgw.account.AccountService;
import dev.drgw.changes.SyncStatus;
import dev.drgw.domain.Page;
import dev.drgw.domain.Precondition;
import dev.drgw.domain.PutResult;
import dev.drgw.domain.Stored;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Handlers of the account operations. */
final class AccountRoutes {

  private final AccountService accounts;
  private final SyncStatus status;
  private final Json json;
  private final AccountJson wire;

  AccountRoutes(AccountService accounts, SyncStatus status, Json json) {
    this.accounts = accounts;
    this.status = status;
    this.json = json;
    this.wire = new AccountJson(json.mapper());
  }

  ApiResponse list(ApiCall call) {
    Paging.Params params = Paging.parse(call.ctx(), AccountFields.ALL);
    Page<Stored<Account>> page = accounts.list(params.request());
    List<String> names = page.items().stream().map(a -> a.value().name()).toList();
    Map<String, Long> counts = accounts.directRoutingNumberCounts(names);
    ObjectNode body = json.mapper().createObjectNode();
    ArrayNode value = body.putArray("value");
    for (Stored<Account> account : page.items()) {
      value.add(view(account, counts.getOrDefault(account.value().name(), 0L)));
    }
    Paging.nextLink(call.ctx(), params, page.continueAfter(), page.items().size())
        .ifPresent(link -> body.put("nextLink", link));
    ApiResponse response = json.response(200, body);
    if (params.countRecords()) {
      response = response.withHeader("x-ms-record-count", Long.toString(accounts.count(params.filter())));
    }
    return response;
  }

  ApiResponse get(ApiCall call) {
    Stored<Account> account = accounts.get(call.path("accountName"));
    return conditionalGet(call, account);
  }

  private ApiResponse conditionalGet(ApiCall call, Stored<Account> account) {
    Conditions.of(call.ctx()).ifMatch().ifPresent(m -> new Precondition(Optional.of(m), Optional.empty())
        .check(Optional.of(account.etag()), "account '" + account.value().name() + "'"));
    if (Conditions.notModified(call.ctx(), account.etag())) {
      return new ApiResponse(304, Map.of("ETag", Conditions.etagHeader(account.etag())), ApiResponse.NO_BODY);
    }
    return withEtag(json.response(200, view(account)), account);
  }

  ApiResponse put(ApiCall call) {
    String name = call.path("accountName");
    JsonNode body = json.parseObject(call.body());
    JsonFields fields = new JsonFields("");
    Account account = wire.read(body, fields);
    if (!fields.violations().isEmpty()) {
      throw ApiError.invalid(fields.violations());
    }
    PutResult<Account> result = accounts.put(name, account, Conditions.of(call.ctx()), call.actor());
    Stored<Account> stored = result.stored();
    int status = result instanceof PutResult.Created ? 201 : 200;
    return withEtag(json.response(status, view(stored)), stored);
  }

  ApiResponse delete(ApiCall call) {
    boolean deleteNumbers = Paging.bool(call.ctx(), "deleteNumbers");
    accounts.delete(call.path("accountName"), Conditions.of(call.ctx()), deleteNumbers, call.actor());
    return ApiResponse.noContent();
  }

  private ObjectNode view(Stored<Account> account) {
    String name = account.value().name();
    long count = accounts.directRoutingNumberCounts(List.of(name)).getOrDefault(name, 0L);
    return view(account, count);
  }

  private ObjectNode view(Stored<Account> account, long numberCount) {
    return wire.write(account, numberCount, status.ofAccount(account));
  }

  static ApiResponse withEtag(ApiResponse response, Stored<?> stored) {
    return response.withHeader("ETag", Conditions.etagHeader(stored.etag()));
  }
}
