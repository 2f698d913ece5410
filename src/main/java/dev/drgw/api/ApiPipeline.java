package dev.drgw.api;

import dev.drgw.auth.InvalidTokenException;
import dev.drgw.auth.Principal;
import dev.drgw.auth.Role;
import dev.drgw.auth.TokenVerifier;
import dev.drgw.domain.ProvisioningException;
import dev.drgw.repeatability.LedgerEntry;
import dev.drgw.repeatability.RecordedResponse;
import dev.drgw.repeatability.RepeatabilityDecision;
import dev.drgw.repeatability.RequestLedger;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.List;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Provisioning API request goes through, in order: api-version, bearer token and role,
 * rate limit, content type and size, repeatability; then the route's handler; then the one mapping
 * of failures to error bodies.
 */
final class ApiPipeline {

  static final String API_VERSION = "2024-02-29-preview";
  static final String ROUTE_ATTRIBUTE = "drgw.route";

  private static final Logger log = LoggerFactory.getLogger(ApiPipeline.class);
  private static final Pattern CLIENT_REQUEST_ID = Pattern.compile("[\\x20-\\x7e]{1,256}");

  /** Whether a route takes a JSON body. */
  enum Body {
    NONE,
    JSON
  }

  private final TokenVerifier verifier;
  private final Optional<RateLimiter> rateLimiter;
  private final RepeatabilityDecision repeatability;
  private final RequestLedger ledger;
  private final ErrorBodies errors;
  private final long maxBodyBytes;
  private final Clock clock;
  private final java.util.function.Predicate<Throwable> storeUnavailable;
  private final DeferredOutcomes deferred = new DeferredOutcomes();

  ApiPipeline(
      TokenVerifier verifier,
      Optional<RateLimiter> rateLimiter,
      RepeatabilityDecision repeatability,
      RequestLedger ledger,
      ErrorBodies errors,
      long maxBodyBytes,
      Clock clock,
      java.util.function.Predicate<Throwable> storeUnavailable) {
    this.storeUnavailable = storeUnavailable;
    this.verifier = verifier;
    this.rateLimiter = rateLimiter;
    this.repeatability = repeatability;
    this.ledger = ledger;
    this.errors = errors;
    this.maxBodyBytes = maxBodyBytes;
    this.clock = clock;
  }

  Handler handle(String route, Role role, Body body, ApiHandler handler) {
    return ctx -> {
      ctx.attribute(ROUTE_ATTRIBUTE, route);
      String requestId = UUID.randomUUID().toString();
      ctx.header("x-ms-request-id", requestId);
      String clientRequestId = ctx.header("x-ms-client-request-id");
      if (clientRequestId != null && CLIENT_REQUEST_ID.matcher(clientRequestId).matches()) {
        ctx.header("x-ms-client-request-id", clientRequestId);
      }
      write(ctx, run(ctx, role, body, handler, requestId));
    };
  }

  private ApiResponse run(Context ctx, Role role, Body bodyKind, ApiHandler handler, String requestId) {
    Tracked tracked = null;
    ApiResponse response;
    try {
      checkApiVersion(ctx);
      Principal principal = authenticate(ctx, role);
      limit(principal);
      byte[] body = bodyKind == Body.JSON ? readJsonBody(ctx) : ApiResponse.NO_BODY;
      // Repeatability makes writes safe to retry; reads are safe already and always run.
      RepeatabilityDecision.Outcome outcome =
          ctx.method() == HandlerType.GET
              ? new RepeatabilityDecision.NotRepeatable()
              : repeatability.headers(
                  Optional.ofNullable(ctx.header("Repeatability-Request-ID")),
                  Optional.ofNullable(ctx.header("Repeatability-First-Sent")),
                  clock.instant());
      if (outcome instanceof RepeatabilityDecision.Rejected rejected) {
        throw new ApiError(
            rejected.status(),
            rejected.code(),
            rejected.message(),
            null,
            List.of(),
            Map.of("Repeatability-Result", "rejected"));
      }
      if (outcome instanceof RepeatabilityDecision.Track track) {
        String fingerprint = fingerprint(ctx, body);
        deferred.retry(); // an earlier outcome of this very request may still be waiting
        Optional<ApiResponse> earlier = claim(principal, track, fingerprint);
        if (earlier.isPresent()) {
          return earlier.get();
        }
        tracked = new Tracked(principal.clientId(), track.requestId());
      }
      response = handler.handle(new ApiCall(ctx, principal, body));
    } catch (ApiError e) {
      response = errors.of(e);
    } catch (ProvisioningException e) {
      response = errors.of(e);
    } catch (RuntimeException e) {
      if (storeUnavailable.test(e)) {
        log.warn("request {} {} {}: the database is unavailable ({})", requestId, ctx.method(), ctx.path(),
            e.getMessage());
        response = errors.unavailable();
      } else {
        log.error("request {} {} {} failed", requestId, ctx.method(), ctx.path(), e);
        response = errors.internal(requestId);
      }
    }
    if (tracked != null) {
      record(tracked, response);
      response = response.withHeader("Repeatability-Result", "accepted");
    }
    return response;
  }

  private record Tracked(String clientId, String requestId) {}

