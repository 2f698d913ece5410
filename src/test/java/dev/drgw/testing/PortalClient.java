package dev.drgw.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real HTTP client for the Number Management Portal, the way a browser without JavaScript
 * speaks to it: keeps the {@code drgw_portal} session cookie, sends the session's CSRF token with
 * every form, and never follows redirects (the test looks at each {@code Location}).
 */
public final class PortalClient {

  public static final String COOKIE = "drgw_portal";
  private static final Pattern CSRF =
      Pattern.compile("<input type=\"hidden\" name=\"_csrf\" value=\"([^\"]*)\">");
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final String baseUrl;
  private String session;
  private String csrf;

  public PortalClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /**
   * Opens the sign-in form, signs in and loads the landing page (for its CSRF token); fails
   * unless the sign-in redirects. Returns the sign-in answer.
   */
  public Response signIn(String user, String password) {
    get("/portal/login");
    Response answer = post("/portal/login", Map.of("username", user, "password", password));
    if (answer.status() != 302) {
      throw new AssertionError("sign-in of " + user + " failed: " + answer);
    }
    get(answer.location());
    return answer;
  }

  public Response get(String path) {
    return send(request(path).GET());
  }

  /** Posts a form with the current CSRF token added. */
  public Response post(String path, Map<String, String> form) {
    return post(path, form, true);
  }

  /** Posts a form, adding the current CSRF token only if {@code withCsrf}. */
  public Response post(String path, Map<String, String> form, boolean withCsrf) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (withCsrf && csrf != null) {
      fields.put("_csrf", csrf);
    }
    fields.putAll(form);
    return postRaw(path, formBody(fields), "application/x-www-form-urlencoded");
  }

  /** Posts a form whose fields may repeat (e.g. several {@code number} checkboxes). */
  public Response postFields(String path, List<Map.Entry<String, String>> fields) {
    String body =
        fields.stream()
            .map(f -> enc(f.getKey()) + "=" + enc(f.getValue()))
            .collect(Collectors.joining("&"));
    return postRaw(path, "_csrf=" + enc(csrf) + (body.isEmpty() ? "" : "&" + body),
        "application/x-www-form-urlencoded");
  }

  /** Posts exactly {@code body}; nothing is added. */
  public Response postRaw(String path, String body, String contentType) {
    return postBytes(path, body.getBytes(StandardCharsets.UTF_8), contentType);
  }

  public Response postBytes(String path, byte[] body, String contentType) {
    return send(
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** Sends a request with any method and no body. */
  public Response method(String method, String path) {
    return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()));
  }

  /** A multipart/form-data upload of one file in the field {@code file}, with the CSRF token. */
  public Response upload(String path, String filename, byte[] content) {
    return multipart(path, Map.of("_csrf", csrf), Optional.of(new FilePart(filename, content)));
  }

  /** A multipart/form-data post of the given fields and, if present, a file in {@code file}. */
  public Response multipart(String path, Map<String, String> fields, Optional<FilePart> file) {
    String boundary = "----drgw-test-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    fields.forEach(
        (name, value) ->
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n"
                + value + "\r\n"));
    file.ifPresent(
        f -> {
          write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
              + f.filename().replace("\"", "%22") + "\"\r\nContent-Type: text/csv\r\n\r\n");
          body.writeBytes(f.content());
          write(body, "\r\n");
        });
    write(body, "--" + boundary + "--\r\n");
    return postBytes(path, body.toByteArray(), "multipart/form-data; boundary=" + boundary);
  }

  /** A file for {@link #multipart}. */
  public record FilePart(String filename, byte[] content) {}

  /** The CSRF token of the last HTML page that had one. */
  public String csrf() {
    return csrf;
  }

  /** The session ID in the cookie, null when there is none. */
  public String sessionId() {
    return session;
  }

  /** Sends {@code id} as the session cookie from now on (to replay an old session). */
  public void useSession(String id) {
    session = id;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : baseUrl + path))
            .timeout(Duration.ofSeconds(60));
    if (session != null) {
      b.header("Cookie", COOKIE + "=" + session);
    }
    return b;
  }

  private Response send(HttpRequest.Builder request) {
    try {
      Response r = new Response(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
      remember(r);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void remember(Response r) {
    r.sessionCookie().ifPresent(c -> session = c.contains("Max-Age=0") || c.startsWith(COOKIE + "=;")
        ? null : c.substring(COOKIE.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')));
    Matcher m = CSRF.matcher(r.body());
    if (m.find()) {
      csrf = m.group(1);
    }
  }

  private static String formBody(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(f -> enc(f.getKey()) + "=" + enc(f.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void write(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes the few entities the templates write ({@code &#34;}, {@code &amp;}, ...). */
  public static String unescape(String html) {
    return html.replace("&#34;", "\"").replace("&quot;", "\"").replace("&#39;", "'")
        .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }

  /** A portal answer: status, headers and body, with a few readers for the page's fields. */
  public static final class Response extends HttpAnswer {

    Response(HttpResponse<String> raw) {
      super(raw);
    }

    public String location() {
      return header("Location");
    }

    /** The Set-Cookie header of the session cookie, if the answer set it. */
    public Optional<String> sessionCookie() {
      return raw.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(COOKIE + "=")).findFirst();
    }

    /** The value of the input named {@code name} (a text or hidden field), unescaped. */
    public String field(String name) {
      Matcher m = Pattern.compile("<input[^>]*\\bname=\"" + Pattern.quote(name) + "\"[^>]*\\bvalue=\"([^\"]*)\"")
          .matcher(raw.body());
      if (!m.find()) {
        throw new AssertionError("no field " + name + " in " + raw.body());
      }
      return unescape(m.group(1));
    }

    /** The error shown beside the field {@code id}, unescaped; null if there is none. */
    public String fieldError(String id) {
      Matcher m = Pattern.compile("<p class=\"error\" id=\"" + Pattern.quote(id) + "-error\">([^<]*)</p>")
          .matcher(raw.body());
      return m.find() ? unescape(m.group(1)) : null;
    }

    /** The text of the element with {@code class="error"} and {@code role="alert"}, unescaped. */
    public List<String> alerts() {
      Matcher m = Pattern.compile("<p class=\"error\" role=\"alert\"[^>]*>([^<]*)</p>").matcher(raw.body());
      return m.results().map(r -> unescape(r.group(1))).toList();
    }

    @Override
    public String toString() {
      String body = raw.body();
      return raw.statusCode() + " " + (body.length() > 4000 ? body.substring(0, 4000) + "..." : body);
    }
  }
}
