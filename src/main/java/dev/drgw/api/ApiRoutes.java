package dev.drgw.api;

import dev.drgw.account.AccountRules;
import dev.drgw.account.AccountService;
import dev.drgw.audit.AuditTrail;
import dev.drgw.auth.Role;
import dev.drgw.auth.TokenVerifier;
import dev.drgw.changes.SyncStatus;
import dev.drgw.number.NumberService;
import dev.drgw.repeatability.RepeatabilityDecision;
import dev.drgw.repeatability.RequestLedger;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The route table of the Provisioning API (ACG-compatible surface and its 501 operations), and
 * the extensions beyond ACG (nodes, the audit trail).
 */
public final class ApiRoutes {

  /** A documented operation: method and path template (as in the OpenAPI document). */
  public record Operation(String method, String path) {}

  /** Every operation the API answers, for the OpenAPI conformance test. */
  public static final List<Operation> OPERATIONS =
      List.of(
          new Operation("get", "/accounts"),
          new Operation("get", "/accounts/{accountName}"),
          new Operation("put", "/accounts/{accountName}"),
          new Operation("delete", "/accounts/{accountName}"),
          new Operation("post", "/accounts/{accountName}:createOrUpdateNumbers"),
          new Operation("post", "/accounts/{accountName}:deleteNumbers"),
          new Operation("post", "/accounts/{accountName}:getTeamsCapabilityPlans"),
          new Operation("post", "/accounts/{accountName}:getTeamsAvailableCapabilities"),
          new Operation("get", "/accounts/{accountName}/numbers"),
          new Operation("get", "/accounts/{accountName}/numbers/{telephoneNumber}"),
          new Operation("put", "/accounts/{accountName}/numbers/{telephoneNumber}"),
          new Operation("delete", "/accounts/{accountName}/numbers/{telephoneNumber}"),
          new Operation("get", "/accounts/{accountName}/teamsCivicAddresses"),
          new Operation("get", "/accounts/{accountName}/teamsCivicAddresses/{civicAddressId}"),
          new Operation("get", "/teamsRequestsForInformation"),
          new Operation("get", "/teamsRequestsForInformation/{tenantId}"),
          new Operation("put", "/teamsRequestsForInformation/{tenantId}"),
          new Operation("get", "/numbers"),
          new Operation("get", "/nodes"),
          new Operation("get", "/audit"));

  private final ApiPipeline pipeline;
  private final AccountRoutes accounts;
  private final NumberRoutes numbers;
  private final NodeRoutes nodes;
  private final AuditRoutes audit;
  private final ErrorBodies errors;

  public ApiRoutes(
      AccountService accountService,
      NumberService numberService,
      AuditTrail auditTrail,
      SyncStatus status,
      TokenVerifier verifier,
      RequestLedger ledger,
      Duration repeatabilityWindow,
      OptionalInt rateLimitPerMinute,
      long maxBodyBytes,
      Clock clock,
      java.util.function.Predicate<Throwable> storeUnavailable,
      java.util.function.Supplier<List<dev.drgw.changes.NodeState>> nodeList,
      Duration staleAfter) {
    Json json = new Json();
    this.nodes = new NodeRoutes(nodeList, staleAfter, json);
    this.errors = new ErrorBodies(json);
    Optional<RateLimiter> limiter =
        rateLimitPerMinute.isPresent()
            ? Optional.of(new RateLimiter(rateLimitPerMinute.getAsInt(), System::nanoTime))
            : Optional.empty();
    this.pipeline =
        new ApiPipeline(
            verifier,
            limiter,
            new RepeatabilityDecision(repeatabilityWindow),
            ledger,
            errors,
            maxBodyBytes,
            clock,
            storeUnavailable);
    this.accounts = new AccountRoutes(accountService, status, json);
    this.numbers = new NumberRoutes(numberService, status, json);
    this.audit = new AuditRoutes(auditTrail, json);
  }

  /**
   * Writes the repeatable-request outcomes that the database could not take while it was down;
   * call it every second or so.
   */
  public void retryDeferredOutcomes() {
    pipeline.retryDeferred();
  }

