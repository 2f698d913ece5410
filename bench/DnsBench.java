import dev.drgw.store.Database;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * DNS benchmark: drgw against NSD serving the same zone, one server at a time on one core,
 * dnsperf on the other; run it with bench/dns.sh, which documents the phases and options.
 * Accounts are written straight into drgw's H2 file (schema from drgw's own migrations), so
 * loading a million names takes seconds; drgw runs from target/drgw.jar in its own process.
 * Every process started here is stopped on the way out, by try/finally and a shutdown hook.
 */
public class DnsBench {

  static final Set<String> OPTIONS = Set.of("--accounts", "--memory-accounts", "--seconds", "--warmup",
      "--base", "--server-cpu", "--client-cpu", "--server-java-opts", "--work");
  static final int REGIONS = 2;
  static final String REGION_FORMAT = "1r%d";
  static final String[] REGION_ADDRESSES = {"192.0.2.1", "192.0.2.2"};
  /** dnsperf as in the issue: one client, one thread, 100 queries outstanding. */
  static final List<String> DNSPERF_SHAPE = List.of("-c", "1", "-T", "1", "-q", "100");
  static final Pattern BUILT =
      Pattern.compile("routing snapshot built at change (\\d+): (\\d+) accounts, (\\d+) numbers in (\\d+) ms");
  static final Pattern DNS_PORT = Pattern.compile("DNS serving \\S+ on [^ ]+:(\\d+) \\(UDP and TCP\\)");
  static final String HTTP_UP = "drgw serving HTTP on";

  final Map<String, String> options;
  final String base;
  final String serverCpu;
  final String clientCpu;
  final Path work;
  final List<Process> running = new CopyOnWriteArrayList<>();

