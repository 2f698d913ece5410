import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Change propagation benchmark (issue 6); run it with bench/propagation.sh, which documents the
 * phases and options. Three drgw nodes from target/drgw.jar, each its own process, share one
 * embedded (zonky) PostgreSQL; node A takes an open-loop load of single-number PUTs, nodes B and
 * C are measured by drgw's own propagation histogram and by a DNS probe independent of it.
 * Every process started here is stopped on the way out, by try/finally and a shutdown hook.
 */
public class PropagationBench {

  static final Set<String> OPTIONS = Set.of("--rate", "--seconds", "--warmup", "--accounts", "--probe-interval-ms",
      "--in-flight", "--server-java-opts", "--work");
  static final String V = "api-version=2024-02-29-preview";
  static final String BASE = "prop.bench.example.net";
  static final String PROBE_ACCOUNT = "probe";
  static final Pattern HTTP_PORT = Pattern.compile("drgw serving HTTP on [^ ]+:(\\d+)");
  static final Pattern DNS_PORT = Pattern.compile("DNS serving \\S+ on [^ ]+:(\\d+) \\(UDP and TCP\\)");
  static final String PROPAGATION = "drgw_snapshot_propagation_seconds";
  static final String APPLIED = "drgw_snapshot_applied_seq";
  /** A send more than this after its scheduled time counts as late. */
  static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  final Map<String, String> options;
  final Path work;
  final List<Process> running = new CopyOnWriteArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .executor(Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "load-http");
        t.setDaemon(true);
        return t;
      }))
      .connectTimeout(Duration.ofSeconds(5)).build();
  String token;

  PropagationBench(Map<String, String> options, Path work) {
    this.options = options;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Path work = Files.createTempDirectory(
        Files.createDirectories(Path.of(options.getOrDefault("--work", "target")).toAbsolutePath()), "propbench-");
    PropagationBench bench = new PropagationBench(options, work);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll, "propbench-cleanup"));
    try {
      bench.run();
    } finally {
      bench.stopAll();
    }
    System.exit(0); // the HTTP client's threads
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!OPTIONS.contains(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: bench/propagation.sh [" + String.join(" VALUE] [",
            OPTIONS.stream().sorted().toList()) + " VALUE]; got " + String.join(" ", args));
      }
      out.put(args[i], args[i + 1]);
    }
    return out;
  }

  int intOption(String name, int fallback) {
    return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)).replace("_", "").replace(",", ""));
  }

  void run() throws Exception {
    int rate = intOption("--rate", 1_000);
    int seconds = intOption("--seconds", 60);
    int warmup = intOption("--warmup", 10);
    int accounts = intOption("--accounts", 100);
    int probeMillis = intOption("--probe-interval-ms", 100);
    int inFlight = intOption("--in-flight", 256);
    progress("work dir %s; %,d PUT/s to node A for %d s warm-up + %d s measured, %d accounts, probe every %d ms,"
        + " at most %d requests in flight", work, rate, warmup, seconds, accounts, probeMillis, inFlight);
    Machine machine = Machine.describe();
    progress("machine: %s; load average at start %s", machine.text(), loadAverage());

    Path pgData = work.resolve("pgdata");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(true)
        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(work.resolve("postgres.log").toFile()))
        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(work.resolve("postgres.log").toFile())).start()) {
      String pgVersion;
      try (Connection c = pg.getPostgresDatabase().getConnection()) {
        c.createStatement().execute("CREATE DATABASE drgw_bench");
        var rs = c.createStatement().executeQuery("SHOW server_version");
        rs.next();
        pgVersion = rs.getString(1);
      }
      String dbUrl = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/drgw_bench";
      try {
        measure(pg, pgData, dbUrl, pgVersion, machine);
      } finally {
        stopAll(); // the nodes, before their database
      }
    }
  }

  void measure(EmbeddedPostgres pg, Path pgData, String dbUrl, String pgVersion, Machine machine) throws Exception {
    int rate = intOption("--rate", 1_000);
    int seconds = intOption("--seconds", 60);
    int warmup = intOption("--warmup", 10);
    int accounts = intOption("--accounts", 100);
    int probeMillis = intOption("--probe-interval-ms", 100);
    int inFlight = intOption("--in-flight", 256);
    progress("PostgreSQL %s (embedded, zonky) on port %d, data %s", pgVersion, pg.getPort(), pgData);

    Path dirA = Files.createDirectories(work.resolve("node-a"));
    token = run(List.of(java(), "-jar", jar(), "token", "--role", "admin", "--ttl", "4h"),
        Map.of("DRGW_DATA_DIR", dirA.toString())).strip();
    Path key = dirA.resolve("auth/signing-key.jwk");
    Node a = startNode("a", 1, dirA, dbUrl);
    Node b = startNode("b", 1, copyKey(key, work.resolve("node-b")), dbUrl);
    Node c = startNode("c", 2, copyKey(key, work.resolve("node-c")), dbUrl);
    List<Node> nodes = List.of(a, b, c);

    for (int i = 0; i < accounts; i++) {
      put(a, "/accounts/" + account(i), accountBody(String.format(Locale.ROOT, "a%03d", i), "MS=t1", "MS=t2"));
    }
    put(a, "/accounts/" + PROBE_ACCOUNT, accountBody(PROBE_ACCOUNT, "MS=probe", "MS=probe"));
    awaitSync(nodes, Duration.ofSeconds(60));
    progress("%d accounts and the probe account created through node A; all nodes at change %.0f",
        accounts, scrape(a).applied());

    for (Node n : nodes) {
      n.logOffset = Files.size(n.log);
    }
    Load load = new Load(a, rate, warmup + seconds, inFlight, accounts);
    Thread loadThread = new Thread(load::run, "load");
    long start = System.nanoTime();
    load.start = start;
    loadThread.start();
    sleepUntil(start + TimeUnit.SECONDS.toNanos(warmup));

    Map<Node, Metrics> before = scrapeAll(nodes);
    CpuTimes cpuBefore = CpuTimes.read(nodes, pgData);
    long windowStart = System.nanoTime();
    load.windowStart = windowStart;
    String loadBefore = loadAverage();
    progress("warm-up over: %,d requests sent; measuring %d s", load.sent.get(), seconds);
    Probe probe = new Probe(a, List.of(b, c), probeMillis, windowStart + TimeUnit.SECONDS.toNanos(seconds));
    Thread probeThread = new Thread(probe::run, "probe");
    probeThread.start();
    for (int s = 10; s < seconds; s += 10) {
      sleepUntil(windowStart + TimeUnit.SECONDS.toNanos(s));
      progress("  %d s: %,d sent, %,d answered 2xx, %,d failed, %d in flight, %,d probes", s, load.sent.get(),
          load.ok.get(), load.failed(), inFlight - load.slots.availablePermits(), probe.results.size());
    }
    sleepUntil(windowStart + TimeUnit.SECONDS.toNanos(seconds));
    Map<Node, Metrics> after = scrapeAll(nodes);
    CpuTimes cpuAfter = CpuTimes.read(nodes, pgData);
    long windowEnd = System.nanoTime();
    String loadAfter = loadAverage();
    loadThread.join();
    probeThread.join();
    boolean drained = load.slots.tryAcquire(inFlight, 30, TimeUnit.SECONDS);
    long drainStart = System.nanoTime();
    boolean synced = awaitSync(nodes, Duration.ofSeconds(60));
    double catchUp = (System.nanoTime() - drainStart) / 1e9;
    progress("load over: %,d sent, %,d answered 2xx, %,d failed; %s; nodes %s %.1f s after the last answer",
        load.sent.get(), load.ok.get(), load.failed(), drained ? "all answered" : "WARNING: some never answered",
        synced ? "in step" : "NOT in step", catchUp);
    for (Node n : nodes) {
      n.errorsInLog = countErrors(n.log, n.logOffset);
      Files.writeString(n.log.resolveSibling("metrics-end.txt"), metricsText(n));
    }

    report(new Result(rate, seconds, warmup, accounts, probeMillis, inFlight, machine, pgVersion, nodes, before,
        after, (windowEnd - windowStart) / 1e9, load, probe, cpuBefore, cpuAfter, loadBefore, loadAfter, synced,
        catchUp));
  }

  // ---- nodes ----

  static final class Node {
    final String name;
    final int region;
    final Process process;
    final Path log;
    final int httpPort;
    final int dnsPort;
    long errorsInLog;
    long logOffset;

    Node(String name, int region, Process process, Path log, int httpPort, int dnsPort) {
      this.name = name;
      this.region = region;
      this.process = process;
      this.log = log;
      this.httpPort = httpPort;
      this.dnsPort = dnsPort;
    }

    String base() {
      return "http://127.0.0.1:" + httpPort;
    }

    @Override
    public String toString() {
      return "node " + name.toUpperCase(Locale.ROOT);
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String jar() {
    return Path.of("target/drgw.jar").toAbsolutePath().toString();
  }

  static Path copyKey(Path key, Path dataDir) throws IOException {
    Files.createDirectories(dataDir.resolve("auth"));
    Files.copy(key, dataDir.resolve("auth").resolve(key.getFileName()));
    return dataDir;
  }

  Node startNode(String name, int region, Path dataDir, String dbUrl) throws Exception {
    List<String> command = new ArrayList<>(List.of(java()));
    String javaOpts = options.getOrDefault("--server-java-opts", "").trim();
    if (!javaOpts.isEmpty()) {
      command.addAll(List.of(javaOpts.split("\\s+")));
    }
    command.addAll(List.of("-jar", jar(), "serve"));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("DRGW_"));
    env.put("DRGW_DATA_DIR", dataDir.toString());
    env.put("DRGW_DB_URL", dbUrl);
    env.put("DRGW_DB_USER", "postgres");
    env.put("DRGW_DB_PASSWORD", "");
    env.put("DRGW_NODE_NAME", "bench-" + name);
    env.put("DRGW_NODE_REGION", Integer.toString(region));
    env.put("DRGW_REGIONS", "2");
    env.put("DRGW_BASE_DOMAIN", BASE);
    env.put("DRGW_HTTP_BIND", "127.0.0.1");
    env.put("DRGW_HTTP_PORT", "0");
    env.put("DRGW_DNS_BIND", "127.0.0.1");
    env.put("DRGW_DNS_PORT", "0");
    Path log = dataDir.resolve("node.log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    running.add(p);
    String text = awaitLog(p, log, "drgw serving HTTP on", Duration.ofMinutes(3), "node " + name);
    Matcher h = HTTP_PORT.matcher(text);
    Matcher d = DNS_PORT.matcher(text);
    if (!h.find() || !d.find()) {
      throw new IllegalStateException("node " + name + " started without the HTTP or DNS log line; see " + log);
    }
    Node node = new Node(name, region, p, log, Integer.parseInt(h.group(1)), Integer.parseInt(d.group(1)));
    progress("%s (region %d) pid %d: HTTP on 127.0.0.1:%d, DNS on 127.0.0.1:%d, log %s", node, region, p.pid(),
        node.httpPort, node.dnsPort, log);
    return node;
  }

  static String awaitLog(Process p, Path log, String marker, Duration timeout, String what) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      if (text.contains(marker)) {
        return text;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(what + " exited with " + p.exitValue() + " before it was ready; see " + log);
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(what + " not ready after " + timeout + "; see " + log);
  }

  /** WARN and ERROR lines in a node's log after {@code offset} bytes. */
  static long countErrors(Path log, long offset) throws IOException {
    byte[] all = Files.readAllBytes(log);
    String text = new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
    return text.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).count();
  }

  /** Waits until every node has applied node A's latest change; false on timeout. */
  boolean awaitSync(List<Node> nodes, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      double head = scrape(nodes.get(0)).applied();
      boolean all = true;
      for (Node n : nodes.subList(1, nodes.size())) {
        all &= scrape(n).applied() >= head;
      }
      if (all) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  static String account(int i) {
    return String.format(Locale.ROOT, "acct%03d", i);
  }

  static String accountBody(String subdomain, String token1, String token2) {
    return "{\"serviceDetails\":{\"teamsDirectRouting\":{\"syncEnabled\":true,\"enabled\":true,"
        + "\"configuration\":{\"callScreening\":false,\"subdomain\":\"" + subdomain + "\",\"subdomainTokens\":"
        + "{\"region1Token\":\"" + token1 + "\",\"region2Token\":\"" + token2 + "\"}}}}}";
  }

  HttpRequest putRequest(Node node, String path, String body) {
    return HttpRequest.newBuilder(URI.create(node.base() + path + "?" + V))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  void put(Node node, String path, String body) throws Exception {
    HttpResponse<String> r = http.send(putRequest(node, path, body), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException("PUT " + path + " on " + node + " -> " + r.statusCode() + " " + r.body());
    }
  }

  // ---- metrics ----

  /** The propagation histogram (cumulative counts by upper bound in seconds) and the applied change. */
  record Metrics(TreeMap<Double, Double> buckets, double count, double sum, double max, double applied,
      double q50, double q99) {}

  String metricsText(Node node) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.base() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /metrics on " + node + " -> " + r.statusCode());
    }
    return r.body();
  }

  Metrics scrape(Node node) throws Exception {
    String body = metricsText(node);
    TreeMap<Double, Double> buckets = new TreeMap<>();
    Map<String, Double> plain = new LinkedHashMap<>();
    Pattern le = Pattern.compile("le=\"([^\"]+)\"");
    Pattern q = Pattern.compile("quantile=\"([^\"]+)\"");
    for (String line : body.lines().toList()) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String key = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      if (key.startsWith(PROPAGATION + "_bucket")) {
        Matcher m = le.matcher(key);
        m.find();
        buckets.put(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)), value);
      } else if (key.startsWith(PROPAGATION) && q.matcher(key).find()) {
        Matcher m = q.matcher(key);
        m.find();
        plain.put("q" + m.group(1), value);
      } else {
        int brace = key.indexOf('{');
        plain.put(brace < 0 ? key : key.substring(0, brace), value);
      }
    }
    if (buckets.isEmpty() || !plain.containsKey(APPLIED)) {
      throw new IllegalStateException(node + " exports no " + PROPAGATION + " histogram or no " + APPLIED);
    }
    return new Metrics(buckets, plain.getOrDefault(PROPAGATION + "_count", 0.0),
        plain.getOrDefault(PROPAGATION + "_sum", 0.0), plain.getOrDefault(PROPAGATION + "_max", Double.NaN),
        plain.get(APPLIED), plain.getOrDefault("q0.5", Double.NaN), plain.getOrDefault("q0.99", Double.NaN));
  }

  Map<Node, Metrics> scrapeAll(List<Node> nodes) throws Exception {
    Map<Node, Metrics> out = new LinkedHashMap<>();
    for (Node n : nodes) {
      out.put(n, scrape(n));
    }
    return out;
  }

  /** A quantile of the bucket differences, interpolated linearly within its bucket. */
  record Quantile(double seconds, double lower, double upper) {}

  static Quantile quantile(Metrics before, Metrics after, double q) {
    double total = after.buckets().lastEntry().getValue() - before.buckets().lastEntry().getValue();
    double target = q * total;
    double lower = 0;
    double below = 0;
    for (Map.Entry<Double, Double> e : after.buckets().entrySet()) {
      double cumulative = e.getValue() - before.buckets().getOrDefault(e.getKey(), 0.0);
      if (cumulative >= target && cumulative > below) {
        double upper = e.getKey();
        double x = upper == Double.POSITIVE_INFINITY ? upper : lower + (upper - lower) * (target - below) / (cumulative - below);
        return new Quantile(x, lower, upper);
      }
      lower = e.getKey();
      below = cumulative;
    }
    return new Quantile(Double.NaN, Double.NaN, Double.NaN);
  }

  // ---- load ----

  /** Open loop: request i is due at start + i/rate, sent then whatever the answers before it did. */
  final class Load {
    final Node node;
    final int rate;
    final int seconds;
    final int accounts;
    final Semaphore slots;
    volatile long start;
    volatile long windowStart = Long.MAX_VALUE;
    final AtomicLong sent = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong late = new AtomicLong();
    final AtomicLong maxLateNanos = new AtomicLong();
    final Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    /** Per request: answer time minus due time in ns (the wait for a slot included); -1 if it failed. */
    final AtomicLongArray latency;
    /** Per request: 1 if it was due inside the measured window. */
    final boolean[] measured;
    final AtomicLong windowSent = new AtomicLong();
    final AtomicLong windowOk = new AtomicLong();
    final AtomicLong windowSkipped = new AtomicLong();
    final AtomicLong windowLate = new AtomicLong();
    final Map<String, AtomicLong> windowFailures = new ConcurrentHashMap<>();

    Load(Node node, int rate, int seconds, int inFlight, int accounts) {
      this.node = node;
      this.accounts = accounts;
      this.rate = rate;
      this.seconds = seconds;
      this.slots = new Semaphore(inFlight);
      this.latency = new AtomicLongArray(rate * seconds);
      this.measured = new boolean[rate * seconds];
    }

    long failed() {
      return failures.values().stream().mapToLong(AtomicLong::get).sum() + skipped.get();
    }

    void run() {
      double period = 1e9 / rate;
      int total = rate * seconds;
      for (int i = 0; i < total; i++) {
        long due = start + (long) (i * period);
        long now;
        while ((now = System.nanoTime()) < due) {
          LockSupport.parkNanos(due - now);
        }
        boolean inWindow = due >= windowStart;
        measured[i] = inWindow;
        long lateBy = now - due;
        maxLateNanos.accumulateAndGet(lateBy, Math::max);
        if (lateBy > LATE_NANOS) {
          late.incrementAndGet();
          if (inWindow) {
            windowLate.incrementAndGet();
          }
        }
        if (!slots.tryAcquire()) {
          skipped.incrementAndGet();
          latency.set(i, -1);
          if (inWindow) {
            windowSkipped.incrementAndGet();
          }
          continue;
        }
        sent.incrementAndGet();
        if (inWindow) {
          windowSent.incrementAndGet();
        }
        int n = i;
        String tn = String.format(Locale.ROOT, "+4420%08d", i);
        String body = "{\"telephoneNumber\":\"" + tn + "\",\"serviceDetails\":{\"teamsDirectRouting\":{\"enabled\":true}},"
            + "\"configuration\":{\"customSipHeader\":\"h" + i + "\"}}";
        http.sendAsync(putRequest(node, "/accounts/" + account(i % accounts) + "/numbers/%2B"
                + tn.substring(1), body), HttpResponse.BodyHandlers.discarding())
            .whenComplete((r, e) -> {
              long answered = System.nanoTime();
              slots.release();
              String failure = e != null ? e.getClass().getSimpleName()
                  : r.statusCode() / 100 != 2 ? "HTTP " + r.statusCode() : null;
              if (failure == null) {
                latency.set(n, answered - due);
                ok.incrementAndGet();
                if (inWindow) {
                  windowOk.incrementAndGet();
                }
              } else {
                latency.set(n, -1);
                failures.computeIfAbsent(failure, k -> new AtomicLong()).incrementAndGet();
                if (inWindow) {
                  windowFailures.computeIfAbsent(failure, k -> new AtomicLong()).incrementAndGet();
                }
              }
            });
      }
    }

    /** Answer times (from the due time) of the measured window's successful requests, sorted, ns. */
    long[] windowLatencies() {
      List<Long> out = new ArrayList<>();
      for (int i = 0; i < measured.length; i++) {
        if (measured[i] && latency.get(i) > 0) {
          out.add(latency.get(i));
        }
      }
      return out.stream().mapToLong(Long::longValue).sorted().toArray();
    }
  }

  // ---- probe ----

  /** One probe: the marker's PUT sent, acknowledged, and first seen in each node's DNS answer. */
  record ProbeResult(long sent, long acked, long[] seen, long[] pollGap) {}

  /**
   * Every interval, a new region-2 token for the probe account is PUT through node A; then the
   * probe asks the DNS of the watched nodes for the account's TXT record (about every
   * millisecond) until each answers with the new token.
   */
  final class Probe {
    final Node writer;
    final List<Node> watched;
    final int intervalMillis;
    final long end;
    final List<ProbeResult> results = new CopyOnWriteArrayList<>();
    final AtomicLong skippedTicks = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong neverSeen = new AtomicLong();

    Probe(Node writer, List<Node> watched, int intervalMillis, long end) {
      this.writer = writer;
      this.watched = watched;
      this.intervalMillis = intervalMillis;
      this.end = end;
    }

    void run() {
      try (DatagramSocket socket = new DatagramSocket()) {
        socket.setSoTimeout(1000);
        Name name = Name.fromString(PROBE_ACCOUNT + ".1r2." + BASE + ".");
        long interval = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        long tick = System.nanoTime();
        for (int k = 0; tick < end; k++, tick += interval) {
          sleepUntil(tick);
          if (System.nanoTime() > tick + interval) {
            skippedTicks.incrementAndGet();
            continue;
          }
          String marker = "MS=p" + k;
          long sent = System.nanoTime();
          try {
            HttpResponse<String> r = http.send(putRequest(writer, "/accounts/" + PROBE_ACCOUNT,
                accountBody(PROBE_ACCOUNT, "MS=probe", marker)), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
              failures.incrementAndGet();
              progress("probe PUT -> %d %s", r.statusCode(), r.body());
              continue;
            }
          } catch (IOException e) {
            failures.incrementAndGet();
            continue;
          }
          long acked = System.nanoTime();
          long[] seen = new long[watched.size()];
          long[] lastMiss = new long[watched.size()];
          Arrays.fill(lastMiss, acked);
          int left = watched.size();
          long giveUp = acked + TimeUnit.SECONDS.toNanos(10);
          while (left > 0 && System.nanoTime() < giveUp) {
            for (int w = 0; w < watched.size(); w++) {
              if (seen[w] != 0) {
                continue;
              }
              long asked = System.nanoTime();
              if (txtHas(socket, watched.get(w).dnsPort, name, marker)) {
                seen[w] = System.nanoTime();
                lastMiss[w] = asked - lastMiss[w];
                left--;
              } else {
                lastMiss[w] = asked;
              }
            }
            if (left > 0) {
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
          }
          if (left > 0) {
            neverSeen.incrementAndGet();
            progress("WARNING: probe %s not visible on every node 10 s after its PUT", marker);
            continue;
          }
          results.add(new ProbeResult(sent, acked, seen, lastMiss));
        }
      } catch (IOException e) {
        throw new IllegalStateException("probe failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** True if the node's DNS answers the TXT query for {@code name} with {@code marker}. */
    boolean txtHas(DatagramSocket socket, int port, Name name, String marker) throws IOException {
      Message query = Message.newQuery(Record.newRecord(name, Type.TXT, DClass.IN));
      byte[] wire = query.toWire();
      socket.send(new DatagramPacket(wire, wire.length, new InetSocketAddress("127.0.0.1", port)));
      byte[] buffer = new byte[1500];
      while (true) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
          socket.receive(packet);
        } catch (SocketTimeoutException e) {
          return false;
        }
        Message answer = new Message(Arrays.copyOf(buffer, packet.getLength()));
        if (answer.getHeader().getID() != query.getHeader().getID()) {
          continue; // a late answer to an earlier query
        }
        for (Record rr : answer.getSection(Section.ANSWER)) {
          if (rr instanceof TXTRecord txt && txt.getStrings().contains(marker)) {
            return true;
          }
        }
        return false;
      }
    }
  }

  // ---- CPU and machine ----

  /** CPU ticks of each node, of PostgreSQL (postmaster and its children), of this JVM, and of the machine. */
  record CpuTimes(Map<String, Long> ticks, long machineBusy, long machineTotal) {
    static CpuTimes read(List<Node> nodes, Path pgData) throws IOException {
      Map<String, Long> ticks = new LinkedHashMap<>();
      for (Node n : nodes) {
        ticks.put(n.toString(), processTicks(n.process.pid()));
      }
      long postmaster = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).strip());
      long pg = processTicks(postmaster);
      for (ProcessHandle child : ProcessHandle.of(postmaster).map(p -> p.children().toList()).orElse(List.of())) {
        pg += processTicks(child.pid());
      }
      ticks.put("PostgreSQL", pg);
      ticks.put("load generator and probe (this JVM)", processTicks(ProcessHandle.current().pid()));
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < cpu.length; i++) {
        total += Long.parseLong(cpu[i]);
      }
      long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
      return new CpuTimes(ticks, total - idle, total);
    }

    static long processTicks(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      } catch (IOException | RuntimeException gone) {
        return 0;
      }
    }
  }

  record Machine(String text) {
    static Machine describe() throws IOException {
      String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
      String kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
      return new Machine(String.format(Locale.ROOT, "%d cores (%s), Linux %s; Java %s (%s)",
          Runtime.getRuntime().availableProcessors(), model, kernel, System.getProperty("java.runtime.version"),
          System.getProperty("java.vm.name")));
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  // ---- report ----

  record Result(int rate, int seconds, int warmup, int accounts, int probeMillis, int inFlight, Machine machine,
      String pgVersion, List<Node> nodes, Map<Node, Metrics> before, Map<Node, Metrics> after, double window,
      Load load, Probe probe, CpuTimes cpuBefore, CpuTimes cpuAfter, String loadBefore, String loadAfter,
      boolean synced, double catchUp) {}

  void report(Result r) throws Exception {
    Node a = r.nodes().get(0);
    double changes = r.after().get(a).applied() - r.before().get(a).applied();
    double achieved = changes / r.window();
    long windowFailed = r.load().windowFailures.values().stream().mapToLong(AtomicLong::get).sum();
    long[] lat = r.load().windowLatencies();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "## Change propagation: %,d changes/s offered to node A, %d s measured after %d s"
        + " warm-up%n%n", r.rate(), r.seconds(), r.warmup()));
    out.append("| measure | value |\n|---|---|\n");
    row(out, "offered rate (single-number PUTs to node A, open loop)", String.format(Locale.ROOT, "%,d /s", r.rate()));
    row(out, "achieved commit rate (node A's applied change sequence)", String.format(Locale.ROOT,
        "**%,.0f changes/s** (%,.0f change sets in %.1f s)", achieved, changes, r.window()));
    row(out, "requests due in the window: sent / answered 2xx", String.format(Locale.ROOT, "%,d / %,d",
        r.load().windowSent.get(), r.load().windowOk.get()));
    row(out, "failed requests (errors, non-2xx, not sent for the in-flight limit)", String.format(Locale.ROOT,
        "%,d (%s; %,d not sent)", windowFailed + r.load().windowSkipped.get(), r.load().windowFailures.isEmpty()
            ? "none" : r.load().windowFailures.toString(), r.load().windowSkipped.get()));
    row(out, "requests sent more than 10 ms after their due time", String.format(Locale.ROOT, "%,d (latest %.1f ms late)",
        r.load().windowLate.get(), r.load().maxLateNanos.get() / 1e6));
    if (lat.length > 0) {
      row(out, "PUT answer time from due time: p50 / p99 / max", String.format(Locale.ROOT, "%.1f / %.1f / %.1f ms",
          pct(lat, 0.50) / 1e6, pct(lat, 0.99) / 1e6, lat[lat.length - 1] / 1e6));
    }
    for (Node n : r.nodes().subList(1, r.nodes().size())) {
      Metrics b = r.before().get(n);
      Metrics e = r.after().get(n);
      Quantile p50 = quantile(b, e, 0.50);
      Quantile p99 = quantile(b, e, 0.99);
      double count = e.count() - b.count();
      row(out, String.format(Locale.ROOT, "propagation to %s (region %d), drgw histogram: p50 / p99", n, n.region),
          String.format(Locale.ROOT, "**%s / %s** (buckets %s and %s; %,.0f changes, mean %.1f ms)", ms(p50.seconds()),
              ms(p99.seconds()), range(p50), range(p99), count, 1000 * (e.sum() - b.sum()) / count));
    }
    List<ProbeResult> probes = r.probe().results;
    for (int w = 0; w < r.probe().watched.size(); w++) {
      int index = w;
      long[] fromAck = probes.stream().mapToLong(p -> p.seen()[index] - p.acked()).sorted().toArray();
      long[] fromSend = probes.stream().mapToLong(p -> p.seen()[index] - p.sent()).sorted().toArray();
      long[] gaps = probes.stream().mapToLong(p -> p.pollGap()[index]).sorted().toArray();
      if (fromAck.length == 0) {
        continue;
      }
      row(out, String.format(Locale.ROOT, "probe, PUT answered → visible in %s's DNS: p50 / p99 / max",
              r.probe().watched.get(w)), String.format(Locale.ROOT, "**%.1f / %.1f / %.1f ms** (%d probes; from sending"
              + " the PUT: %.1f / %.1f / %.1f ms; median poll step %.2f ms)", pct(fromAck, 0.5) / 1e6,
          pct(fromAck, 0.99) / 1e6, fromAck[fromAck.length - 1] / 1e6, fromAck.length, pct(fromSend, 0.5) / 1e6,
          pct(fromSend, 0.99) / 1e6, fromSend[fromSend.length - 1] / 1e6, pct(gaps, 0.5) / 1e6));
    }
    row(out, "probe problems", String.format(Locale.ROOT, "%d PUT failures, %d never visible, %d ticks skipped",
        r.probe().failures.get(), r.probe().neverSeen.get(), r.probe().skippedTicks.get()));
    row(out, "nodes in step after the load", r.synced() ? String.format(Locale.ROOT, "yes, %.1f s after the last answer",
        r.catchUp()) : "**NO** within 60 s");
    row(out, "WARN/ERROR lines in node logs (A, B, C)", r.nodes().stream().map(n -> Long.toString(n.errorsInLog))
        .reduce((x, y) -> x + ", " + y).orElse(""));
    double hz = 100; // USER_HZ
    StringBuilder cpu = new StringBuilder();
    for (String who : r.cpuAfter().ticks().keySet()) {
      double used = (r.cpuAfter().ticks().get(who) - r.cpuBefore().ticks().getOrDefault(who, 0L)) / hz;
      cpu.append(cpu.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s %.0f%%", who, 100 * used / r.window()));
    }
    row(out, "CPU in the window, % of one core", cpu.toString());
    double busy = (double) (r.cpuAfter().machineBusy() - r.cpuBefore().machineBusy())
        / (r.cpuAfter().machineTotal() - r.cpuBefore().machineTotal());
    row(out, "machine busy in the window (all processes, incl. other users)", String.format(Locale.ROOT,
        "%.0f%% of %d cores; load average %s at the window's start, %s at its end", 100 * busy,
        Runtime.getRuntime().availableProcessors(), r.loadBefore(), r.loadAfter()));
    out.append('\n');
    out.append(String.format(Locale.ROOT, "drgw's own gauges at the end (Micrometer's decaying window of up to 2"
        + " minutes, warm-up included, not the measured window): %s%n%n", r.nodes().subList(1, r.nodes().size()).stream()
        .map(n -> String.format(Locale.ROOT, "%s max %s, quantile gauges %s", n, ms(r.after().get(n).max()),
            Double.isNaN(r.after().get(n).q50()) ? "not exported" : "p50 " + ms(r.after().get(n).q50()) + ", p99 "
                + ms(r.after().get(n).q99())))
        .reduce((x, y) -> x + "; " + y).orElse("")));
    out.append(String.format(Locale.ROOT, "Histogram resolution: the metric's bucket bounds between 1 ms and 1 s are %s"
        + "; a quantile is interpolated linearly inside its bucket.%n%n", bounds(r.after().get(r.nodes().get(1)))));
    out.append(String.format(Locale.ROOT, "Machine: %s; PostgreSQL %s (embedded zonky binaries, default settings);"
        + " three drgw nodes from target/drgw.jar, each its own JVM (defaults%s), on the same machine, so all clocks"
        + " are one. Goal from the issue: report p50/p99 at 1,000 changes/s; no numeric target was given.%n",
        r.machine().text(), r.pgVersion(), options.containsKey("--server-java-opts")
            ? ", " + options.get("--server-java-opts") : ""));
    out.append(String.format(Locale.ROOT, "Work dir with node logs: %s%n", work));
    System.out.print(out);
  }

  static void row(StringBuilder out, String what, String value) {
    out.append("| ").append(what).append(" | ").append(value).append(" |\n");
  }

  static String ms(double seconds) {
    if (Double.isNaN(seconds)) {
      return "?";
    }
    if (Double.isInfinite(seconds)) {
      return "> largest bucket";
    }
    return String.format(Locale.ROOT, "%.1f ms", seconds * 1000);
  }

  static String range(Quantile q) {
    return String.format(Locale.ROOT, "%.1f–%s ms", q.lower() * 1000, Double.isInfinite(q.upper()) ? "∞"
        : String.format(Locale.ROOT, "%.1f", q.upper() * 1000));
  }

  static String bounds(Metrics m) {
    StringBuilder s = new StringBuilder();
    for (double le : m.buckets().keySet()) {
      if (le >= 0.001 && le <= 1.0) {
        s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", le * 1000));
      }
    }
    return s + " ms";
  }

  static double pct(long[] sorted, double q) {
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, i)];
  }

  // ---- processes ----

  static void sleepUntil(long nanoTime) throws InterruptedException {
    long now;
    while ((now = System.nanoTime()) < nanoTime) {
      TimeUnit.NANOSECONDS.sleep(Math.min(nanoTime - now, TimeUnit.MILLISECONDS.toNanos(100)));
    }
  }

  static String run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("DRGW_"));
    pb.environment().putAll(env);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(command + " failed: " + out);
    }
    return out;
  }

  static void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[propbench] " + format + "%n", args);
  }

  void stopAll() {
    for (Process p : running) {
      if (p.isAlive()) {
        p.destroy();
        try {
          if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
