package dev.drgw.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A real HTTP client for the Provisioning API, speaking to the server over loopback. */
public final class ApiClient {

  public static final String VERSION = "api-version=2024-02-29-preview";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String baseUrl;
  private final String token;
  private final Map<String, String> headers = new LinkedHashMap<>();

  ApiClient(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  /** The bearer token this client sends. */
  public String token() {
    return token;
  }

  /** A copy of this client that adds a header to every request. */
  public ApiClient with(String name, String value) {
    ApiClient copy = new ApiClient(baseUrl, token);
    copy.headers.putAll(headers);
    copy.headers.put(name, value);
    return copy;
  }

  /** The path with {@code ?api-version=...} (or {@code &api-version=...}) appended. */
  public static String versioned(String path) {
    return path + (path.contains("?") ? "&" : "?") + VERSION;
  }

  public Response get(String path) {
    return send("GET", versioned(path), null);
  }

  public Response put(String path, String json) {
    return send("PUT", versioned(path), json);
  }

  public Response post(String path, String json) {
    return send("POST", versioned(path), json);
  }

  public Response delete(String path) {
    return send("DELETE", versioned(path), null);
  }

  /**
   * The first page of a list and every page reached by following {@code nextLink} exactly as
   * given; fails on a non-200 page or on more than {@code maxPages} pages (a loop).
   */
  public java.util.List<JsonNode> pages(String firstPathAndQuery, int maxPages) {
    java.util.List<JsonNode> pages = new java.util.ArrayList<>();
    Response r = get(firstPathAndQuery);
    while (true) {
      if (r.status() != 200) {
        throw new AssertionError("page " + pages.size() + " failed: " + r);
      }
      pages.add(r.json());
      if (pages.size() > maxPages) {
        throw new AssertionError("more than " + maxPages + " pages: nextLink loops?");
      }
      JsonNode next = r.json().path("nextLink");
      if (next.isMissingNode() || next.isNull()) {
        return pages;
      }
      r = send("GET", next.asText(), null);
    }
  }

  /** Sends exactly the given path and query (no api-version added). */
  public Response send(String method, String pathAndQuery, String json) {
    return sendBytes(
        method,
        pathAndQuery,
        json == null ? null : json.getBytes(StandardCharsets.UTF_8),
        json == null ? null : "application/json");
  }

  public Response sendBytes(String method, String pathAndQuery, byte[] body, String contentType) {
    String url = pathAndQuery.startsWith("http") ? pathAndQuery : baseUrl + pathAndQuery;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::header);
    b.method(
        method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A copy of an account or number body without the status fields that the server computes
   * from what it serves ({@code serviceProvisioningStatus}, {@code subdomainStatus} and their
   * per-region copy {@code regionStatus}): they move from pending to synced on their own, so a
   * "nothing changed" comparison must leave them out.
   */
  public static JsonNode withoutStatus(JsonNode body) {
    JsonNode copy = body.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
      object.remove("serviceProvisioningStatus");
      object.remove("subdomainStatus");
      object.remove("regionStatus");
      object.forEach(ApiClient::strip);
    } else if (node.isArray()) {
      node.forEach(ApiClient::strip);
    }
  }

  /** A response: status, headers, body text and (when JSON) parsed body. */
  public static final class Response extends HttpAnswer {

    Response(HttpResponse<String> raw) {
      super(raw);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(raw.body());
      } catch (IOException e) {
        throw new AssertionError("response is not JSON: " + raw.body(), e);
      }
    }

    /** The Azure error code of an error response. */
    public String errorCode() {
      return json().path("error").path("code").asText(null);
    }

    @Override
    public String toString() {
      return raw.statusCode() + " " + raw.body();
    }
  }
}
