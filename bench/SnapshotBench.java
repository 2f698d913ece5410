package bench;

import dev.drgw.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Routing snapshot benchmark (issue 6); run it with bench/snapshot.sh, which documents the phases
 * and options. Progress goes to stderr, the markdown report to stdout. Every process started here
 * is stopped on the way out.
 */
public class SnapshotBench {

  static final Pattern BUILT =
      Pattern.compile("routing snapshot built at change (\\d+): (\\d+) accounts, (\\d+) numbers in (\\d+) ms");
  static final String HTTP_UP = "drgw serving HTTP on";

  /** Change sets of 100 applied in the probe: over 4 x 262,144 changes, so that even 10M folds once. */
  static final int APPLY_SETS = 11_000;

  final Map<String, String> options;
  final Path work;
  final String xmx;
  final String cpu;
  final List<Process> running = new ArrayList<>();

  SnapshotBench(Map<String, String> options, Path work) {
    this.options = options;
    this.work = work;
    this.xmx = options.getOrDefault("--xmx", "2g");
    this.cpu = options.getOrDefault("--cpu", "0");
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("DRGW_LOG_LEVEL", "WARN");
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target").toAbsolutePath()), "snapshotbench-");
    SnapshotBench bench = new SnapshotBench(options, work);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll, "snapshotbench-cleanup"));
    try {
      bench.run();
    } finally {
      bench.stopAll();
    }
  }

  record Server(long buildMs, long readyMs, long rssKb, long heapKb) {}

  record Row(long n, Server server, Map<String, String> shared, Map<String, String> unique, double lookups,
      double lookupsError, double lookupsChanged) {}

  void run() throws Exception {
    List<Long> sizes = new ArrayList<>();
    for (String s : options.getOrDefault("--sizes", "100000,1000000,10000000").split(",")) {
      sizes.add(Long.parseLong(s.replace("_", "")));
    }
    progress("work dir %s; -Xmx%s; server and JMH pinned to CPU %s", work, xmx, cpu);
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(work.resolve("pg"))
        .setCleanDataDirectory(true)
        .setServerConfig("shared_buffers", "1GB")
        .setServerConfig("max_wal_size", "4GB")
        .setServerConfig("synchronous_commit", "off")
        .start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE drgw_bench");
        s.execute("CREATE DATABASE drgw_empty");
        try (var rs = s.executeQuery("SELECT version()")) {
          rs.next();
          progress("PostgreSQL (zonky embedded binaries): %s", rs.getString(1));
        }
      }
      String url = pg.getJdbcUrl("postgres", "drgw_bench");
      String emptyUrl = pg.getJdbcUrl("postgres", "drgw_empty");
      Database.open(url, "postgres", "", 2).close();
      Database.open(emptyUrl, "postgres", "", 2).close();
      progress("schema created by drgw's Flyway migrations in drgw_bench and drgw_empty");
      loadAccounts(url);
      Server empty = startServer(emptyUrl, "empty", 0);
      List<Row> rows = new ArrayList<>();
      long loaded = 0;
      for (long n : sizes) {
        long t = System.nanoTime();
        loadNumbers(url, loaded, n);
        loaded = n;
        progress("loaded %,d numbers by COPY FROM in %,d ms (then VACUUM ANALYZE)", n, (System.nanoTime() - t) / 1_000_000);
        Server server = startServer(url, "n" + n, n);
        Map<String, String> shared = probe(n, false, APPLY_SETS);
        Map<String, String> unique = probe(n, true, 0);
        double[] jmh = jmh(n, 0);
        double[] jmhChanged = jmh(n, 100_000);
        rows.add(new Row(n, server, shared, unique, jmh[0], jmh[1], jmhChanged[0]));
      }
      report(empty, rows);
    }
  }

  // ---- PostgreSQL ----

  void loadAccounts(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
      s.execute("INSERT INTO accounts (name, dr_sync_enabled, dr_enabled, call_screening, subdomain, subdomain_key,"
          + " region1_token, region2_token, version, created_at, updated_at)"
          + " SELECT 'acct' || lpad(g::text, 4, '0'), TRUE, TRUE, FALSE, 'l' || g, 'l' || g, 't1', 't2', 1,"
          + " now(), now() FROM generate_series(0, " + (SnapshotNumbers.ACCOUNTS - 1) + ") g");
    }
  }

  void loadNumbers(String url, long from, long to) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
      try (Statement s = c.createStatement()) {
        // Bulk load: the numbers' foreign key to accounts is not checked row by row (all 1,000
        // accounts exist), as pg_restore does.
        s.execute("SET session_replication_role = replica");
      }
      CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
          "COPY numbers (telephone_number, account_name, dr_enabled, custom_sip_header, updated_at) FROM STDIN");
      StringBuilder sb = new StringBuilder(1 << 20);
      for (long i = from; i < to; i++) {
        sb.append(SnapshotNumbers.tn(i)).append('\t').append(SnapshotNumbers.account(i)).append('\t')
            .append(i % 10 != 0 ? 't' : 'f').append('\t').append(SnapshotNumbers.header(i, false))
            .append("\t2026-01-01 00:00:00+00\n");
        if (sb.length() > (1 << 20) - 200 || i == to - 1) {
          byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
          copy.writeToCopy(bytes, 0, bytes.length);
          sb.setLength(0);
        }
      }
      copy.endCopy();
      try (Statement s = c.createStatement()) {
        s.execute("VACUUM ANALYZE numbers");
      }
    }
  }

  // ---- drgw, the real server ----

  Server startServer(String url, String name, long expected) throws Exception {
    List<String> command = new ArrayList<>(pinned());
    command.addAll(List.of(java(), "-Xmx" + xmx, "-jar", Path.of("target/drgw.jar").toAbsolutePath().toString(), "serve"));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("DRGW_"));
    Path data = Files.createDirectories(work.resolve("data-" + name));
    env.put("DRGW_DATA_DIR", data.toString());
    env.put("DRGW_DB_URL", url);
    env.put("DRGW_DB_USER", "postgres");
    env.put("DRGW_HTTP_BIND", "127.0.0.1");
    env.put("DRGW_HTTP_PORT", "0");
    env.put("DRGW_DNS_BIND", "127.0.0.1");
    env.put("DRGW_DNS_PORT", "0");
    env.put("DRGW_BASE_DOMAIN", "bench.example.net");
    env.put("DRGW_REGIONS", "2");
    env.put("DRGW_REGION_DOMAIN_FORMAT", "1r%d");
    env.put("DRGW_REGION1_SIP_ADDRESSES", "192.0.2.1");
    env.put("DRGW_REGION2_SIP_ADDRESSES", "192.0.2.2");
    Path log = work.resolve("drgw-" + name + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = start(pb);
    try {
      String text = awaitLog(p, log, HTTP_UP, Duration.ofMinutes(10));
      long readyMs = (System.nanoTime() - t0) / 1_000_000;
      Matcher built = BUILT.matcher(text);
      if (!built.find() || Long.parseLong(built.group(3)) != expected) {
        throw new IllegalStateException("drgw did not log a snapshot of " + expected + " numbers; see " + log);
      }
      long pid = p.pid();
      run(List.of("jcmd", Long.toString(pid), "GC.run"));
      Thread.sleep(500);
      run(List.of("jcmd", Long.toString(pid), "GC.run"));
      Thread.sleep(500);
      long heap = heapUsedKb(run(List.of("jcmd", Long.toString(pid), "GC.heap_info")));
      long rss = vmRssKb(pid);
      Server s = new Server(Long.parseLong(built.group(4)), readyMs, rss, heap);
      progress("drgw %s: snapshot built in %,d ms, HTTP ready %,d ms after exec; heap after GC %,d KiB, RSS %,d KiB",
          name, s.buildMs(), s.readyMs(), s.heapKb(), s.rssKb());
      return s;
    } finally {
      stop(p);
    }
  }

  // ---- in-memory probes and JMH ----

  Map<String, String> probe(long n, boolean unique, int sets) throws Exception {
    String out = run(List.of(java(), "-Xmx" + xmx, "-cp", System.getProperty("java.class.path"),
        "bench.SnapshotProbe", Long.toString(n), Boolean.toString(unique), Integer.toString(sets)));
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : out.lines().toList()) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.contains(" ")) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    progress("in memory, %,d numbers, %s headers: %s", n, unique ? "unique" : "shared", values);
    return values;
  }

  double[] jmh(long n, int changed) throws Exception {
    Path csv = work.resolve("jmh-" + n + "-" + changed + ".csv");
    List<String> command = new ArrayList<>(pinned());
    command.addAll(List.of(java(), "-cp", System.getProperty("java.class.path"), "org.openjdk.jmh.Main",
        "bench.SnapshotLookupBench", "-p", "n=" + n, "-p", "changed=" + changed, "-f", "1", "-t", "1",
        "-wi", "3", "-w", "2s", "-i", "5", "-r", "2s", "-jvmArgs", "-Xmx" + xmx, "-rf", "csv", "-rff", csv.toString()));
    String out = run(command);
    Files.writeString(work.resolve("jmh-" + n + "-" + changed + ".txt"), out);
    List<String> lines = Files.readAllLines(csv);
    String[] f = lines.get(1).split(",");
    double score = Double.parseDouble(f[4]);
    double error = f[5].isEmpty() || f[5].equals("NaN") ? 0 : Double.parseDouble(f[5]);
    progress("JMH %,d numbers, %,d changed: %,.0f ± %,.0f lookups/s", n, changed, score, error);
    return new double[] {score, error};
  }

  // ---- report ----

  void report(Server empty, List<Row> rows) {
    StringBuilder r = new StringBuilder();
    r.append("### Routing snapshot: ").append(rows.size()).append(" sizes, 1,000 accounts, -Xmx").append(xmx).append("\n\n");
    r.append(String.format(Locale.ROOT, "Empty database: drgw HTTP ready in %,d ms, heap after full GC %,d KiB, RSS %,d KiB.%n%n",
        empty.readyMs(), empty.heapKb(), empty.rssKb()));
    r.append("| numbers | build from PostgreSQL (goal < 10 s at 10M) | start to HTTP ready | heap/number, server (goal ≤ 64 B) "
        + "| heap/number in memory, shared headers | heap/number, unique headers | RSS of drgw | lookups/s, 1 thread (goal ≥ 10M) "
        + "| lookups/s, 100k changed in overlay | lookups per CPU-second (plain loop) "
        + "| apply 100 numbers: median / p99 / max (fold) |\n");
    r.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row row : rows) {
      double perNumber = (row.server().heapKb() - empty.heapKb()) * 1024.0 / row.n();
      double cpuRate = Double.parseDouble(row.shared().getOrDefault("lookups_per_cpu_s", "0"));
      r.append(String.format(Locale.ROOT,
          "| %,d | %,d ms %s | %,d ms | %.1f B %s | %.1f B | %.1f B | %,d MiB | %,.1fM ± %,.1fM %s | %,.1fM | %,.1fM %s | %s µs / %s µs / %s ms |%n",
          row.n(), row.server().buildMs(), mark(row.n() < 10_000_000 || row.server().buildMs() < 10_000),
          row.server().readyMs(), perNumber, mark(perNumber <= 64),
          Double.parseDouble(row.shared().get("bytes_per_number")), Double.parseDouble(row.unique().get("bytes_per_number")),
          row.server().rssKb() / 1024, row.lookups() / 1e6, row.lookupsError() / 1e6, mark(row.lookups() >= 10e6),
          row.lookupsChanged() / 1e6, cpuRate / 1e6, mark(cpuRate >= 10e6),
          row.shared().get("apply_median_us"), row.shared().get("apply_p99_us"), row.shared().get("apply_max_ms")));
    }
    r.append("\n✅ meets the goal, ❌ misses it. Heap/number (server) = (heap after full GC with N numbers − heap with an "
        + "empty database) / N; in memory = the same difference in a JVM that only builds the snapshot. "
        + "Apply: " + APPLY_SETS + " chained change sets of 100 numbers (half new, half moved) by RoutingSnapshot.apply "
        + "alone; the max is a fold of the overlay into a new base, which the follower runs on its own thread. Lookups per CPU-second: the JMH workload in a plain loop, "
        + "divided by the thread's CPU time rather than wall time, the fairer figure on a shared machine.\n");
    System.out.print(r);
  }

  static String mark(boolean ok) {
    return ok ? "✅" : "❌";
  }

  // ---- processes ----

  List<String> pinned() {
    return onPath("taskset") ? List.of("taskset", "-c", cpu) : List.of();
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[snapshotbench] " + format + "%n", args);
  }

  static String awaitLog(Process p, Path log, String marker, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      if (text.contains(marker)) {
        return text;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("drgw exited with " + p.exitValue() + " before it was ready; see " + log);
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("drgw not ready after " + timeout + "; see " + log);
  }

  static long vmRssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  static long heapUsedKb(String heapInfo) {
    Matcher m = Pattern.compile("total \\d+K, used (\\d+)K").matcher(heapInfo);
    long used = 0;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
    }
    return used;
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  synchronized Process start(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    running.add(p);
    return p;
  }

  void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      running.remove(p);
    }
  }

  synchronized void stopAll() {
    for (Process p : new ArrayList<>(running)) {
      stop(p);
    }
  }

  /** Runs a command to completion; returns its output; fails on a non-zero exit. */
  String run(List<String> command) throws Exception {
    Path out = Files.createTempFile(work, "cmd-", ".txt");
    Process p = start(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()));
    int exit = p.waitFor();
    synchronized (this) {
      running.remove(p);
    }
    String text = Files.readString(out);
    if (exit != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed (exit " + exit + "):\n" + text);
    }
    return text;
  }
}