  DnsBench(Map<String, String> options, Path work) {
    this.options = options;
    this.base = options.getOrDefault("--base", "a1b2c3d4e5f6g7h8.commsgw.example.net");
    this.serverCpu = options.getOrDefault("--server-cpu", "0");
    this.clientCpu = options.getOrDefault("--client-cpu", "1");
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("DRGW_LOG_LEVEL", "WARN"); // quiet drgw's classes used here; the server logs at INFO
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Path work = Files.createTempDirectory(
        Files.createDirectories(Path.of(options.getOrDefault("--work", "target")).toAbsolutePath()), "dnsbench-");
    DnsBench bench = new DnsBench(options, work);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll, "dnsbench-cleanup"));
    try {
      bench.run();
    } finally {
      bench.stopAll();
    }
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!OPTIONS.contains(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: bench/dns.sh [" + String.join(" VALUE] [", OPTIONS.stream().sorted().toList())
            + " VALUE]; got " + String.join(" ", args));
      }
      out.put(args[i], args[i + 1]);
    }
    return out;
  }

  int intOption(String name, int fallback) {
    return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)).replace("_", "").replace(",", ""));
  }

  void run() throws Exception {
    int accounts = intOption("--accounts", 100_000);
    int memoryAccounts = intOption("--memory-accounts", 500_000);
    int seconds = intOption("--seconds", 10);
    int warmup = intOption("--warmup", 5);
    if (accounts < 1 || memoryAccounts < 0 || seconds < 1 || warmup < 0) {
      throw new IllegalArgumentException("need --accounts >= 1, --memory-accounts >= 0, --seconds >= 1, --warmup >= 0");
    }
    progress("work dir %s; %,d accounts (%,d names), dnsperf %ds after %ds warm-up, server on cpu %s, dnsperf on cpu %s",
        work, accounts, accounts * REGIONS, seconds, warmup, serverCpu, clientCpu);

    Path dataDir = work.resolve("zone-" + accounts);
    load(dataDir, accounts);

    Drgw exporter = startDrgw(dataDir, "export", accounts, false);
    Memory zoneMemory = memory(exporter);
    String gc = gcName(exporter);
    Zone zone = exportZone(exporter, accounts);
    stop(exporter.process());

    Path queries = writeQueries(work.resolve("queries.txt"), accounts);
    List<String> sample = new ArrayList<>(List.of(base + " SOA", base + " NS", regionName(1) + " A",
        regionName(2) + " A", owner("nx", 1) + " TXT"));
    sample.addAll(Files.readAllLines(queries).subList(0, 60));

    Nsd nsd = startNsd(zone.file());
    Map<String, String> nsdAnswers = answers(nsd.port(), sample);
    Perf nsdPerf = dnsperf("nsd", nsd.process(), nsd.port(), queries, warmup, seconds);
    stop(nsd.process());

    Drgw server = startDrgw(dataDir, "serve", accounts, System.getenv("BENCH_SERVER_JFR") != null);
    Map<String, String> drgwAnswers = answers(server.dnsPort(), sample);
    if (!drgwAnswers.equals(nsdAnswers)) {
      throw new IllegalStateException("drgw and NSD answer differently:\n" + diff(nsdAnswers, drgwAnswers));
    }
    progress("drgw and NSD give the same answers to %d sample queries", sample.size());
    Perf drgwPerf = dnsperf("drgw", server.process(), server.dnsPort(), queries, warmup, seconds);
    long rssAfterLoad = vmRssKb(server.process().pid());
    stop(server.process());

    MemoryAtSize memoryAtSize = null;
    if (memoryAccounts > 0) {
      Path emptyDir = work.resolve("zone-0");
      load(emptyDir, 0);
      Drgw empty = startDrgw(emptyDir, "memory-empty", 0, false);
      Memory baseline = memory(empty);
      stop(empty.process());
      Path bigDir = work.resolve("zone-" + memoryAccounts);
      load(bigDir, memoryAccounts);
      Drgw big = startDrgw(bigDir, "memory", memoryAccounts, false);
      Memory loaded = memory(big);
      stop(big.process());
      memoryAtSize = new MemoryAtSize(memoryAccounts, baseline, loaded, big.buildMillis(), big.readyMillis());
    }

    report(accounts, zone, nsdPerf, drgwPerf, exporter, server, zoneMemory, rssAfterLoad, memoryAtSize, gc,
        seconds, warmup);
  }

  // ---- loading ----

  static String dbUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.resolve("drgw");
  }

  static String label(int account) {
    return String.format(Locale.ROOT, "a%07d", account);
  }

  static String token(int account, int region) {
    return String.format(Locale.ROOT, "MS=ms%d%07d", region, account);
  }

  String regionName(int region) {
    return String.format(Locale.ROOT, REGION_FORMAT, region) + "." + base;
  }

  String owner(String label, int region) {
    return label + "." + regionName(region);
  }

  /** A fresh H2 file with drgw's schema and {@code accounts} Direct Routing accounts at change 1. */
  void load(Path dataDir, int accounts) throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(dataDir);
    try (Database schema = Database.open(dbUrl(dataDir), "drgw", "", 2)) {
      // drgw's own Flyway migrations create the schema; then the pool lets go of the file
    }
    try (Connection c = DriverManager.getConnection(dbUrl(dataDir), "drgw", "")) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO accounts (name, dr_sync_enabled, dr_enabled, call_screening, subdomain, subdomain_key,"
              + " region1_token, region2_token, version, created_at, updated_at)"
              + " VALUES (?, TRUE, TRUE, FALSE, ?, ?, ?, ?, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
        for (int a = 0; a < accounts; a++) {
          s.setString(1, String.format(Locale.ROOT, "acct%07d", a));
          s.setString(2, label(a));
          s.setString(3, label(a));
          s.setString(4, token(a, 1));
          s.setString(5, token(a, 2));
          s.addBatch();
          if ((a + 1) % 5_000 == 0) {
            s.executeBatch();
            c.commit();
          }
        }
        s.executeBatch();
      }
      if (accounts > 0) {
        c.createStatement().executeUpdate("UPDATE change_head SET seq = 1 WHERE id = 1");
      }
      c.commit();
    }
    progress("loaded %,d accounts into %s in %.1f s", accounts, dataDir, (System.nanoTime() - t0) / 1e9);
  }

  // ---- drgw ----

  record Drgw(Process process, Path log, int dnsPort, long buildMillis, long readyMillis) {}

  Drgw startDrgw(Path dataDir, String name, int expectedAccounts, boolean jfr) throws Exception {
    List<String> command = new ArrayList<>(List.of("taskset", "-c", serverCpu,
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    String javaOpts = options.getOrDefault("--server-java-opts", "").trim();
    if (!javaOpts.isEmpty()) {
      command.addAll(List.of(javaOpts.split("\\s+")));
    }
    if (jfr) {
      command.add("-XX:StartFlightRecording=filename=" + System.getenv("BENCH_SERVER_JFR") + "-drgw.jfr,settings=profile");
    }
    command.addAll(List.of("-jar", Path.of("target/drgw.jar").toAbsolutePath().toString(), "serve"));
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("DRGW_"));
    env.put("DRGW_DATA_DIR", dataDir.toString());
    env.put("DRGW_DB_URL", dbUrl(dataDir));
    env.put("DRGW_DB_USER", "drgw");
    env.put("DRGW_HTTP_BIND", "127.0.0.1");
    env.put("DRGW_HTTP_PORT", "0");
    env.put("DRGW_DNS_BIND", "127.0.0.1");
    env.put("DRGW_DNS_PORT", "0");
    env.put("DRGW_DNS_TRANSFER_ALLOW", "127.0.0.1");
    env.put("DRGW_BASE_DOMAIN", base);
    env.put("DRGW_DNS_TTL", "300");
    env.put("DRGW_REGIONS", Integer.toString(REGIONS));
    env.put("DRGW_REGION_DOMAIN_FORMAT", REGION_FORMAT);
    env.put("DRGW_REGION1_SIP_ADDRESSES", REGION_ADDRESSES[0]);
    env.put("DRGW_REGION2_SIP_ADDRESSES", REGION_ADDRESSES[1]);
    Path log = dataDir.resolve(name + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = start(pb);
    String text = awaitLog(p, log, HTTP_UP, Duration.ofMinutes(10), "drgw");
    long readyMillis = (System.nanoTime() - t0) / 1_000_000;
    Matcher built = BUILT.matcher(text);
    Matcher port = DNS_PORT.matcher(text);
    if (!built.find() || !port.find()) {
      throw new IllegalStateException("drgw started without the snapshot or DNS log line; see " + log);
    }
    if (Integer.parseInt(built.group(2)) != expectedAccounts) {
      throw new IllegalStateException("drgw built a snapshot of " + built.group(2) + " accounts, expected "
          + expectedAccounts + "; see " + log);
    }
    Drgw drgw = new Drgw(p, log, Integer.parseInt(port.group(1)), Long.parseLong(built.group(4)), readyMillis);
    progress("drgw (%s) pid %d: DNS on 127.0.0.1:%d, snapshot of %,d accounts built in %,d ms, ready after %,d ms",
        name, p.pid(), drgw.dnsPort(), expectedAccounts, drgw.buildMillis(), readyMillis);
    return drgw;
  }

  /** Waits until the process's log has {@code marker}; returns the log so far. */
  static String awaitLog(Process p, Path log, String marker, Duration timeout, String what) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      if (text.contains(marker)) {
        return text;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(what + " exited with " + p.exitValue() + " before it was ready:\n" + tail(text));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(what + " not ready after " + timeout + "; see " + log);
  }

  static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  record Memory(long rssStartKb, long rssAfterGcKb, long heapAfterGcKb) {}

  /** RSS right after start, then RSS and heap in use after a full GC (jcmd GC.run). */
  Memory memory(Drgw drgw) throws Exception {
    long pid = drgw.process().pid();
    long rssStart = vmRssKb(pid);
    run(List.of("jcmd", Long.toString(pid), "GC.run"));
    Thread.sleep(500);
    long rssAfterGc = vmRssKb(pid);
    long heap = heapUsedKb(run(List.of("jcmd", Long.toString(pid), "GC.heap_info")));
    progress("drgw pid %d: RSS %,d KiB after start, %,d KiB after full GC; heap used after GC %,d KiB",
        pid, rssStart, rssAfterGc, heap);
    return new Memory(rssStart, rssAfterGc, heap);
  }

  static long vmRssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  /** Sum of the "total xK, used yK" lines of GC.heap_info (one per generation, or one for G1). */
  static long heapUsedKb(String heapInfo) {
    Matcher m = Pattern.compile("total \\d+K, used (\\d+)K").matcher(heapInfo);
    long used = 0;
    boolean found = false;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("cannot read the heap in use from GC.heap_info:\n" + heapInfo);
    }
    return used;
  }

  String gcName(Drgw drgw) throws Exception {
    Matcher m = Pattern.compile("-XX:\\+Use(\\w+)GC\\b").matcher(run(List.of("jcmd", Long.toString(drgw.process().pid()), "VM.flags")));
    return m.find() ? m.group(1) : "?";
  }

  // ---- zone export and NSD ----

  /** The zone file NSD serves; {@code source} says how it was made. */
  record Zone(Path file, int records, Map<String, Integer> byType, String source) {}

  /**
   * AXFR from drgw (dig, else kdig) into a zone file, comments and the closing SOA dropped. If the
   * transfer fails, the zone file is written from drgw's answers for the apex and region names
   * and from the loaded rows for the customer names, exactly as drgw serves them (the answers of
   * both servers are compared before the measurements), with a warning.
   */
  Zone exportZone(Drgw drgw, int accounts) throws Exception {
    Path raw = work.resolve("axfr.txt");
    String port = Integer.toString(drgw.dnsPort());
    List<String> command = onPath("dig")
        ? List.of("dig", "axfr", "@127.0.0.1", "-p", port, base, "+nocmd", "+nostats", "+tries=1")
        : List.of("kdig", "@127.0.0.1", "-p", port, base, "AXFR", "+retry=0");
    long t0 = System.nanoTime();
    int exit = runAllowingFailure(command, raw);
    double seconds = (System.nanoTime() - t0) / 1e9;
    List<String> records = new ArrayList<>();
    int soas = 0;
    try (var lines = Files.lines(raw, StandardCharsets.US_ASCII)) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isBlank() || line.startsWith(";")) {
          continue;
        }
        if (type(line).equals("SOA") && soas++ > 0) {
          continue; // the transfer's closing SOA
        }
        records.add(line);
      }
    }
    Path file = work.resolve(base + ".zone");
    int names = accounts * REGIONS;
    Map<String, Integer> byType = countTypes(records);
    if (exit == 0 && soas == 2 && byType.getOrDefault("TXT", 0) == names) {
      Files.write(file, records, StandardCharsets.US_ASCII);
      progress("AXFR from drgw: %,d records %s in %.1f s -> %s", records.size(), byType, seconds, file);
      return new Zone(file, records.size(), byType, "AXFR from drgw");
    }
    String source = String.format(Locale.ROOT, "WARNING: the AXFR from drgw failed (%s exit %d after %,d records;"
        + " see %s and drgw's log %s), so the zone file was written from drgw's answers for the apex and region"
        + " names and from the loaded rows for the customer names, as drgw serves them",
        command.get(0), exit, records.size(), raw, drgw.log());
    progress("%s", source);
    records = new ArrayList<>(servedRecords(drgw.dnsPort(), base, Type.SOA));
    List<String> apexNs = servedRecords(drgw.dnsPort(), base, Type.NS);
    records.addAll(apexNs);
    for (String ns : apexNs) {
      String target = ns.split("\\s+")[4].replaceAll("\\.$", "");
      if (target.endsWith("." + base)) {
        records.addAll(servedRecords(drgw.dnsPort(), target, Type.A));
        records.addAll(servedRecords(drgw.dnsPort(), target, Type.AAAA));
      }
    }
    for (int r = 1; r <= REGIONS; r++) {
      records.addAll(servedRecords(drgw.dnsPort(), regionName(r), Type.A));
      records.addAll(servedRecords(drgw.dnsPort(), regionName(r), Type.AAAA));
    }
    for (int a = 0; a < accounts; a++) {
      for (int r = 1; r <= REGIONS; r++) {
        String owner = owner(label(a), r) + ".";
        records.add(owner + "\t300\tIN\tA\t" + REGION_ADDRESSES[r - 1]);
        records.add(owner + "\t300\tIN\tTXT\t\"" + token(a, r) + "\"");
      }
    }
    Files.write(file, records, StandardCharsets.US_ASCII);
    byType = countTypes(records);
    progress("zone file %s: %,d records %s", file, records.size(), byType);
    return new Zone(file, records.size(), byType, source);
  }

  /** The answer records drgw serves for a name and type, in zone-file syntax. */
  static List<String> servedRecords(int port, String name, int type) throws IOException {
    return query(port, name, type, Duration.ofSeconds(2)).getSection(Section.ANSWER).stream()
        .map(Record::toString)
        .toList();
  }

  static Map<String, Integer> countTypes(List<String> records) {
    Map<String, Integer> byType = new LinkedHashMap<>();
    for (String record : records) {
      byType.merge(type(record), 1, Integer::sum);
    }
    return byType;
  }

  /** The type of a record in zone-file syntax with every field given (owner TTL class type data). */
  static String type(String record) {
    String[] f = record.split("\\s+", 5);
    if (f.length < 5) {
      throw new IllegalStateException("not a record in zone-file syntax: " + record);
    }
    return f[3];
  }

  record Nsd(Process process, int port, String version) {}

  Nsd startNsd(Path zoneFile) throws Exception {
    Path dir = Files.createDirectories(work.resolve("nsd"));
    int port = freePort();
    Path conf = dir.resolve("nsd.conf");
    Files.writeString(conf, String.join("\n",
        "server:",
        "  port: " + port,
        "  ip-address: 127.0.0.1",
        "  do-ip6: no",
        "  username: \"\"",
        "  chroot: \"\"",
        "  database: \"\"",
        "  zonesdir: \"" + dir + "\"",
        "  zonelistfile: \"" + dir.resolve("zone.list") + "\"",
        "  xfrdfile: \"" + dir.resolve("xfrd.state") + "\"",
        "  xfrdir: \"" + dir + "\"",
        "  pidfile: \"" + dir.resolve("nsd.pid") + "\"",
        "  logfile: \"" + dir.resolve("nsd.log") + "\"",
        "  server-count: 1",
        "  rrl-ratelimit: 0",
        "  rrl-whitelist-ratelimit: 0",
        "  minimal-responses: yes",
        "  verbosity: 1",
        "remote-control:",
        "  control-enable: no",
        "zone:",
        "  name: " + base,
        "  zonefile: \"" + zoneFile + "\"",
        ""));
    run(List.of("nsd-checkconf", conf.toString()));
    run(List.of("nsd-checkzone", base, zoneFile.toString()));
    String version = run(List.of("nsd", "-v")).lines().findFirst().orElse("NSD ?").replace("NSD version ", "NSD ");
    ProcessBuilder pb = new ProcessBuilder("taskset", "-c", serverCpu, "nsd", "-d", "-c", conf.toString());
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("nsd.out").toFile());
    long t0 = System.nanoTime();
    Process p = start(pb);
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("nsd exited with " + p.exitValue() + ":\n"
            + Files.readString(dir.resolve("nsd.out")) + tail(readIfExists(dir.resolve("nsd.log"))));
      }
      try {
        Message answer = query(port, base, Type.SOA, Duration.ofMillis(300));
        if (answer.getRcode() == Rcode.NOERROR && answer.getHeader().getFlag(Flags.AA)) {
          break;
        }
      } catch (IOException notYet) {
        // loading the zone
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("nsd does not answer; see " + dir);
      }
      Thread.sleep(50);
    }
    progress("%s pid %d on 127.0.0.1:%d, serving after %,d ms", version, p.pid(), port, (System.nanoTime() - t0) / 1_000_000);
    return new Nsd(p, port, version);
  }

  static String readIfExists(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  /** A port free for both UDP and TCP on 127.0.0.1. */
  static int freePort() throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, loopback);
          DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()))) {
        return udp.getLocalPort();
      } catch (IOException taken) {
        // UDP side in use: try another
      }
    }
    throw new IOException("no free port for UDP and TCP on 127.0.0.1");
  }

  // ---- queries ----

  /** TXT and A of existing names (both regions) and NXDOMAIN names, one third each, shuffled. */
  Path writeQueries(Path file, int accounts) throws IOException {
    int lines = Math.max(100_002, 3 * accounts);
    Random random = new Random(42);
    List<String> queries = new ArrayList<>(lines);
    for (int i = 0; i < lines; i++) {
      int region = 1 + random.nextInt(REGIONS);
      String existing = owner(label(random.nextInt(accounts)), region);
      queries.add(switch (i % 3) {
        case 0 -> existing + " TXT";
        case 1 -> existing + " A";
        default -> owner(String.format(Locale.ROOT, "nx%07d", random.nextInt(10_000_000)), region)
            + (random.nextBoolean() ? " TXT" : " A");
      });
    }
    Collections.shuffle(queries, random);
    Files.write(file, queries, StandardCharsets.US_ASCII);
    progress("query file %s: %,d queries (TXT, A, NXDOMAIN, one third each)", file, lines);
    return file;
  }

  static Message query(int port, String name, int type, Duration timeout) throws IOException {
    SimpleResolver resolver = new SimpleResolver(InetAddress.getByName("127.0.0.1"));
    resolver.setPort(port);
    resolver.setTimeout(timeout);
    return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
  }

  /** For each "name TYPE" line: rcode, AA, answer and authority sections, as text to compare servers by. */
  static Map<String, String> answers(int port, List<String> lines) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      Message m = query(port, f[0], Type.value(f[1]), Duration.ofSeconds(2));
      out.put(line, Rcode.string(m.getRcode()) + (m.getHeader().getFlag(Flags.AA) ? " aa" : "")
          + " answer [" + section(m, Section.ANSWER) + "] authority [" + section(m, Section.AUTHORITY) + "]");
    }
    return out;
  }

  static String section(Message m, int section) {
    return m.getSection(section).stream()
        .map(r -> r.getName().toString().toLowerCase(Locale.ROOT) + " " + r.getTTL() + " " + Type.string(r.getType())
            + " " + r.rdataToString())
        .sorted()
        .collect(Collectors.joining("; "));
  }

  static String diff(Map<String, String> nsd, Map<String, String> drgw) {
    StringBuilder b = new StringBuilder();
    nsd.forEach((q, a) -> {
      if (!a.equals(drgw.get(q))) {
        b.append(q).append("\n  nsd:  ").append(a).append("\n  drgw: ").append(drgw.get(q)).append('\n');
      }
    });
    return b.toString();
  }

  // ---- dnsperf ----

  /**
   * One dnsperf run. CPU figures are shares of one core over the run's wall time: the server's
   * processes in user and kernel mode, dnsperf itself, and how busy the two cores were with
   * anything at all (other work on the machine shows there).
   */
  record Perf(double qps, long sent, long lost, double lostPercent, double avgLatency, double maxLatency,
      String codes, String sizes, double serverUser, double serverSys, double dnsperfCpu, double serverCore,
      double clientCore, long switches) {

    double serverCpu() {
      return serverUser + serverSys;
    }

    /** Queries answered per second of CPU the server used: its speed whatever else ran on its core. */
    double perCpuSecond() {
      return qps / serverCpu();
    }

    double switchesPerQuery() {
      return switches / (double) (sent - lost);
    }
  }

  static final Pattern SENT = Pattern.compile("Queries sent:\\s+(\\d+)");
  static final Pattern LOST = Pattern.compile("Queries lost:\\s+(\\d+) \\(([\\d.]+)%\\)");
  static final Pattern QPS = Pattern.compile("Queries per second:\\s+([\\d.]+)");
  static final Pattern LATENCY = Pattern.compile("Average Latency \\(s\\):\\s+([\\d.]+) \\(min [\\d.]+, max ([\\d.]+)\\)");
  static final Pattern CODES = Pattern.compile("Response codes:\\s+(.*)");
  static final Pattern SIZES = Pattern.compile("Average packet size:\\s+(.*)");
  /** The children's line of bash's {@code times}: user and system time of dnsperf. */
  static final Pattern TIMES = Pattern.compile("(?m)^(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s\\s*\\z");

  Perf dnsperf(String server, Process serverProcess, int port, Path queries, int warmup, int seconds)
      throws Exception {
    if (warmup > 0) {
      run(dnsperfCommand(port, queries, warmup), work.resolve("dnsperf-" + server + "-warmup.txt"));
    }
    Path out = work.resolve("dnsperf-" + server + ".txt");
    long[] ticks0 = cpuTicks(serverProcess.toHandle());
    long switches0 = contextSwitches(serverProcess.toHandle());
    Map<String, long[]> cores0 = coreTicks();
    long t0 = System.nanoTime();
    run(dnsperfCommand(port, queries, seconds), out);
    double wall = (System.nanoTime() - t0) / 1e9;
    long[] ticks1 = cpuTicks(serverProcess.toHandle());
    long switches = contextSwitches(serverProcess.toHandle()) - switches0;
    Map<String, long[]> cores1 = coreTicks();
    String text = Files.readString(out);
    Matcher times = TIMES.matcher(text);
    double dnsperfSeconds = times.find()
        ? Integer.parseInt(times.group(1)) * 60 + Double.parseDouble(times.group(2))
            + Integer.parseInt(times.group(3)) * 60 + Double.parseDouble(times.group(4))
        : Double.NaN;
    Perf perf = new Perf(
        Double.parseDouble(find(QPS, text, 1)),
        Long.parseLong(find(SENT, text, 1)),
        Long.parseLong(find(LOST, text, 1)),
        Double.parseDouble(find(LOST, text, 2)),
        Double.parseDouble(find(LATENCY, text, 1)),
        Double.parseDouble(find(LATENCY, text, 2)),
        find(CODES, text, 1).trim(),
        find(SIZES, text, 1).trim(),
        (ticks1[0] - ticks0[0]) / (double) CLOCK_TICKS / wall,
        (ticks1[1] - ticks0[1]) / (double) CLOCK_TICKS / wall,
        dnsperfSeconds / wall,
        busy(cores0, cores1, "cpu" + serverCpu),
        busy(cores0, cores1, "cpu" + clientCpu),
        switches);
    progress("dnsperf %s: %,.0f queries/s, lost %d (%.2f%%), avg latency %.3f ms, max %.3f ms; %s; %s",
        server, perf.qps(), perf.lost(), perf.lostPercent(), perf.avgLatency() * 1e3, perf.maxLatency() * 1e3,
        perf.codes(), perf.sizes());
    progress("  CPU: %s %.0f%% of a core (user %.0f%%, kernel %.0f%%; %,.0f queries per CPU second, %.3f context"
            + " switches per query), dnsperf %.0f%%; core %s busy %.0f%%, core %s busy %.0f%%",
        server, perf.serverCpu() * 100, perf.serverUser() * 100, perf.serverSys() * 100, perf.perCpuSecond(),
        perf.switchesPerQuery(), perf.dnsperfCpu() * 100, serverCpu, perf.serverCore() * 100, clientCpu,
        perf.clientCore() * 100);
    if (!perf.codes().matches("NOERROR [\\d]+ \\([\\d.]+%\\), NXDOMAIN [\\d]+ \\([\\d.]+%\\)")) {
      progress("WARNING: %s answered with response codes other than NOERROR and NXDOMAIN: %s", server, perf.codes());
    }
    return perf;
  }

  static final int CLOCK_TICKS = 100; // USER_HZ of /proc, the same on every Linux architecture in use

  /** User and system CPU ticks of a process and its descendants (/proc/PID/stat fields 14 and 15). */
  static long[] cpuTicks(ProcessHandle root) {
    long[] ticks = new long[2];
    for (ProcessHandle p : java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.descendants()).toList()) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        ticks[0] += Long.parseLong(f[11]);
        ticks[1] += Long.parseLong(f[12]);
      } catch (IOException gone) {
        // exited meanwhile
      }
    }
    return ticks;
  }

  /** Voluntary and involuntary context switches of every thread of a process and its descendants. */
  static long contextSwitches(ProcessHandle root) {
    long switches = 0;
    for (ProcessHandle p : java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.descendants()).toList()) {
      try (var tasks = Files.list(Path.of("/proc", Long.toString(p.pid()), "task"))) {
        for (Path task : tasks.toList()) {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
              switches += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
          }
        }
      } catch (IOException gone) {
        // exited meanwhile
      }
    }
    return switches;
  }

  /** /proc/stat per core: total and idle (idle + iowait) ticks. */
  static Map<String, long[]> coreTicks() throws IOException {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
      if (line.matches("cpu\\d+ .*")) {
        String[] f = line.split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) { // user .. steal; guest time is already in user
          total += Long.parseLong(f[i]);
        }
        out.put(f[0], new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])});
      }
    }
    return out;
  }

  static double busy(Map<String, long[]> before, Map<String, long[]> after, String core) {
    long[] a = before.get(core);
    long[] b = after.get(core);
    if (a == null || b == null || b[0] == a[0]) {
      return Double.NaN;
    }
    return 1.0 - (double) (b[1] - a[1]) / (b[0] - a[0]);
  }

  /** dnsperf pinned to the client core, under bash so that {@code times} reports its CPU time. */
  List<String> dnsperfCommand(int port, Path queries, int seconds) {
    List<String> command = new ArrayList<>(List.of("taskset", "-c", clientCpu, "bash", "-c",
        "dnsperf \"$@\"; status=$?; times; exit $status", "dnsperf", "-s", "127.0.0.1",
        "-p", Integer.toString(port), "-d", queries.toString()));
    command.addAll(DNSPERF_SHAPE);
    command.addAll(List.of("-l", Integer.toString(seconds)));
    return command;
  }

  static String find(Pattern pattern, String text, int group) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("dnsperf output without " + pattern + ":\n" + text);
    }
    return m.group(group);
  }

  // ---- report ----

  record MemoryAtSize(int accounts, Memory empty, Memory loaded, long buildMillis, long readyMillis) {}

  void report(int accounts, Zone zone, Perf nsd, Perf drgw, Drgw exporter, Drgw server, Memory zoneMemory,
      long rssAfterLoad, MemoryAtSize mem, String gc, int seconds, int warmup) throws Exception {
    String nsdVersion = run(List.of("nsd", "-v")).lines().findFirst().orElse("?").replace("NSD version ", "");
    String dnsperfVersion = run(List.of("dnsperf", "-h")).lines().filter(l -> l.startsWith("Version"))
        .findFirst().orElse("?").replace("Version ", "");
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    StringBuilder args = new StringBuilder();
    options.forEach((k, v) -> args.append(' ').append(k).append(' ').append(v.contains(" ") ? "'" + v + "'" : v));

    System.out.println();
    System.out.printf(Locale.ROOT, "### DNS: %,d accounts, %,d names, %,d records (NSD %s vs drgw)%n%n",
        accounts, accounts * REGIONS, zone.records(), nsdVersion);
    System.out.printf(Locale.ROOT, "`bench/dns.sh%s`: each server pinned to core %s (NSD with rrl-ratelimit 0 and"
            + " minimal-responses yes, so both send the same sections), `taskset -c %s dnsperf %s -l %d` after a %d s"
            + " warm-up, the same %,d-line query file (TXT, A, NXDOMAIN, one third each).%n%n",
        args, serverCpu, clientCpu, String.join(" ", DNSPERF_SHAPE), seconds, warmup, Math.max(100_002, 3 * accounts));
    if (!zone.source().equals("AXFR from drgw")) {
      System.out.println("Zone file: " + zone.source() + ".");
      System.out.println();
    }
    System.out.println("| server | queries/s | lost | avg latency | max latency |");
    System.out.println("|---|---|---|---|---|");
    row("NSD " + nsdVersion, nsd);
    row("drgw", drgw);
    System.out.println();
    System.out.printf(Locale.ROOT, "- drgw / NSD queries/s: **%.2f**%n", drgw.qps() / nsd.qps());
    System.out.printf(Locale.ROOT, "- queries per CPU second of the server (its speed whatever else ran on the core):"
            + " NSD %,.0f, drgw %,.0f, drgw / NSD %.2f; context switches per query: NSD %.3f, drgw %.3f%n",
        nsd.perCpuSecond(), drgw.perCpuSecond(), drgw.perCpuSecond() / nsd.perCpuSecond(), nsd.switchesPerQuery(),
        drgw.switchesPerQuery());
    System.out.printf(Locale.ROOT, "- CPU during the measured runs (NSD / drgw), in %% of one core: server %.0f / %.0f"
            + " (user %.0f / %.0f, kernel %.0f / %.0f), dnsperf %.0f / %.0f; core %s busy %.0f / %.0f, core %s busy"
            + " %.0f / %.0f. A server well below 100 %% while its core is busy shared the core with other work; dnsperf"
            + " near 100 %% means the client, not the server, set the pace%n",
        nsd.serverCpu() * 100, drgw.serverCpu() * 100, nsd.serverUser() * 100, drgw.serverUser() * 100,
        nsd.serverSys() * 100, drgw.serverSys() * 100, nsd.dnsperfCpu() * 100, drgw.dnsperfCpu() * 100,
        serverCpu, nsd.serverCore() * 100, drgw.serverCore() * 100, clientCpu, nsd.clientCore() * 100,
        drgw.clientCore() * 100);
    System.out.printf(Locale.ROOT, "- packet sizes: NSD %s; drgw %s%n", nsd.sizes(), drgw.sizes());
    System.out.printf(Locale.ROOT, "- response codes: NSD %s; drgw %s%n", nsd.codes(), drgw.codes());
    System.out.printf(Locale.ROOT, "- drgw snapshot build at start, %,d accounts: %,d ms and %,d ms (two starts);"
        + " process start to ready: %,d ms%n", accounts, exporter.buildMillis(), server.buildMillis(), server.readyMillis());
    System.out.printf(Locale.ROOT, "- drgw at %,d accounts: RSS %s after start, %s after full GC, %s after the dnsperf"
        + " runs; heap used after GC %s%n", accounts, mib(zoneMemory.rssStartKb()), mib(zoneMemory.rssAfterGcKb()),
        mib(rssAfterLoad), mib(zoneMemory.heapAfterGcKb()));
    if (mem != null) {
      long names = (long) mem.accounts() * REGIONS;
      long records = names * 2;
      System.out.println();
      System.out.printf(Locale.ROOT, "Memory of drgw at %,d accounts = %,d names = %,d records (TXT + A),"
          + " minus an empty zone; snapshot built in %,d ms, ready after %,d ms:%n%n",
          mem.accounts(), names, records, mem.buildMillis(), mem.readyMillis());
      System.out.println("| measure | empty zone | loaded | per account | per name | per record |");
      System.out.println("|---|---|---|---|---|---|");
      memRow("RSS after start", mem.empty().rssStartKb(), mem.loaded().rssStartKb(), mem.accounts(), names, records);
      memRow("RSS after full GC", mem.empty().rssAfterGcKb(), mem.loaded().rssAfterGcKb(), mem.accounts(), names, records);
      memRow("heap used after full GC", mem.empty().heapAfterGcKb(), mem.loaded().heapAfterGcKb(), mem.accounts(), names,
          records);
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "Machine: %d cores (%s), Linux %s; Java %s (%s), drgw's GC with one core: %s;"
            + " NSD %s; dnsperf %s.%n",
        Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("os.version"),
        System.getProperty("java.runtime.version"), System.getProperty("java.vm.name"), gc, nsdVersion, dnsperfVersion);
    System.out.printf("Raw outputs (dnsperf, server logs, zone file, query file): %s%n", work);
  }

  static void row(String server, Perf p) {
    System.out.printf(Locale.ROOT, "| %s | %,.0f | %,d (%.2f%%) | %.3f ms | %.3f ms |%n",
        server, p.qps(), p.lost(), p.lostPercent(), p.avgLatency() * 1e3, p.maxLatency() * 1e3);
  }

  static void memRow(String what, long emptyKb, long loadedKb, long accounts, long names, long records) {
    double bytes = (loadedKb - emptyKb) * 1024.0;
    System.out.printf(Locale.ROOT, "| %s | %s | %s | %.0f B | %.0f B | %.0f B |%n",
        what, mib(emptyKb), mib(loadedKb), bytes / accounts, bytes / names, bytes / records);
  }

  static String mib(long kb) {
    return String.format(Locale.ROOT, "%,.1f MiB", kb / 1024.0);
  }

  // ---- processes ----

  static void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[dnsbench] " + format + "%n", args);
  }

  Process start(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    running.add(p);
    return p;
  }

  /** SIGTERM to the process and its children, then SIGKILL to what is left after 20 s. */
  void stop(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      for (ProcessHandle child : children) {
        if (child.isAlive()) {
          child.destroy();
          if (!child.onExit().completeOnTimeout(child, 5, TimeUnit.SECONDS).join().isAlive()) {
            continue;
          }
          child.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
      Thread.currentThread().interrupt();
    }
    running.remove(p);
  }

  void stopAll() {
    for (Process p : running) {
      stop(p);
    }
  }

  static boolean onPath(String tool) {
    for (String dir : System.getenv("PATH").split(":")) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /** Runs a short command to completion; returns its output (stdout and stderr). */
  String run(List<String> command) throws Exception {
    Path out = Files.createTempFile(work, "cmd-", ".txt");
    try {
      run(command, out);
      return Files.readString(out);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Runs a command to completion with its output in {@code out}; fails on a non-zero exit. */
  void run(List<String> command, Path out) throws Exception {
    int exit = runAllowingFailure(command, out);
    if (exit != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed (exit " + exit + "):\n"
          + tail(Files.readString(out)));
    }
  }

  /** Runs a command to completion with its output in {@code out}; returns its exit code. */
  int runAllowingFailure(List<String> command, Path out) throws Exception {
    Process p = start(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()));
    try {
      return p.waitFor();
    } finally {
      running.remove(p);
    }
  }
}
