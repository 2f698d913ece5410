import dev.drgw.auth.LocalSigningKey;
import dev.drgw.auth.Role;
import dev.drgw.auth.TokenIssuer;
import dev.drgw.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Provisioning benchmark (issue 2); run it with bench/provisioning.sh, which documents the phases.
 * drgw runs from target/drgw.jar in its own process; load comes from wrk so that the load
 * generator takes little of the machine's CPU ({@code --batch-client java} and
 * {@code --put-client java} use Java's HttpClient instead). PostgreSQL is embedded (zonky).
 */
public class ProvisioningBench {

  static final int ACCOUNTS = 1_000;
  static final int BATCH = 100;
  static final String V = "api-version=2024-02-29-preview";

  public static void main(String[] args) throws Exception {
    int numbers = Integer.parseInt(opt(args, "--numbers", "1000000"));
    int clients = Integer.parseInt(opt(args, "--clients", "8"));
    int putSeconds = Integer.parseInt(opt(args, "--put-seconds", "20"));
    String engines = opt(args, "--engines", "h2,postgresql");
    Path work = Files.createTempDirectory(Path.of(opt(args, "--work", "target")).toAbsolutePath(), "bench-");
    System.out.printf(Locale.ROOT, "numbers=%d accounts=%d batch=%d clients=%d cores=%d java=%s%n",
        numbers, ACCOUNTS, BATCH, clients, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    EmbeddedPostgres pg = engines.contains("postgresql") ? EmbeddedPostgres.builder().start() : null;
    List<String> report = new ArrayList<>();
    try {
      for (String engine : engines.split(",")) {
        Db api = newDatabase(engine, pg, work, "api");
        Db raw = newDatabase(engine, pg, work, "raw");
        double apiRate;
        double putRate = 0;
        long[] putLatencies = null;
        try (Server server = Server.start(work.resolve(engine + "-server"), api)) {
          server.createAccounts(clients);
          if (opt(args, "--batch-client", "wrk").equals("wrk")) {
            apiRate = server.wrkBatches(engine, Integer.parseInt(opt(args, "--api-seconds", "60")), clients);
          } else {
            Instant t0 = Instant.now();
            server.provision(numbers, clients);
            double seconds = Duration.between(t0, Instant.now()).toNanos() / 1e9;
            apiRate = numbers / seconds;
            System.out.printf(Locale.ROOT, "%s api: %d numbers in %.1f s = %.0f numbers/s%n", engine, numbers, seconds, apiRate);
          }
          if (putSeconds > 0) {
            if (opt(args, "--put-client", "wrk").equals("wrk")) {
              report.add(server.wrkPuts(engine, putSeconds));
            } else {
              putLatencies = server.singlePuts(8, putSeconds);
              putRate = putLatencies.length / (double) putSeconds;
            }
          }
        }
        double rawRate = rawJdbc(raw, numbers, clients);
        report.add(String.format(Locale.ROOT,
            "| %s | %,d | %,.0f | %,.0f | %.2f | %.1f s |", engine, numbers, apiRate, rawRate, apiRate / rawRate, numbers / apiRate));
        if (putLatencies != null) {
          Arrays.sort(putLatencies);
          report.add(String.format(Locale.ROOT,
              "| %s single PUT, 8 clients | %,.0f req/s | p50 %.2f ms | p99 %.2f ms | p99.9 %.2f ms |", engine, putRate,
              pct(putLatencies, 0.50), pct(putLatencies, 0.99), pct(putLatencies, 0.999)));
        }
      }
    } finally {
      if (pg != null) {
        pg.close();
      }
    }
    System.out.println();
    System.out.println("| engine | raw numbers | API numbers/s | raw JDBC numbers/s | API / raw | 1M through the API |");
    System.out.println("|---|---|---|---|---|---|");
    report.forEach(System.out::println);
  }

  static double pct(long[] sortedNanos, double q) {
    int i = (int) Math.min(sortedNanos.length - 1, Math.ceil(q * sortedNanos.length) - 1);
    return sortedNanos[Math.max(0, i)] / 1e6;
  }

  static String opt(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  record Db(String engine, String url, String user) {}

  static Db newDatabase(String engine, EmbeddedPostgres pg, Path work, String name) throws Exception {
    if (engine.equals("h2")) {
      return new Db(engine, "jdbc:h2:file:" + work.resolve(name + "-h2").resolve("drgw"), "drgw");
    }
    try (Connection c = pg.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE DATABASE bench_" + name);
    }
    return new Db(engine, pg.getJdbcUrl("postgres", "bench_" + name) + System.getProperty("bench.pgUrlSuffix", ""), "postgres");
  }

  static String number(int n) {
    return String.format("+4420%08d", n);
  }

  static String account(int n) {
    return String.format("acct%04d", n);
  }

  /** The raw bound: the same rows, upserted by plain JDBC batches of 100, one transaction each. */
  static double rawJdbc(Db db, int numbers, int clients) throws Exception {
    try (Database schema = Database.open(db.url(), db.user(), "", 2)) {
      // creates the schema exactly as drgw does (Flyway), then let go of the pool
    }
    // The driver settings drgw itself uses (Database.open), so that only the work differs.
    String url = db.engine().equals("h2") ? db.url() + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000"
        : db.url() + (db.url().contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
    try (Connection c = DriverManager.getConnection(url, db.user(), "")) {
      PreparedStatement s = c.prepareStatement(
          "INSERT INTO accounts (name, dr_sync_enabled, dr_enabled, version, created_at, updated_at)"
              + " VALUES (?, TRUE, TRUE, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
      for (int a = 0; a < ACCOUNTS; a++) {
        s.setString(1, account(a));
        s.addBatch();
      }
      s.executeBatch();
    }
    String upsert = db.engine().equals("h2")
        ? "MERGE INTO numbers (telephone_number, account_name, dr_enabled, custom_sip_header, version, updated_at)"
            + " KEY (telephone_number) VALUES (?, ?, TRUE, ?, ?, CURRENT_TIMESTAMP)"
        : "INSERT INTO numbers (telephone_number, account_name, dr_enabled, custom_sip_header, version, updated_at)"
            + " VALUES (?, ?, TRUE, ?, ?, CURRENT_TIMESTAMP) ON CONFLICT (telephone_number) DO UPDATE SET"
            + " account_name = EXCLUDED.account_name, dr_enabled = EXCLUDED.dr_enabled,"
            + " custom_sip_header = EXCLUDED.custom_sip_header, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at";
    AtomicInteger next = new AtomicInteger();
    int batches = numbers / BATCH;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    Instant t0 = Instant.now();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < clients; t++) {
      futures.add(pool.submit(() -> {
        try (Connection c = DriverManager.getConnection(url, db.user(), "")) {
          c.setAutoCommit(false);
          PreparedStatement s = c.prepareStatement(upsert);
          for (int b; (b = next.getAndIncrement()) < batches; ) {
            for (int i = 0; i < BATCH; i++) {
              int n = b * BATCH + i;
              s.setString(1, number(n));
              s.setString(2, account(b % ACCOUNTS));
              s.setString(3, "hdr" + n);
              s.setLong(4, b + 1L);
              s.addBatch();
            }
            s.executeBatch();
            c.commit();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    double seconds = Duration.between(t0, Instant.now()).toNanos() / 1e9;
    double rate = numbers / seconds;
    System.out.printf(Locale.ROOT, "%s raw: %d numbers in %.1f s = %.0f numbers/s%n", db.engine(), numbers, seconds, rate);
    return rate;
  }

  /** drgw from target/drgw.jar in its own process, and an HTTP client for it. */
  static final class Server implements AutoCloseable {
    final Process process;
    final String base;
    final String token;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Server(Process process, String base, String token) {
      this.process = process;
      this.base = base;
      this.token = token;
    }

    static Server start(Path dataDir, Db db) throws Exception {
      Files.createDirectories(dataDir);
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      ProcessBuilder pb = new ProcessBuilder(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", "target/drgw.jar", "serve");
      String opts = System.getProperty("bench.serverJavaOpts", "");
      if (!opts.isBlank()) {
        pb.command().addAll(1, List.of(opts.trim().split("\\s+")));
      }
      String jfr = System.getenv("BENCH_SERVER_JFR");
      if (jfr != null) {
        pb.command().add(1, "-XX:StartFlightRecording=filename=" + jfr + "-" + db.engine() + ".jfr,settings=profile");
      }
      pb.environment().put("DRGW_DATA_DIR", dataDir.toString());
      pb.environment().put("DRGW_HTTP_PORT", Integer.toString(port));
      pb.environment().put("DRGW_HTTP_BIND", "127.0.0.1");
      pb.environment().put("DRGW_DB_URL", db.url());
      pb.environment().put("DRGW_DB_USER", db.user());
      pb.redirectErrorStream(true).redirectOutput(dataDir.resolve("server.log").toFile());
      Process p = pb.start();
      String token = new TokenIssuer(LocalSigningKey.loadOrCreate(dataDir), "drgw", "drgw", Clock.systemUTC())
          .issue("bench", EnumSet.of(Role.ADMIN), Duration.ofHours(4));
      Server server = new Server(p, "http://127.0.0.1:" + port, token);
      server.awaitReady();
      return server;
    }

    void awaitReady() throws Exception {
      for (int i = 0; i < 600; i++) {
        try {
          if (http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // starting
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("drgw did not start");
    }

    int send(String method, String path, String body) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
      }
      return r.statusCode();
    }

    void createAccounts(int clients) throws Exception {
      parallel(clients, ACCOUNTS, a -> send("PUT", "/accounts/" + account(a) + "?" + V, String.format(
          "{\"serviceDetails\":{\"teamsDirectRouting\":{\"syncEnabled\":true,\"enabled\":true,"
              + "\"configuration\":{\"subdomain\":\"a%04d\",\"subdomainTokens\":{\"region1Token\":\"t1\",\"region2Token\":\"t2\"}}}}}",
          a)));
    }

    void provision(int numbers, int clients) throws Exception {
      parallel(clients, numbers / BATCH, b -> {
        StringBuilder body = new StringBuilder(BATCH * 130).append("{\"numbers\":[");
        for (int i = 0; i < BATCH; i++) {
          int n = b * BATCH + i;
          body.append(i == 0 ? "" : ",").append("{\"telephoneNumber\":\"").append(number(n))
              .append("\",\"serviceDetails\":{\"teamsDirectRouting\":{\"enabled\":true}},")
              .append("\"configuration\":{\"customSipHeader\":\"hdr").append(n).append("\"}}");
        }
        body.append("]}");
        return send("POST", "/accounts/" + account(b % ACCOUNTS) + ":createOrUpdateNumbers?" + V, body.toString());
      });
    }

    /** 8 clients PUT single numbers for the given time; returns every request's latency in ns. */
    long[] singlePuts(int clients, int seconds) throws Exception {
      // warm-up, not measured
      long warmEnd = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      runPuts(clients, warmEnd, new ArrayList<>());
      List<long[]> perClient = new ArrayList<>();
      runPuts(clients, System.nanoTime() + Duration.ofSeconds(seconds).toNanos(), perClient);
      return perClient.stream().flatMapToLong(Arrays::stream).toArray();
    }

    private void runPuts(int clients, long end, List<long[]> out) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<long[]>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        futures.add(pool.submit(() -> {
          long[] lat = new long[1 << 20];
          int n = 0;
          for (int i = 0; System.nanoTime() < end; i++) {
            int num = 900_000_000 + client * 1_000_000 + (i % 50_000);
            String tn = String.format("+44%09d", num);
            String body = "{\"telephoneNumber\":\"" + tn + "\",\"serviceDetails\":{\"teamsDirectRouting\":{\"enabled\":true}}}";
            long t = System.nanoTime();
            send("PUT", "/accounts/" + account(client) + "/numbers/" + tn.replace("+", "%2B") + "?" + V, body);
            if (n < lat.length) {
              lat[n++] = System.nanoTime() - t;
            }
          }
          return Arrays.copyOf(lat, n);
        }));
      }
      for (Future<long[]> f : futures) {
        out.add(f.get());
      }
      pool.shutdown();
    }

    /** Single PUTs from wrk (8 connections, 2 threads): a load generator that needs little CPU. */
    String wrkPuts(String engine, int seconds) throws Exception {
      String url = base;
      run(List.of("wrk", "-t2", "-c8", "-d3s", "-s", "bench/put.lua", url, "--", token)); // warm-up
      java.util.Map<String, String> v =
          wrk(List.of("wrk", "-t2", "-c8", "-d" + seconds + "s", "-s", "bench/put.lua", url, "--", token));
      String line = v.get("line");
      System.out.println(engine + " single PUT (wrk): " + line);
      return String.format(Locale.ROOT, "| %s single PUT, 8 connections (wrk) | %s req/s | p50 %s ms | p99 %s ms | p99.9 %s ms |",
          engine, v.get("rps"), v.get("p50_ms"), v.get("p99_ms"), v.get("p999_ms"));
    }

    /**
     * Batches from wrk (2 threads, {@code clients} connections) for {@code seconds}; returns
     * numbers/s answered 200.
     */
    double wrkBatches(String engine, int seconds, int clients) throws Exception {
      java.util.Map<String, String> v = wrk(List.of("wrk", "-t2", "-c" + clients, "-d" + seconds + "s",
          "--timeout", "30s", "-s", "bench/batch.lua", base, "--", token));
      long provisioned = Long.parseLong(v.get("requests")) * BATCH;
      double rate = provisioned / Double.parseDouble(v.get("seconds"));
      System.out.printf(Locale.ROOT, "%s api (wrk, %d connections): %,d numbers in %s s = %.0f numbers/s%n",
          engine, clients, provisioned, v.get("seconds"), rate);
      return rate;
    }

    /** Runs wrk with one of our scripts; the key=value pairs of its WRK summary line, and "line". */
    static java.util.Map<String, String> wrk(List<String> command) throws Exception {
      String out = run(command);
      String line = out.lines().filter(l -> l.startsWith("WRK ")).findFirst()
          .orElseThrow(() -> new IllegalStateException(out));
      java.util.Map<String, String> v = new java.util.HashMap<>();
      for (String kv : line.substring(4).split(" ")) {
        String[] p = kv.split("=");
        v.put(p[0], p[1]);
      }
      if (!v.get("non2xx").equals("0") || !v.get("errors").equals("0")) {
        throw new IllegalStateException("wrk saw failures: " + line);
      }
      v.put("line", line);
      return v;
    }

    static String run(List<String> command) throws Exception {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException(command + " failed: " + out);
      }
      return out;
    }

    interface Task {
      Object run(int i) throws Exception;
    }

    static void parallel(int clients, int count, Task task) throws Exception {
      AtomicInteger next = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        futures.add(pool.submit(() -> {
          for (int i; (i = next.getAndIncrement()) < count; ) {
            task.run(i);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      process.waitFor();
    }
  }
}
