package dev.drgw.api;

import dev.drgw.domain.FieldType;
import dev.drgw.domain.Filter;
import dev.drgw.domain.PageRequest;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * List parameters ({@code top}, {@code skip}, {@code maxpagesize}, {@code filter},
 * {@code countRecords}) and the {@code nextLink} that continues a list after its last key, so that
 * following links to the end yields every item once, in a stable order.
 */
final class Paging {

  static final int DEFAULT_PAGE_SIZE = 200;
  static final int MAX_PAGE_SIZE = 500;
  static final String CONTINUATION = "continuationToken";

  /** Parsed list parameters of one request. */
  record Params(
      Filter filter,
      Optional<String> rawFilter,
      Optional<String> after,
      long skip,
      int pageSize,
      OptionalLong top,
      boolean countRecords) {

    PageRequest request() {
      int limit = (int) Math.min(pageSize, top.orElse(Long.MAX_VALUE));
      return new PageRequest(filter, after, skip, limit);
    }
  }

  private Paging() {}

  static Params parse(Context ctx, Map<String, FieldType> fields) {
    Optional<String> rawFilter = Optional.ofNullable(ctx.queryParam("filter"));
    Filter filter = Filter.ALL;
    if (rawFilter.isPresent()) {
      try {
        filter = ODataFilterParser.parse(rawFilter.get(), fields);
      } catch (FilterException e) {
        throw ApiError.badRequest("InvalidFilter", "filter: " + e.getMessage(), "filter");
      }
    }
    long skip = number(ctx, "skip", 0, Long.MAX_VALUE).orElse(0);
    OptionalLong top = number(ctx, "top", 0, Long.MAX_VALUE);
    int pageSize =
        (int)
            Math.min(
                MAX_PAGE_SIZE,
                number(ctx, "maxpagesize", 1, Integer.MAX_VALUE).orElse(DEFAULT_PAGE_SIZE));
    boolean count = bool(ctx, "countRecords");
    Optional<String> after = Optional.empty();
    String token = ctx.queryParam(CONTINUATION);
    if (token != null) {
      try {
        after = Optional.of(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest(
            "InvalidContinuationToken",
            CONTINUATION + " is malformed; follow nextLink as given or start the list again",
            CONTINUATION);
      }
    }
    return new Params(filter, rawFilter, after, skip, pageSize, top, count);
  }

  /**
   * The link to the page after one that ended with {@code lastKey} and held {@code returned}
   * items; empty at the end of the list.
   */
  static Optional<String> nextLink(Context ctx, Params params, Optional<String> lastKey, int returned) {
    return nextLink(ctx, params, lastKey, returned, Map.of());
  }

  /** As above, for a list that also takes {@code more} query parameters of its own. */
  static Optional<String> nextLink(
      Context ctx, Params params, Optional<String> lastKey, int returned, Map<String, String> more) {
    if (lastKey.isEmpty()) {
      return Optional.empty();
    }
    OptionalLong remaining = OptionalLong.empty();
    if (params.top().isPresent()) {
      long left = params.top().getAsLong() - returned;
      if (left <= 0) {
        return Optional.empty();
      }
      remaining = OptionalLong.of(left);
    }
    Map<String, String> query = new LinkedHashMap<>();
    query.put("api-version", ctx.queryParam("api-version"));
    query.putAll(more);
    params.rawFilter().ifPresent(f -> query.put("filter", f));
    query.put("maxpagesize", Integer.toString(params.pageSize()));
    remaining.ifPresent(r -> query.put("top", Long.toString(r)));
    if (params.countRecords()) {
      query.put("countRecords", "true");
    }
    query.put(
        CONTINUATION,
        Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.get().getBytes(StandardCharsets.UTF_8)));
    StringBuilder link = new StringBuilder();
    String host = ctx.header("Host");
    if (host != null && !host.isBlank()) {
      link.append(ctx.scheme()).append("://").append(host);
    }
    link.append(ctx.req().getRequestURI()).append('?');
    query.forEach(
        (k, v) ->
            link.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
    link.setLength(link.length() - 1);
    return Optional.of(link.toString());
  }

  private static OptionalLong number(Context ctx, String name, long min, long max) {
    String value = ctx.queryParam(name);
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return OptionalLong.of(n);
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(
          "InvalidQueryParameter",
          name + " must be a whole number of at least " + min + ", got \"" + value + "\"",
          name);
    }
  }

  static boolean bool(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null) {
      return false;
    }
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw ApiError.badRequest(
        "InvalidQueryParameter", name + " must be true or false, got \"" + value + "\"", name);
  }
}