  private Optional<ApiResponse> claim(
      Principal principal, RepeatabilityDecision.Track track, String fingerprint) {
    Instant now = clock.instant();
    Instant expires = track.firstSent().plus(repeatability.window());
    Optional<LedgerEntry> existing =
        ledger.claim(principal.clientId(), track.requestId(), fingerprint, now, expires);
    if (existing.isEmpty()) {
      return Optional.empty();
    }
    RepeatabilityDecision.Replay replay = repeatability.existing(existing.get(), fingerprint, now);
    if (replay instanceof RepeatabilityDecision.Repeat repeat) {
      RecordedResponse r = repeat.response();
      return Optional.of(
          new ApiResponse(r.status(), r.headers(), r.body())
              .withHeader("Repeatability-Result", "accepted"));
    }
    if (replay instanceof RepeatabilityDecision.Refuse refuse) {
      throw new ApiError(
          refuse.status(),
          refuse.code(),
          refuse.message(),
          null,
          List.of(),
          Map.of("Repeatability-Result", refuse.status() == 409 ? "accepted" : "rejected"));
    }
    // An abandoned in-progress entry: take it over, unless another retry just did.
    Instant abandonedBefore = now.minus(RepeatabilityDecision.ABANDONED_AFTER);
    if (!ledger.takeOver(principal.clientId(), track.requestId(), abandonedBefore, now)) {
      throw new ApiError(
          409,
          "RequestInProgress",
          "a request with this Repeatability-Request-ID is still being processed; retry shortly",
          null,
          List.of(),
          Map.of("Repeatability-Result", "accepted"));
    }
    return Optional.empty();
  }

  private void record(Tracked tracked, ApiResponse response) {
    Runnable write = response.status() >= 500
        ? () -> ledger.release(tracked.clientId(), tracked.requestId())
        : () -> ledger.complete(tracked.clientId(), tracked.requestId(),
            new RecordedResponse(response.status(), response.headers(), response.body()));
    try {
      write.run();
    } catch (RuntimeException e) {
      if (storeUnavailable.test(e)) {
        log.warn("could not record the outcome of repeatable request {} (the database is unavailable);"
            + " recording it once the database is back", tracked.requestId());
        deferred.defer(write);
      } else {
        log.warn("could not record the outcome of repeatable request {}", tracked.requestId(), e);
      }
    }
  }

  /** Writes the ledger outcomes the database could not take earlier (called every second). */
  void retryDeferred() {
    deferred.retry();
  }

  private static void checkApiVersion(Context ctx) {
    String version = ctx.queryParam("api-version");
    if (version == null) {
      throw ApiError.badRequest(
          "MissingApiVersionParameter",
          "the api-version query parameter is required; this server supports " + API_VERSION,
          "api-version");
    }
    if (!version.equals(API_VERSION)) {
      throw ApiError.badRequest(
          "UnsupportedApiVersion",
          "api-version \"" + version + "\" is not supported; this server supports " + API_VERSION,
          "api-version");
    }
  }

  private Principal authenticate(Context ctx, Role role) {
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      throw unauthorized(null, "a bearer token is required (Authorization: Bearer <token>)");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      // RFC 6750 3.1: no error code when the client used another scheme.
      throw unauthorized(null, "the Authorization header must use the Bearer scheme");
    }
    Principal principal;
    try {
      principal = verifier.verify(header.substring(7).trim());
    } catch (InvalidTokenException e) {
      throw unauthorized("invalid_token", e.getMessage());
    }
    if (!principal.has(role)) {
      throw new ApiError(
          403,
          "Forbidden",
          "the token does not carry the role this operation needs: " + role.claimValue()
              + " (or " + Role.ADMIN.claimValue() + ")");
    }
    return principal;
  }

  private static ApiError unauthorized(String error, String description) {
    String challenge = "Bearer realm=\"drgw\"";
    if (error != null) {
      challenge +=
          ", error=\"" + error + "\", error_description=\"" + description.replace('"', '\'') + "\"";
    }
    return new ApiError(
        401,
        "Unauthorized",
        description,
        null,
        List.of(),
        Map.of("WWW-Authenticate", challenge));
  }

  private void limit(Principal principal) {
    if (rateLimiter.isEmpty()) {
      return;
    }
    rateLimiter
        .get()
        .acquire(principal.clientId())
        .ifPresent(
            wait -> {
              long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
              throw new ApiError(
                  429,
                  "TooManyRequests",
                  "rate limit exceeded for this client; retry after " + seconds + " s",
                  null,
                  List.of(),
                  Map.of("Retry-After", Long.toString(seconds)));
            });
  }

  private byte[] readJsonBody(Context ctx) {
    String type = ctx.header("Content-Type");
    if (type == null || !isJson(type)) {
      throw new ApiError(
          415,
          "UnsupportedMediaType",
          "the request body must be JSON: send Content-Type: application/json"
              + (type == null ? "" : " (got \"" + type + "\")"));
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBodyBytes) {
      throw tooLarge();
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (body.length > maxBodyBytes) {
        throw tooLarge();
      }
      return body;
    } catch (IOException e) {
      throw ApiError.badRequest("InvalidBody", "the request body could not be read", null);
    }
  }

  private ApiError tooLarge() {
    return new ApiError(
        413,
        "RequestTooLarge",
        "the request body is larger than the limit of " + maxBodyBytes + " bytes");
  }

  private static boolean isJson(String contentType) {
    String[] parts = contentType.split(";");
    if (!parts[0].trim().equalsIgnoreCase("application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim().toLowerCase(Locale.ROOT);
      if (p.startsWith("charset=") && !p.substring(8).replace("\"", "").equals("utf-8")) {
        return false;
      }
    }
    return true;
  }

  private static String fingerprint(Context ctx, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(ctx.method().name().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(ctx.req().getRequestURI().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      String query = ctx.queryString();
      sha.update((query == null ? "" : query).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(body);
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void write(Context ctx, ApiResponse response) {
    ctx.status(response.status());
    response.headers().forEach(ctx::header);
    if (response.body().length > 0) {
      ctx.result(response.body());
    }
  }

}