  public void register(RoutesConfig routes) {
    ApiPipeline.Body none = ApiPipeline.Body.NONE;
    ApiPipeline.Body json = ApiPipeline.Body.JSON;
    add(routes, HandlerType.GET, "/accounts", Role.READ, none, accounts::list);
    add(routes, HandlerType.GET, "/accounts/{accountName}", Role.READ, none, accounts::get);
    add(routes, HandlerType.PUT, "/accounts/{accountName}", Role.WRITE, json, accounts::put);
    add(routes, HandlerType.DELETE, "/accounts/{accountName}", Role.DELETE, none, accounts::delete);
    routes.post("/accounts/{accountAction}", actions());
    add(routes, HandlerType.GET, "/accounts/{accountName}/numbers", Role.READ, none, numbers::listOfAccount);
    String number = "/accounts/{accountName}/numbers/{telephoneNumber}";
    add(routes, HandlerType.GET, number, Role.READ, none, numbers::get);
    add(routes, HandlerType.PUT, number, Role.WRITE, json, numbers::put);
    add(routes, HandlerType.DELETE, number, Role.DELETE, none, numbers::delete);
    add(routes, HandlerType.GET, "/numbers", Role.READ, none, numbers::listAll);
    add(routes, HandlerType.GET, "/nodes", Role.READ, none, nodes::list);
    // Beyond ACG: the audit trail.
    add(routes, HandlerType.GET, "/audit", Role.READ, none, audit::list);
    String civic = "/accounts/{accountName}/teamsCivicAddresses";
    add(routes, HandlerType.GET, civic, Role.READ, none, c -> notImplemented("listTeamsCivicAddresses"));
    add(routes, HandlerType.GET, civic + "/{civicAddressId}", Role.READ, none,
        c -> notImplemented("getTeamsCivicAddress"));
    String rfi = "/teamsRequestsForInformation";
    add(routes, HandlerType.GET, rfi, Role.READ, none, c -> notImplemented("listTeamsRequestsForInformation"));
    add(routes, HandlerType.GET, rfi + "/{tenantId}", Role.READ, none,
        c -> notImplemented("getTeamsRequestForInformation"));
    add(routes, HandlerType.PUT, rfi + "/{tenantId}", Role.WRITE, json,
        c -> notImplemented("createOrUpdateTeamsRequestForInformation"));
  }

  private void add(
      RoutesConfig routes, HandlerType method, String path, Role role, ApiPipeline.Body body, ApiHandler handler) {
    routes.addHttpHandler(method, path, pipeline.handle(path, role, body, handler));
  }

  /** {@code POST /accounts/{name}:{action}}: ACG's custom actions on an account. */
  private Handler actions() {
    String base = "/accounts/{accountName}:";
    Map<String, Handler> byAction =
        Map.of(
            "createOrUpdateNumbers",
            pipeline.handle(base + "createOrUpdateNumbers", Role.WRITE, ApiPipeline.Body.JSON,
                call -> numbers.createOrUpdate(call, accountOf(call))),
            "deleteNumbers",
            pipeline.handle(base + "deleteNumbers", Role.DELETE, ApiPipeline.Body.JSON,
                call -> numbers.deleteBatch(call, accountOf(call))),
            "getTeamsCapabilityPlans",
            pipeline.handle(base + "getTeamsCapabilityPlans", Role.READ, ApiPipeline.Body.NONE,
                call -> notImplemented("getTeamsCapabilityPlans")),
            "getTeamsAvailableCapabilities",
            pipeline.handle(base + "getTeamsAvailableCapabilities", Role.READ, ApiPipeline.Body.NONE,
                call -> notImplemented("getTeamsAvailableCapabilities")));
    return ctx -> {
      String target = ctx.pathParamMap().get("accountAction");
      int colon = target.lastIndexOf(':');
      Handler handler = colon < 0 ? null : byAction.get(target.substring(colon + 1));
      if (handler == null) {
        ctx.attribute(ApiPipeline.ROUTE_ATTRIBUTE, "/accounts/{accountAction}");
        ApiPipeline.write(
            ctx,
            errors.body(
                404,
                "UnknownOperation",
                "POST " + ctx.path() + " is not an operation of this API; account actions are"
                    + " :createOrUpdateNumbers and :deleteNumbers",
                null,
                List.of(),
                Map.of()));
        return;
      }
      handler.handle(ctx);
    };
  }

  private static String accountOf(ApiCall call) {
    String target = call.path("accountAction");
    String name = target.substring(0, target.lastIndexOf(':'));
    if (!AccountRules.checkName(name, "accountName").isEmpty()) {
      throw ApiError.invalid(AccountRules.checkName(name, "accountName"));
    }
    return name;
  }

  private static ApiResponse notImplemented(String operation) {
    throw new ApiError(
        501,
        "NotImplemented",
        operation
            + " belongs to Teams Operator Connect / Teams Phone Mobile; drgw provides Teams Direct"
            + " Routing only");
  }

  /** Answers a request no route took (404) or took with another method (405). */
  public void unmatched(io.javalin.http.Context ctx, int status) {
    ctx.header("x-ms-request-id", java.util.UUID.randomUUID().toString());
    boolean wrongMethod = status == 405;
    ApiPipeline.write(
        ctx,
        errors.body(
            wrongMethod ? 405 : 404,
            wrongMethod ? "MethodNotAllowed" : "NotFound",
            (wrongMethod ? "method " + ctx.method().name() + " is not allowed on " : "no operation at ")
                + (wrongMethod ? ctx.path() : ctx.method().name() + " " + ctx.path()),
            null,
            List.of(),
            Map.of()));
  }
}
