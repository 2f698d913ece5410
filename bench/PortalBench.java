import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Portal benchmark (issue 4); run it with bench/portal.sh. drgw runs from target/drgw.jar in its
 * own process on embedded H2, with a portal user made by {@code drgw user add} and API tokens
 * from {@code drgw token}, exactly as an operator would set it up.
 *
 * <ol>
 *   <li>CSV upload: a 10,000-row file in ACG's layout posted to the upload form; the time from
 *       sending the request to having read the whole report page. The peer is the API doing
 *       the same work: the same 10,000 numbers as 100 sequential batches of 100.
 *   <li>Accounts list with {@code --accounts} accounts: time to first byte (response headers) of
 *       the first page, a page deep in the list and a search. The peer is the API's
 *       {@code GET /accounts?maxpagesize=50}.
 * </ol>
 */
public class PortalBench {

  static final String V = "api-version=2024-02-29-preview";
  static final String USER = "bench";
  static final String PASSWORD = "bench-password-1234";
  static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  public static void main(String[] args) throws Exception {
    int accounts = Integer.parseInt(opt(args, "--accounts", "100000"));
    int rows = Integer.parseInt(opt(args, "--rows", "10000"));
    int uploads = Integer.parseInt(opt(args, "--uploads", "5"));
    int requests = Integer.parseInt(opt(args, "--requests", "300"));
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bench-portal-");
    System.out.printf(Locale.ROOT, "accounts=%d rows=%d uploads=%d requests=%d cores=%d java=%s%n",
        accounts, rows, uploads, requests, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

    Path data = work.resolve("data");
    Files.createDirectories(data);
    drgw(data, PASSWORD + "\n", "user", "add", USER, "--role", "admin", "--password-stdin");
    String token = drgw(data, "", "token", "--role", "admin", "--ttl", "4h").strip();

    try (Server server = Server.start(data)) {
      long t0 = System.nanoTime();
      server.createAccounts(accounts, token);
      System.out.printf(Locale.ROOT, "created %,d accounts through the API in %.1f s%n", accounts, (System.nanoTime() - t0) / 1e9);

      Portal portal = new Portal(server);
      portal.signIn();

      // 1. CSV upload, and the same numbers through the API's batch operation.
      List<Double> portalSeconds = new ArrayList<>();
      List<Double> apiSeconds = new ArrayList<>();
      for (int u = 0; u <= uploads; u++) { // round 0 warms up both paths and is not counted
        String account = account(u);
        byte[] csv = csv(account, 100_000_000L + u * 100_000L, rows);
        double portalTime = portal.upload(account, csv, rows);
        double apiTime = server.apiBatches(account(uploads + 1 + u), 500_000_000L + u * 100_000L, rows, token);
        System.out.printf(Locale.ROOT, "upload %d: portal %.3f s, API batches %.3f s%n", u, portalTime, apiTime);
        if (u > 0) {
          portalSeconds.add(portalTime);
          apiSeconds.add(apiTime);
        }
      }

      // 2. Time to first byte of list pages.
      String deep = account(accounts / 2);
      String[][] pages = {
        {"portal accounts, first page", "/portal/accounts"},
        {"portal accounts, page after " + deep, "/portal/accounts?after=" + deep},
        {"portal accounts, search \"a0500\"", "/portal/accounts?q=a0500"},
        {"portal numbers of an account (" + rows + ")", "/portal/accounts/" + account(1) + "/numbers"},
      };
      String[][] apiPages = {
        {"API GET /accounts?maxpagesize=50", "/accounts?maxpagesize=50&" + V},
      };
      List<String> table = new ArrayList<>();
      table.add("| what | median | p99 | max |");
      table.add("|---|---|---|---|");
      table.add(row("CSV upload, " + rows + " rows: submit → report page", portalSeconds, 1000));
      table.add(row("API: same rows as " + rows / 100 + " batches of 100, one client", apiSeconds, 1000));
      System.out.printf(Locale.ROOT, "ratio upload portal/API (median): %.2f%n", median(portalSeconds) / median(apiSeconds));
      List<Double> apiFirst = null;
      for (String[] p : apiPages) {
        apiFirst = server.ttfb(p[1], requests, "Bearer " + token, null);
        table.add(row(p[0] + ": time to first byte", apiFirst, 1000));
      }
      for (String[] p : pages) {
        List<Double> t = server.ttfb(p[1], requests, null, portal.cookie);
        table.add(row(p[0] + ": time to first byte", t, 1000));
        System.out.printf(Locale.ROOT, "ratio %s / API list (median): %.2f%n", p[0], median(t) / median(apiFirst));
      }
      System.out.println();
      table.forEach(System.out::println);
    }
  }

  static String row(String what, List<Double> seconds, double scale) {
    double[] s = seconds.stream().mapToDouble(d -> d * scale).sorted().toArray();
    return String.format(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms |", what, percentile(s, 0.5),
        percentile(s, 0.99), s[s.length - 1]);
  }

  static double median(List<Double> v) {
    return percentile(v.stream().mapToDouble(Double::doubleValue).sorted().toArray(), 0.5);
  }

  static double percentile(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  static String account(int i) {
    return String.format(Locale.ROOT, "a%06d", i);
  }

  static byte[] csv(String account, long first, int rows) {
    StringBuilder b = new StringBuilder("telephoneNumber,accountName,serviceDetails_teamsDirectRouting_enabled,"
        + "configuration_customSipHeader\r\n");
    for (int i = 0; i < rows; i++) {
      b.append("+44").append(first + i).append(',').append(account).append(",true,h").append(i).append("\r\n");
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Runs {@code java -jar target/drgw.jar ...} on the data dir; its standard output. */
  static String drgw(Path data, String stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", "target/drgw.jar"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("DRGW_DATA_DIR", data.toString());
    Process p = pb.start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("drgw " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  /** A signed-in portal session. */
  static final class Portal {
    final Server server;
    String cookie;

    Portal(Server server) {
      this.server = server;
    }

    void signIn() throws Exception {
      HttpResponse<String> form = server.get("/portal/login", null, null);
      cookie = cookieOf(form);
      HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(URI.create(server.base + "/portal/login"))
          .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + enc(csrf(form.body())) + "&username=" + USER
              + "&password=" + enc(PASSWORD))).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 302) {
        throw new IllegalStateException("sign-in failed: " + r.statusCode());
      }
      cookie = cookieOf(r);
    }

    /** Posts the file and reads the whole report page; the seconds it took. */
    double upload(String account, byte[] csv, int rows) throws Exception {
      String path = "/portal/accounts/" + account + "/numbers/upload";
      String csrf = csrf(server.get(path, null, cookie).body());
      String boundary = "----bench" + UUID.randomUUID();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf
          + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"numbers.csv\"\r\n"
          + "Content-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.writeBytes(csv);
      body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      HttpRequest request = HttpRequest.newBuilder(URI.create(server.base + path)).header("Cookie", cookie)
          .header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
      long t0 = System.nanoTime();
      HttpResponse<String> r = server.http.send(request, HttpResponse.BodyHandlers.ofString());
      double seconds = (System.nanoTime() - t0) / 1e9;
      Matcher applied = Pattern.compile("id=\"applied\"[^>]*>(\\d+)<").matcher(r.body());
      if (r.statusCode() != 200 || !applied.find() || Integer.parseInt(applied.group(1)) != rows) {
        throw new IllegalStateException("upload to " + account + " did not apply " + rows + " rows: " + r.statusCode()
            + " " + r.body().substring(0, Math.min(2000, r.body().length())));
      }
      return seconds;
    }

    static String cookieOf(HttpResponse<?> r) {
      return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("drgw_portal="))
          .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
    }

    static String csrf(String html) {
      Matcher m = CSRF.matcher(html);
      if (!m.find()) {
        throw new IllegalStateException("no CSRF token in page");
      }
      return m.group(1);
    }
  }

  /** drgw from target/drgw.jar in its own process. */
  static final class Server implements AutoCloseable {
    final Process process;
    final String base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Server(Process process, String base) {
      this.process = process;
      this.base = base;
    }

    static Server start(Path data) throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      ProcessBuilder pb = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", "target/drgw.jar", "serve");
      pb.environment().put("DRGW_DATA_DIR", data.toString());
      pb.environment().put("DRGW_HTTP_PORT", Integer.toString(port));
      pb.environment().put("DRGW_HTTP_BIND", "127.0.0.1");
      pb.environment().put("DRGW_DNS_PORT", "0");
      pb.redirectErrorStream(true).redirectOutput(data.resolve("server.log").toFile());
      Server server = new Server(pb.start(), "http://127.0.0.1:" + port);
      for (int i = 0; i < 600; i++) {
        try {
          if (server.get("/health/ready", null, null).statusCode() == 200) {
            return server;
          }
        } catch (IOException notYet) {
          // starting
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("drgw did not start; see " + data.resolve("server.log"));
    }

    HttpResponse<String> get(String path, String authorization, String cookie) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
      if (authorization != null) {
        b.header("Authorization", authorization);
      }
      if (cookie != null) {
        b.header("Cookie", cookie);
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void send(String method, String path, String body, String token) throws Exception {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
      }
    }

    void createAccounts(int count, String token) throws Exception {
      AtomicInteger next = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        futures.add(pool.submit(() -> {
          for (int i; (i = next.getAndIncrement()) < count; ) {
            send("PUT", "/accounts/" + account(i) + "?" + V, String.format(Locale.ROOT,
                "{\"serviceDetails\":{\"teamsTenantId\":\"%s\",\"teamsDirectRouting\":{\"syncEnabled\":true,"
                    + "\"enabled\":true,\"configuration\":{\"subdomain\":\"s%06d\",\"subdomainTokens\":"
                    + "{\"region1Token\":\"t1-%d\",\"region2Token\":\"t2-%d\"}}}}}",
                UUID.nameUUIDFromBytes(account(i).getBytes(StandardCharsets.UTF_8)), i, i, i), token);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
    }

    /** The same rows as the CSV, through the API's batch operation, one batch after another. */
    double apiBatches(String account, long first, int rows, String token) throws Exception {
      long t0 = System.nanoTime();
      for (int b = 0; b < rows; b += 100) {
        StringBuilder body = new StringBuilder("{\"numbers\":[");
        for (int i = b; i < Math.min(rows, b + 100); i++) {
          body.append(i == b ? "" : ",").append("{\"telephoneNumber\":\"+44").append(first + i)
              .append("\",\"serviceDetails\":{\"teamsDirectRouting\":{\"enabled\":true}},")
              .append("\"configuration\":{\"customSipHeader\":\"h").append(i).append("\"}}");
        }
        body.append("]}");
        send("POST", "/accounts/" + account + ":createOrUpdateNumbers?" + V, body.toString(), token);
      }
      return (System.nanoTime() - t0) / 1e9;
    }

    /** Seconds to the response headers of {@code count} sequential GETs (after 50 not counted). */
    List<Double> ttfb(String path, int count, String authorization, String cookie) throws Exception {
      List<Double> out = new ArrayList<>();
      for (int i = -50; i < count; i++) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (authorization != null) {
          b.header("Authorization", authorization);
        }
        if (cookie != null) {
          b.header("Cookie", cookie);
        }
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        double seconds = (System.nanoTime() - t0) / 1e9;
        byte[] page;
        try (InputStream in = r.body()) {
          page = in.readAllBytes();
        }
        if (r.statusCode() != 200 || page.length < 200) {
          throw new IllegalStateException("GET " + path + " -> " + r.statusCode());
        }
        if (i >= 0) {
          out.add(seconds);
        }
      }
      return out;
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      process.waitFor();
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String opt(String[] args, String name, String fallback) {
    int i = Arrays.asList(args).indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  }
}
