import dev.drgw.store.Database;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import java.util.stream.Stream;

/**
 * SIP benchmark: drgw against Kamailio as a stateful proxy with the same numbers in an htable,
 * one server at a time on one core, SIPp (UAC, UAS) and socat on the other; run it with
 * bench/sip.sh, which documents the phases and options. Numbers are written straight into
 * drgw's H2 file (schema from drgw's own migrations) and into a db_text table for Kamailio.
 * Every process started here is stopped on the way out, by try/finally and a shutdown hook.
 */
public class SipBench {

  static final Set<String> OPTIONS = Set.of("--numbers", "--accounts", "--sample", "--rates", "--start-rate",
      "--precision", "--step-seconds", "--warmup", "--call-seconds", "--targets", "--base", "--server-cpu",
      "--client-cpu", "--server-java-opts", "--drgw-max-call-rate", "--kamailio-children", "--kamailio-shm-mb", "--kamailio-pkg-mb",
      "--work");
  static final String DEFAULT_RATES = "100,200,300,500,700,1000,1500,2000,3000,4000,5000";
  static final String REGION_FORMAT = "1r%d";
  static final String BUFF_SIZE = "4194304";
  static final Pattern BUILT =
      Pattern.compile("routing snapshot built at change (\\d+): (\\d+) accounts, (\\d+) numbers in (\\d+) ms");
  static final String HTTP_UP = "drgw serving HTTP on";
  static final String SIP_UP = "SIP operator side listening on";
  static final int CLOCK_TICKS = 100; // USER_HZ of /proc
  static final int DRAIN_SECONDS = 36;
  /** The children's line of bash's {@code times}: user and system time of SIPp. */
  static final Pattern TIMES = Pattern.compile("(?m)^(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s\\s*\\z");

  final Map<String, String> options;
  final String base;
  final String serverCpu;
  final String clientCpu;
  final Path work;
  final List<Process> running = new CopyOnWriteArrayList<>();
  final Path bench = Path.of("bench").toAbsolutePath();

  SipBench(Map<String, String> options, Path work) {
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
        Files.createDirectories(Path.of(options.getOrDefault("--work", "target")).toAbsolutePath()), "sipbench-");
    SipBench bench = new SipBench(options, work);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll, "sipbench-cleanup"));
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
        throw new IllegalArgumentException("usage: bench/sip.sh [" + String.join(" VALUE] [", OPTIONS.stream().sorted().toList())
            + " VALUE]; got " + String.join(" ", args));
      }
      out.put(args[i], args[i + 1]);
    }
    return out;
  }

  int intOption(String name, int fallback) {
    return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)).replace("_", "").replace(",", ""));
  }

  // ---- the run ----

  /** What one target (server) gave: its steps, set-up figures, and why it stopped. */
  static final class Target {
    final String name;
    final List<Step> steps = new ArrayList<>();
    final Map<String, String> facts = new LinkedHashMap<>();
    String skipped;

    Target(String name) {
      this.name = name;
    }

    Step best() {
      return steps.stream().filter(Step::clean).max((a, b) -> Integer.compare(a.rate(), b.rate())).orElse(null);
    }

    Step firstUnclean() {
      return steps.stream().filter(s -> !s.clean()).min((a, b) -> Integer.compare(a.rate(), b.rate())).orElse(null);
    }
  }

  void run() throws Exception {
    int numbers = intOption("--numbers", 1_000_000);
    int accounts = intOption("--accounts", 100_000);
    int sample = intOption("--sample", 100_000);
    int stepSeconds = intOption("--step-seconds", 20);
    int warmup = intOption("--warmup", 10);
    int callSeconds = intOption("--call-seconds", 3);
    List<String> targets = List.of(options.getOrDefault("--targets", "kamailio,drgw").split(","));
    if (numbers < 1 || numbers > 100_000_000 || accounts < 1 || accounts > numbers || sample < 1 || stepSeconds < 1
        || warmup < 0 || callSeconds < 0 || !Set.of("kamailio", "drgw").containsAll(targets)) {
      throw new IllegalArgumentException("need 1 <= --accounts <= --numbers <= 100,000,000, --sample >= 1,"
          + " --step-seconds >= 1, --warmup >= 0, --call-seconds >= 0, --targets from kamailio,drgw");
    }
    progress("work dir %s; %,d numbers in %,d accounts, %,d called at random; steps of %d s after %d s warm-up,"
            + " calls of %d s; server on cpu %s, SIPp and socat on cpu %s",
        work, numbers, accounts, Math.min(sample, numbers), stepSeconds, warmup, callSeconds, serverCpu, clientCpu);
    Path called = writeCalled(work.resolve("numbers.csv"), numbers, Math.min(sample, numbers));

    List<Target> results = new ArrayList<>();
    for (String name : targets) {
      Target target = new Target(name);
      results.add(target);
      if (name.equals("kamailio")) {
        runKamailio(target, numbers, accounts, called, stepSeconds, warmup, callSeconds);
      } else {
        runDrgw(target, numbers, accounts, called, stepSeconds, warmup, callSeconds);
      }
    }
    report(results, numbers, accounts, Math.min(sample, numbers), stepSeconds, warmup, callSeconds);
  }

  // ---- numbers ----

  /** The i-th provisioned number, +4420 and 8 digits; 61 is prime to 10^8, so all are distinct. */
  static String number(long i) {
    return String.format(Locale.ROOT, "+4420%08d", i * 61 % 100_000_000L);
  }

  static String label(int account) {
    return String.format(Locale.ROOT, "a%07d", account);
  }

  int accountOf(long i, int accounts) {
    return (int) (i % accounts);
  }

  String customerSubdomain(int account) {
    return label(account) + "." + String.format(Locale.ROOT, REGION_FORMAT, 1) + "." + base;
  }

  /** An unprovisioned number: +4421... is outside the provisioned block. */
  static final String UNKNOWN_NUMBER = "+442100000001";

  /** SIPp's -inf file: {@code sample} distinct provisioned numbers in random order, read in sequence. */
  Path writeCalled(Path file, int numbers, int sample) throws IOException {
    Random random = new Random(42);
    List<String> lines = new ArrayList<>(sample + 1);
    if (sample == numbers) {
      for (int i = 0; i < numbers; i++) {
        lines.add(number(i));
      }
    } else {
      java.util.BitSet taken = new java.util.BitSet(numbers);
      while (lines.size() < sample) {
        int i = random.nextInt(numbers);
        if (!taken.get(i)) {
          taken.set(i);
          lines.add(number(i));
        }
      }
    }
    Collections.shuffle(lines, random);
    lines.add(0, "SEQUENTIAL");
    Files.write(file, lines, StandardCharsets.US_ASCII);
    progress("called numbers %s: %,d of the %,d, shuffled", file, sample, numbers);
    return file;
  }

  // ---- Kamailio ----

  record Kamailio(Process process, int port, long loadMillis, String version) {}

  void runKamailio(Target target, int numbers, int accounts, Path called, int stepSeconds, int warmup, int callSeconds)
      throws Exception {
    Path dir = Files.createDirectories(work.resolve("kamailio"));
    Path db = Files.createDirectories(dir.resolve("db"));
    long t0 = System.nanoTime();
    try (var out = Files.newBufferedWriter(db.resolve("nums"), StandardCharsets.US_ASCII)) {
      out.write("key_name(string) key_value(string)\n");
      for (int i = 0; i < numbers; i++) {
        out.write(number(i));
        out.write(':');
        out.write(customerSubdomain(accountOf(i, accounts)));
        out.write('\n');
      }
    }
    progress("db_text table %s: %,d rows in %.1f s", db.resolve("nums"), numbers, (System.nanoTime() - t0) / 1e9);

    int uasPort = freePort();
    Uas uas = startUas("kamailio", "u1", uasPort, "sip:127.0.0.1:" + uasPort + ";transport=udp");
    Kamailio kamailio = startKamailio(dir, db, numbers, uasPort);
    long pss = pssKb(kamailio.process().toHandle());
    target.facts.put("version", kamailio.version());
    target.facts.put("load", String.format(Locale.ROOT, "%,d numbers loaded into the htable in %,.1f s (db_text, start"
        + " to first answer)", numbers, kamailio.loadMillis() / 1000.0));
    target.facts.put("memory after load", String.format(Locale.ROOT, "PSS of all %d processes %s (RSS of the main"
        + " process %s: the db_text result is read into its private memory)", processes(kamailio.process().toHandle()),
        mib(pss), mib(vmRssKb(kamailio.process().pid()))));
    try {
      Probe unknown = probe(kamailio.port(), UNKNOWN_NUMBER);
      Probe known = probe(kamailio.port(), number(numbers / 2));
      target.facts.put("probe", "unknown number: " + unknown.summary() + "; provisioned number: " + known.summary());
      progress("Kamailio probe: unknown %s; provisioned %s", unknown.summary(), known.summary());
      if (unknown.status() != 404 || known.status() != 200 || !known.completed()) {
        throw new IllegalStateException("Kamailio does not route as expected: unknown number " + unknown.summary()
            + ", provisioned number " + known.summary() + "; see " + dir);
      }
      steps(target, kamailio.process(), kamailio.port(), uas, called, stepSeconds, warmup, callSeconds, true);
    } finally {
      stop(kamailio.process());
      stop(uas.process());
    }
  }

  Kamailio startKamailio(Path dir, Path db, int numbers, int uasPort) throws Exception {
    int port = freePort();
    int children = intOption("--kamailio-children", 1);
    int htSize = Math.max(10, Math.min(24, 64 - Long.numberOfLeadingZeros(Math.max(1, numbers - 1))));
    String cfg = Files.readString(bench.resolve("kamailio.cfg"))
        .replace("@DEBUG@", "1")
        .replace("@MAXBUFFER@", BUFF_SIZE)
        .replace("@CHILDREN@", Integer.toString(children))
        .replace("@PORT@", Integer.toString(port))
        .replace("@DB_DIR@", db.toString())
        .replace("@MAX_ROWS@", Integer.toString(numbers + 1000))
        .replace("@HT_SIZE@", Integer.toString(htSize))
        .replace("@UAS_PORT@", Integer.toString(uasPort));
    Path conf = dir.resolve("kamailio.cfg");
    Files.writeString(conf, cfg);
    String version = run(List.of("kamailio", "-v")).lines().findFirst().orElse("?")
        .replaceAll("version:\\s*kamailio\\s*", "Kamailio ").replaceAll("\\s*\\(.*", "").trim();
    List<String> command = List.of("taskset", "-c", serverCpu, "kamailio", "-DD", "-E", "-f", conf.toString(),
        "-m", options.getOrDefault("--kamailio-shm-mb", "2048"), "-M", options.getOrDefault("--kamailio-pkg-mb", "1536"),
        "-P", dir.resolve("kamailio.pid").toString(), "-Y", dir.toString(), "-w", dir.toString());
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    Path log = dir.resolve("kamailio.log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = start(pb);
    long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("kamailio exited with " + p.exitValue() + " (the db_text load needs -M pkg and -m shm"
            + " memory: see --kamailio-pkg-mb, --kamailio-shm-mb; too little pkg shows as a crash):\n" + tail(readIfExists(log)));
      }
      if (options(port)) {
        break;
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("kamailio does not answer OPTIONS; see " + log);
      }
      Thread.sleep(100);
    }
    long loadMillis = (System.nanoTime() - t0) / 1_000_000;
    Thread.sleep(500);
    progress("%s pid %d on udp 127.0.0.1:%d (%d UDP workers, htable 2^%d slots), answering after %,d ms", version,
        p.pid(), port, children, htSize, loadMillis);
    return new Kamailio(p, port, loadMillis, version);
  }

  /** Whether an OPTIONS sent to 127.0.0.1:port over UDP is answered within 300 ms. */
  static boolean options(int port) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
      socket.setSoTimeout(300);
      String request = "OPTIONS sip:127.0.0.1:" + port + " SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK" + System.nanoTime() + ";rport\r\n"
          + "From: <sip:bench@127.0.0.1>;tag=b" + System.nanoTime() + "\r\n"
          + "To: <sip:127.0.0.1:" + port + ">\r\n"
          + "Call-ID: options-" + System.nanoTime() + "@127.0.0.1\r\n"
          + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
      byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
      socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), port));
      byte[] buffer = new byte[65535];
      DatagramPacket in = new DatagramPacket(buffer, buffer.length);
      socket.receive(in);
      return new String(buffer, 0, in.getLength(), StandardCharsets.US_ASCII).startsWith("SIP/2.0 ");
    } catch (SocketTimeoutException | java.net.PortUnreachableException notYet) {
      return false;
    }
  }

  // ---- drgw ----

  record Tls(Path ca, Path drgwCert, Path drgwKey, Path proxyCert, Path proxyKey) {}

  /** A throw-away CA (openssl), drgw's certificate for the region names, the proxy's for localhost. */
  Tls makeTls() throws Exception {
    Path dir = Files.createDirectories(work.resolve("tls"));
    String region = String.format(Locale.ROOT, REGION_FORMAT, 1) + "." + base;
    Path ca = dir.resolve("ca.pem");
    Path caKey = dir.resolve("ca.key");
    run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "30", "-subj", "/CN=drgw SIP bench CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
    Path drgwCert = issue(dir, "drgw", region, "DNS:*." + region + ",DNS:" + region, ca, caKey);
    Path proxyCert = issue(dir, "proxy", "localhost", "DNS:localhost,IP:127.0.0.1", ca, caKey);
    return new Tls(ca, drgwCert, dir.resolve("drgw.key"), proxyCert, dir.resolve("proxy.key"));
  }

  Path issue(Path dir, String name, String cn, String san, Path ca, Path caKey) throws Exception {
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path cert = dir.resolve(name + ".pem");
    Path ext = dir.resolve(name + ".ext");
    run(List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString()));
    run(List.of("openssl", "req", "-new", "-key", key.toString(), "-subj", "/CN=" + cn, "-out", csr.toString()));
    Files.writeString(ext, "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        + "extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=" + san + "\n");
    run(List.of("openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
        "-CAcreateserial", "-days", "30", "-extfile", ext.toString(), "-out", cert.toString()));
    return cert;
  }

  /** drgw's H2 file: {@code accounts} Direct Routing accounts with subdomains, {@code numbers} numbers. */
  void load(Path dataDir, int numbers, int accounts) throws Exception {
    long t0 = System.nanoTime();
    Files.createDirectories(dataDir);
    try (Database schema = Database.open(dbUrl(dataDir), "drgw", "", 2)) {
      // drgw's own Flyway migrations create the schema; then the pool lets go of the file
    }
    try (Connection c = DriverManager.getConnection(dbUrl(dataDir), "drgw", "")) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO accounts (name, dr_sync_enabled, dr_enabled, call_screening, subdomain, subdomain_key,"
              + " region1_token, dr_number_count, version, created_at, updated_at)"
              + " VALUES (?, TRUE, TRUE, FALSE, ?, ?, ?, ?, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
        for (int a = 0; a < accounts; a++) {
          s.setString(1, String.format(Locale.ROOT, "acct%07d", a));
          s.setString(2, label(a));
          s.setString(3, label(a));
          s.setString(4, String.format(Locale.ROOT, "MS=ms1%07d", a));
          s.setLong(5, numbers / accounts + (a < numbers % accounts ? 1 : 0));
          s.addBatch();
          if ((a + 1) % 5_000 == 0) {
            s.executeBatch();
            c.commit();
          }
        }
        s.executeBatch();
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO numbers (telephone_number, account_name, dr_enabled, custom_sip_header, version, updated_at)"
              + " VALUES (?, ?, TRUE, ?, 1, CURRENT_TIMESTAMP)")) {
        for (int i = 0; i < numbers; i++) {
          int a = accountOf(i, accounts);
          s.setString(1, number(i));
          s.setString(2, String.format(Locale.ROOT, "acct%07d", a));
          s.setString(3, "c" + i);
          s.addBatch();
          if ((i + 1) % 10_000 == 0) {
            s.executeBatch();
            c.commit();
          }
        }
        s.executeBatch();
      }
      c.createStatement().executeUpdate("UPDATE change_head SET seq = 1 WHERE id = 1");
      c.commit();
    }
    progress("loaded %,d accounts and %,d numbers into %s in %.1f s", accounts, numbers, dataDir,
        (System.nanoTime() - t0) / 1e9);
  }

  static String dbUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.resolve("drgw");
  }

  record Drgw(Process process, Path log, int operatorPort, long buildMillis, long readyMillis) {}

  void runDrgw(Target target, int numbers, int accounts, Path called, int stepSeconds, int warmup, int callSeconds)
      throws Exception {
    Path dataDir = work.resolve("drgw-" + numbers);
    load(dataDir, numbers, accounts);
    Tls tls = makeTls();
    int uasPort = freePort();
    int proxyPort = freePort();
    Uas uas = startUas("drgw", "t1", uasPort, "sip:localhost:" + proxyPort + ";transport=tls");
    Process socat = startSocat(tls, proxyPort, uasPort);
    uas = uas.withSocat(socat);
    Drgw drgw = startDrgw(dataDir, tls, proxyPort, numbers, accounts);
    target.facts.put("load", String.format(Locale.ROOT, "routing snapshot of %,d numbers built in %,.1f s, process"
        + " start to ready %,.1f s", numbers, drgw.buildMillis() / 1000.0, drgw.readyMillis() / 1000.0));
    target.facts.put("memory after load", String.format(Locale.ROOT, "RSS %s",
        mib(vmRssKb(drgw.process().pid()))));
    try {
      Probe unknown = probe(drgw.operatorPort(), UNKNOWN_NUMBER);
      Probe known = probe(drgw.operatorPort(), number(numbers / 2));
      target.facts.put("probe", "unknown number: " + unknown.summary() + "; provisioned number: " + known.summary());
      progress("drgw probe: unknown %s; provisioned %s", unknown.summary(), known.summary());
      if (unknown.status() != 404) {
        throw new IllegalStateException("drgw answers an unprovisioned number with " + unknown.summary() + "; see "
            + drgw.log());
      }
      if (known.status() != 200 || !known.completed()) {
        throw new IllegalStateException("drgw does not carry a call to a provisioned number: " + known.summary()
            + "; see " + drgw.log() + " and " + uas.dir());
      }
      steps(target, drgw.process(), drgw.operatorPort(), uas, called, stepSeconds, warmup, callSeconds, false);
      target.facts.put("memory at the end", "RSS " + mib(vmRssKb(drgw.process().pid())));
    } finally {
      stop(drgw.process());
      stop(socat);
      stop(uas.process());
    }
  }

  Process startSocat(Tls tls, int proxyPort, int uasPort) throws Exception {
    Path log = work.resolve("socat.log");
    ProcessBuilder pb = new ProcessBuilder("taskset", "-c", clientCpu, "socat",
        "OPENSSL-LISTEN:" + proxyPort + ",bind=127.0.0.1,reuseaddr,fork,cert=" + tls.proxyCert() + ",key="
            + tls.proxyKey() + ",cafile=" + tls.ca() + ",verify=1,nodelay",
        "TCP:127.0.0.1:" + uasPort + ",nodelay");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = start(pb);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), proxyPort)) {
        break;
      } catch (IOException notYet) {
        if (!p.isAlive() || System.nanoTime() > end) {
          throw new IllegalStateException("socat does not listen on " + proxyPort + ":\n" + readIfExists(log));
        }
        Thread.sleep(50);
      }
    }
    progress("socat pid %d: mutual TLS on 127.0.0.1:%d (cert for localhost) -> SIPp UAS tcp 127.0.0.1:%d", p.pid(),
        proxyPort, uasPort);
    return p;
  }

  Drgw startDrgw(Path dataDir, Tls tls, int proxyPort, int numbers, int accounts) throws Exception {
    List<String> command = new ArrayList<>(List.of("taskset", "-c", serverCpu,
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    // The collector ./drgw picks (G1) unless told otherwise: pinned to one core the JVM would
    // choose the serial collector, whose full collections (0.4 to 0.9 s here) cause retransmissions.
    String javaOpts = options.getOrDefault("--server-java-opts", "-XX:+UseG1GC").trim();
    if (!javaOpts.isEmpty()) {
      command.addAll(List.of(javaOpts.split("\\s+")));
    }
    if (System.getenv("BENCH_SERVER_JFR") != null) {
      command.add("-XX:StartFlightRecording=filename=" + System.getenv("BENCH_SERVER_JFR") + "-drgw-sip.jfr,settings=profile");
    }
    command.addAll(List.of("-jar", Path.of("target/drgw.jar").toAbsolutePath().toString(), "serve"));
    int operatorPort = freePort();
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
    env.put("DRGW_BASE_DOMAIN", base);
    env.put("DRGW_REGIONS", "1");
    env.put("DRGW_REGION_DOMAIN_FORMAT", REGION_FORMAT);
    env.put("DRGW_NODE_REGION", "1");
    env.put("DRGW_SIP_ENABLED", "true");
    env.put("DRGW_SIP_BIND", "127.0.0.1");
    env.put("DRGW_SIP_OPERATOR_PORT", Integer.toString(operatorPort));
    env.put("DRGW_SIP_TEAMS_PORT", Integer.toString(freePort()));
    env.put("DRGW_SIP_TLS_CERT", tls.drgwCert().toString());
    env.put("DRGW_SIP_TLS_KEY", tls.drgwKey().toString());
    env.put("DRGW_SIP_TLS_TRUST", tls.ca().toString());
    env.put("DRGW_TEAMS_PROXIES", "localhost:" + proxyPort);
    env.put("DRGW_OPERATOR_PEERS", "127.0.0.1:" + freePort()); // nobody there: calls only go toward Teams
    env.put("DRGW_SIP_OPTIONS_INTERVAL", "60s");
    env.put("DRGW_SIP_OPERATOR_TLS_PORT", "0"); // the operator side speaks UDP here, as toward Kamailio
    // Capacity is what is measured: no admission limit unless asked (--drgw-max-call-rate).
    env.put("DRGW_SIP_MAX_CALL_RATE", options.getOrDefault("--drgw-max-call-rate", "0"));
    Path log = dataDir.resolve("serve.log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = start(pb);
    String text = awaitLog(p, log, HTTP_UP, Duration.ofMinutes(10), "drgw");
    long readyMillis = (System.nanoTime() - t0) / 1_000_000;
    Matcher built = BUILT.matcher(text);
    if (!built.find() || !text.contains(SIP_UP)) {
      throw new IllegalStateException("drgw started without the snapshot or SIP log line; see " + log);
    }
    if (Integer.parseInt(built.group(2)) != accounts || Integer.parseInt(built.group(3)) != numbers) {
      throw new IllegalStateException("drgw built a snapshot of " + built.group(2) + " accounts and " + built.group(3)
          + " numbers, expected " + accounts + " and " + numbers + "; see " + log);
    }
    Drgw drgw = new Drgw(p, log, operatorPort, Long.parseLong(built.group(4)), readyMillis);
    progress("drgw pid %d: SIP operator side udp 127.0.0.1:%d, snapshot of %,d accounts and %,d numbers built in %,d"
        + " ms, ready after %,d ms, RSS %s", p.pid(), operatorPort, accounts, numbers, drgw.buildMillis(), readyMillis,
        mib(vmRssKb(p.pid())));
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

  // ---- one call by hand: the routing check before the load ----

  /** The final answer to one INVITE; {@code completed}: a 2xx was ACKed and the BYE answered 200. */
  record Probe(int status, String reason, boolean completed) {
    String summary() {
      return status == 0 ? "no answer" : status + " " + reason + (status / 100 == 2 ? completed ? " (ACK, BYE 200)" : " (BYE not answered 200)" : "");
    }
  }

  /** One call to {@code called} over UDP, as the UAC scenario makes it; hung up at once when answered. */
  Probe probe(int port, String called) throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
      int local = socket.getLocalPort();
      String callId = "probe-" + System.nanoTime() + "@127.0.0.1";
      String from = "<sip:+441632960001@127.0.0.1:" + local + ";user=phone>;tag=p" + System.nanoTime();
      String to = "<sip:" + called + "@127.0.0.1:" + port + ";user=phone>";
      String sdp = "v=0\r\no=operator 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          + "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
      String branch = "z9hG4bK" + System.nanoTime();
      String invite = "INVITE sip:" + called + "@127.0.0.1:" + port + ";user=phone SIP/2.0\r\n"
          + "Via: SIP/2.0/UDP 127.0.0.1:" + local + ";branch=" + branch + "\r\n"
          + "From: " + from + "\r\nTo: " + to + "\r\nCall-ID: " + callId + "\r\nCSeq: 1 INVITE\r\n"
          + "Contact: <sip:+441632960001@127.0.0.1:" + local + ">\r\nMax-Forwards: 70\r\n"
          + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp;
      Map<String, List<String>> finalHeaders = null;
      int status = 0;
      String reason = "";
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long nextSend = 0;
      socket.setSoTimeout(100);
      boolean provisional = false;
      while (System.nanoTime() < end && status < 200) {
        if (!provisional && System.nanoTime() >= nextSend) {
          send(socket, invite, port);
          nextSend = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        }
        String response = receive(socket);
        if (response == null || !response.startsWith("SIP/2.0 ")) {
          continue;
        }
        Map<String, List<String>> headers = headers(response);
        if (!first(headers, "cseq").contains("INVITE")) {
          continue;
        }
        int code = Integer.parseInt(response.substring(8, 11));
        if (code < 200) {
          provisional = true;
          continue;
        }
        status = code;
        reason = response.substring(12, response.indexOf('\r'));
        finalHeaders = headers;
      }
      if (status == 0) {
        return new Probe(0, "", false);
      }
      String toTagged = first(finalHeaders, "to");
      if (status >= 300) {
        send(socket, "ACK sip:" + called + "@127.0.0.1:" + port + ";user=phone SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:" + local + ";branch=" + branch + "\r\n"
            + "From: " + from + "\r\nTo: " + toTagged + "\r\nCall-ID: " + callId + "\r\nCSeq: 1 ACK\r\n"
            + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n", port);
        return new Probe(status, reason, false);
      }
      // 2xx: ACK and BYE along the route set (Record-Route reversed) to the Contact
      String contact = uri(first(finalHeaders, "contact"));
      List<String> routes = new ArrayList<>();
      for (String rr : finalHeaders.getOrDefault("record-route", List.of())) {
        routes.addAll(Arrays.asList(rr.split(",\\s*(?=<)")));
      }
      Collections.reverse(routes);
      String route = routes.isEmpty() ? "" : "Route: " + String.join(", ", routes) + "\r\n";
      String dialog = "From: " + from + "\r\nTo: " + toTagged + "\r\nCall-ID: " + callId + "\r\n" + route;
      send(socket, "ACK " + contact + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + local + ";branch=z9hG4bK"
          + System.nanoTime() + "\r\n" + dialog + "CSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n", port);
      String bye = "BYE " + contact + " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + local + ";branch=z9hG4bK"
          + System.nanoTime() + "\r\n" + dialog + "CSeq: 2 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
      end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      nextSend = 0;
      while (System.nanoTime() < end) {
        if (System.nanoTime() >= nextSend) {
          send(socket, bye, port);
          nextSend = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        }
        String response = receive(socket);
        if (response != null && response.startsWith("SIP/2.0 ") && first(headers(response), "cseq").contains("BYE")) {
          return new Probe(status, reason, response.startsWith("SIP/2.0 200"));
        }
      }
      return new Probe(status, reason, false);
    }
  }

  static void send(DatagramSocket socket, String message, int port) throws IOException {
    byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
    socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getByName("127.0.0.1"), port));
  }

  static String receive(DatagramSocket socket) throws IOException {
    byte[] buffer = new byte[65535];
    DatagramPacket in = new DatagramPacket(buffer, buffer.length);
    try {
      socket.receive(in);
    } catch (SocketTimeoutException nothing) {
      return null;
    }
    return new String(buffer, 0, in.getLength(), StandardCharsets.US_ASCII);
  }

  /** Header values by lower-case name (compact forms t, f, i, m expanded), in order. */
  static Map<String, List<String>> headers(String message) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String head = message.split("\r\n\r\n", 2)[0];
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0 || line.startsWith("SIP/2.0")) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      name = switch (name) {
        case "t" -> "to";
        case "f" -> "from";
        case "i" -> "call-id";
        case "m" -> "contact";
        default -> name;
      };
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
    }
    return out;
  }

  static String first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? "" : values.get(0);
  }

  static String uri(String nameAddr) {
    int lt = nameAddr.indexOf('<');
    int gt = nameAddr.indexOf('>');
    return lt >= 0 && gt > lt ? nameAddr.substring(lt + 1, gt) : nameAddr.split(";")[0];
  }

  // ---- SIPp ----

  record Uas(Process process, Path dir, Path stats, String transport, Process socat) {

    Uas withSocat(Process socat) {
      return new Uas(process, dir, stats, transport, socat);
    }
  }

  /** SIPp UAS for the whole target run: -aa answers OPTIONS; its cumulative stats are read per step. */
  Uas startUas(String target, String transport, int port, String contact) throws Exception {
    Path dir = Files.createDirectories(work.resolve("sipp-uas-" + target));
    Path stats = dir.resolve("uas-stats.csv");
    ProcessBuilder pb = new ProcessBuilder("taskset", "-c", clientCpu, "sipp",
        "-sf", bench.resolve("sip-uas.xml").toString(), "-t", transport, "-i", "127.0.0.1", "-p", Integer.toString(port),
        "-aa", "-nostdin", "-buff_size", BUFF_SIZE, "-max_socket", "10000", "-key", "contact", contact,
        "-trace_stat", "-stf", stats.toString(), "-fd", "1",
        "-trace_err", "-error_file", dir.resolve("uas-errors.log").toString(), "-error_overwrite", "false");
    pb.directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("uas-screen.txt").toFile());
    Process p = start(pb);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(stats)) {
      if (!p.isAlive() || System.nanoTime() > end) {
        throw new IllegalStateException("SIPp UAS did not start:\n" + tail(readIfExists(dir.resolve("uas-screen.txt"))));
      }
      Thread.sleep(100);
    }
    progress("SIPp UAS pid %d on %s 127.0.0.1:%d", p.pid(), transport.equals("t1") ? "tcp" : "udp", port);
    return new Uas(p, dir, stats, transport, null);
  }

  /** The last line of a SIPp -trace_stat file, by column name. */
  static Map<String, String> lastStats(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1).stream().filter(l -> !l.isBlank()).toList();
    if (lines.size() < 2) {
      return Map.of();
    }
    String[] names = lines.get(0).split(";");
    String[] values = lines.get(lines.size() - 1).split(";");
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < Math.min(names.length, values.length); i++) {
      out.put(names[i], values[i]);
    }
    return out;
  }

  static long count(Map<String, String> stats, String column) {
    String v = stats.get(column);
    return v == null || v.isBlank() ? 0 : Long.parseLong(v.trim());
  }

  /** SIPp's hh:mm:ss:uuuuuu as milliseconds. */
  static double millis(Map<String, String> stats, String column) {
    String v = stats.get(column);
    if (v == null || !v.matches("\\d+:\\d+:\\d+:\\d+")) {
      return Double.NaN;
    }
    String[] f = v.split(":");
    return Long.parseLong(f[0]) * 3_600_000.0 + Long.parseLong(f[1]) * 60_000.0 + Long.parseLong(f[2]) * 1000.0
        + Long.parseLong(f[3]) / 1000.0;
  }

  record UasCounts(long created, long successful, long failed, long retransmissions, long unexpected) {
    static UasCounts of(Map<String, String> s) {
      return new UasCounts(count(s, "TotalCallCreated"), count(s, "SuccessfulCall(C)"), count(s, "FailedCall(C)"),
          count(s, "Retransmissions(C)"), count(s, "OutOfCallMsgs(C)") + count(s, "DeadCallMsgs(C)"));
    }

    UasCounts minus(UasCounts o) {
      return new UasCounts(created - o.created, successful - o.successful, failed - o.failed,
          retransmissions - o.retransmissions, unexpected - o.unexpected);
    }
  }

  /**
   * One step: {@code rate} calls/s for the step's seconds. Clean: every call created succeeded, none
   * failed, no retransmission on either side, no unexpected or late message, and the calls were all
   * placed (SIPp kept the rate under its concurrency cap).
   */
  record Step(int rate, long planned, long created, long successful, long failed, long uacRetrans, long uacUnexpected,
      UasCounts uas, int exit, double wallSeconds, double expectedSeconds, double avgSetupMs, double serverUser,
      double serverSys, double clientCore, double serverCore, double uacCpu, double uasCpu, double socatCpu,
      long udpDrops, long serverMemoryKb, String note) {

    double clientCpu() {
      return uacCpu + uasCpu + socatCpu;
    }

    boolean clean() {
      return exit == 0 && failed == 0 && uacRetrans == 0 && uacUnexpected == 0 && created == planned
          && successful == created && uas.failed() == 0 && uas.retransmissions() == 0 && uas.unexpected() == 0
          && uas.successful() == created && wallSeconds <= expectedSeconds * 1.2 + 5;
    }

    double serverCpu() {
      return serverUser + serverSys;
    }

    String why() {
      List<String> out = new ArrayList<>();
      if (failed > 0 || uas.failed() > 0) out.add("failed calls");
      if (uacRetrans > 0 || uas.retransmissions() > 0) out.add("retransmissions");
      if (uacUnexpected > 0 || uas.unexpected() > 0) out.add("unexpected messages");
      if (created < planned) out.add("not all calls placed");
      if (successful < created || uas.successful() < created) out.add("calls not completed");
      if (uas.successful() > created) out.add("the UAS completed calls of another step");
      if (wallSeconds > expectedSeconds * 1.2 + 5) out.add("rate not kept");
      if (exit != 0 && out.isEmpty()) out.add("SIPp exit " + exit);
      return String.join(", ", out);
    }
  }

  void steps(Target target, Process server, int port, Uas uas, Path called, int stepSeconds, int warmup,
      int callSeconds, boolean kamailio) throws Exception {
    List<Integer> rates = new ArrayList<>();
    String spec = options.getOrDefault("--rates", DEFAULT_RATES);
    boolean auto = spec.equals("auto");
    if (!auto) {
      for (String r : spec.split(",")) {
        rates.add(Integer.parseInt(r.trim().replace("_", "")));
      }
    }
    int first = auto ? intOption("--start-rate", 100) : rates.get(0);
    Thread.sleep(2000); // the UAS writes its counters once a second: let the probe call be in them
    if (warmup > 0) {
      progress("%s: warm-up, %d calls/s for %d s", target.name, first, warmup);
      step(target.name, "warmup", server, port, uas, called, first, warmup, callSeconds, kamailio);
    }
    if (!auto) {
      for (int rate : rates) {
        Step s = step(target.name, "step", server, port, uas, called, rate, stepSeconds, callSeconds, kamailio);
        target.steps.add(s);
        if (!s.clean()) {
          break;
        }
      }
      return;
    }
    // auto: double from --start-rate until a step is not clean, then bisect to --precision percent
    int precision = intOption("--precision", 10);
    int good = 0;
    int bad = 0;
    for (int rate = first; ; rate *= 2) {
      Step s = step(target.name, "step", server, port, uas, called, rate, stepSeconds, callSeconds, kamailio);
      target.steps.add(s);
      if (!s.clean()) {
        bad = rate;
        break;
      }
      good = rate;
      if (rate > 100_000) {
        return;
      }
    }
    while (bad - good > Math.max(1, good * precision / 100)) {
      int rate = (good + bad) / 2;
      Step s = step(target.name, "step", server, port, uas, called, rate, stepSeconds, callSeconds, kamailio);
      target.steps.add(s);
      if (s.clean()) {
        good = rate;
      } else {
        bad = rate;
      }
    }
  }

  Step step(String target, String kind, Process server, int port, Uas uas, Path called, int rate, int seconds,
      int callSeconds, boolean kamailio) throws Exception {
    Process socat = uas.socat();
    Path dir = Files.createDirectories(work.resolve("sipp-uac-" + target));
    String name = kind + "-" + rate;
    Path stats = dir.resolve(name + "-stats.csv");
    long planned = (long) rate * seconds;
    int cap = Math.max(100, rate * (callSeconds + 5));
    // under bash so that `times` reports SIPp's CPU time at the end of its output
    List<String> command = List.of("taskset", "-c", clientCpu, "bash", "-c",
        "sipp \"$@\"; status=$?; times; exit $status", "sipp", "127.0.0.1:" + port,
        "-sf", bench.resolve("sip-uac.xml").toString(), "-inf", called.toString(), "-t", "u1",
        "-i", "127.0.0.1", "-p", Integer.toString(freePort()),
        "-r", Integer.toString(rate), "-rp", "1000", "-l", Integer.toString(cap), "-m", Long.toString(planned),
        "-d", Integer.toString(callSeconds * 1000), "-buff_size", BUFF_SIZE, "-recv_timeout", "20000",
        "-timeout", (seconds + callSeconds + 120) + "s", "-nostdin",
        "-trace_stat", "-stf", stats.toString(), "-fd", "1",
        "-trace_err", "-error_file", dir.resolve(name + "-errors.log").toString());
    UasCounts uas0 = UasCounts.of(lastStats(uas.stats()));
    long[] uasTicks0 = cpuTicks(uas.process().toHandle());
    long[] socatTicks0 = socat == null ? new long[2] : cpuTicks(socat.toHandle());
    long[] ticks0 = cpuTicks(server.toHandle());
    long drops0 = udpReceiveBufferErrors();
    Map<String, long[]> cores0 = coreTicks();
    long t0 = System.nanoTime();
    Path screen = dir.resolve(name + "-screen.txt");
    Process p = start(new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(screen.toFile()));
    long memoryKb = 0;
    int exit;
    try {
      // memory near the end of the calling period, with the step's calls up
      if (p.waitFor(Math.max(1, seconds - 1), TimeUnit.SECONDS)) {
        exit = p.exitValue();
      } else {
        memoryKb = serverMemoryKb(server, kamailio);
        if (!p.waitFor(seconds + callSeconds + 180L, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
        exit = p.exitValue();
      }
    } finally {
      running.remove(p);
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    long[] ticks1 = cpuTicks(server.toHandle());
    long drops = udpReceiveBufferErrors() - drops0;
    long[] uasTicks1 = cpuTicks(uas.process().toHandle());
    long[] socatTicks1 = socat == null ? new long[2] : cpuTicks(socat.toHandle());
    Map<String, long[]> cores1 = coreTicks();
    Matcher times = TIMES.matcher(readIfExists(screen));
    double uacSeconds = times.find()
        ? Integer.parseInt(times.group(1)) * 60 + Double.parseDouble(times.group(2))
            + Integer.parseInt(times.group(3)) * 60 + Double.parseDouble(times.group(4))
        : Double.NaN;
    double uasCpu = (uasTicks1[0] + uasTicks1[1] - uasTicks0[0] - uasTicks0[1]) / (double) CLOCK_TICKS / wall;
    double socatCpu = (socatTicks1[0] + socatTicks1[1] - socatTicks0[0] - socatTicks0[1]) / (double) CLOCK_TICKS / wall;
    if (memoryKb == 0) {
      memoryKb = serverMemoryKb(server, kamailio);
    }
    Thread.sleep(2500); // the UAS writes its counters once a second
    UasCounts uasDelta = UasCounts.of(lastStats(uas.stats())).minus(uas0);
    Map<String, String> s = lastStats(stats);
    Step step = new Step(rate, planned, count(s, "TotalCallCreated"), count(s, "SuccessfulCall(C)"),
        count(s, "FailedCall(C)"), count(s, "Retransmissions(C)"), count(s, "OutOfCallMsgs(C)") + count(s, "DeadCallMsgs(C)"),
        uasDelta, exit, wall, seconds + callSeconds, millis(s, "ResponseTime1(C)"),
        (ticks1[0] - ticks0[0]) / (double) CLOCK_TICKS / wall, (ticks1[1] - ticks0[1]) / (double) CLOCK_TICKS / wall,
        busy(cores0, cores1, "cpu" + clientCpu), busy(cores0, cores1, "cpu" + serverCpu), uacSeconds / wall, uasCpu,
        socatCpu, drops, memoryKb,
        s.isEmpty() ? "no SIPp stats; see " + screen : "");
    progress("%s %s %,d calls/s: created %,d/%,d, ok %,d, failed %d, retrans UAC %d UAS %d, unexpected UAC %d UAS %d,"
            + " UAS ok %,d; %.1f s; setup %.1f ms; server CPU %.0f%%, SIPp UAC %.0f%% UAS %.0f%% socat %.0f%%; core %s"
            + " busy %.0f%%, core %s busy %.0f%%; UDP receive buffer drops %,d; memory %s: %s",
        target, kind, rate, step.created(), planned, step.successful(), step.failed(), step.uacRetrans(),
        uasDelta.retransmissions(), step.uacUnexpected(), uasDelta.unexpected(), uasDelta.successful(), wall,
        step.avgSetupMs(), step.serverCpu() * 100, step.uacCpu() * 100, step.uasCpu() * 100, step.socatCpu() * 100,
        serverCpu, step.serverCore() * 100, clientCpu, step.clientCore() * 100, step.udpDrops(),
        mib(memoryKb), kind.equals("warmup") ? "warm-up, not counted" : step.clean() ? "clean" : "NOT clean (" + step.why() + ")");
    if (!kind.equals("warmup") && !step.clean()) {
      // the server may still retransmit to the UAS for a failed step's calls (Timer B, 64*T1 = 32 s):
      // let that end before the next step, or its late messages count against the next one
      progress("%s: waiting %d s for the failed step's transactions to time out", target, DRAIN_SECONDS);
      Thread.sleep(DRAIN_SECONDS * 1000L);
    } else {
      Thread.sleep(1000);
    }
    return step;
  }

  /** drgw: VmRSS; Kamailio: the sum of PSS over all its processes (its shared memory counted once). */
  static long serverMemoryKb(Process server, boolean kamailio) throws IOException {
    return kamailio ? pssKb(server.toHandle()) : vmRssKb(server.pid());
  }

  // ---- /proc ----

  /** Datagrams the kernel dropped for a full socket receive buffer, machine-wide (/proc/net/snmp). */
  static long udpReceiveBufferErrors() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp")).stream().filter(l -> l.startsWith("Udp:")).toList();
    if (lines.size() < 2) {
      return 0;
    }
    List<String> names = List.of(lines.get(0).split("\\s+"));
    String[] values = lines.get(1).split("\\s+");
    int i = names.indexOf("RcvbufErrors");
    return i < 0 ? 0 : Long.parseLong(values[i]);
  }

  static List<ProcessHandle> tree(ProcessHandle root) {
    return Stream.concat(Stream.of(root), root.descendants()).toList();
  }

  static int processes(ProcessHandle root) {
    return tree(root).size();
  }

  static long pssKb(ProcessHandle root) {
    long sum = 0;
    for (ProcessHandle p : tree(root)) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "smaps_rollup"))) {
          if (line.startsWith("Pss:")) {
            sum += Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException gone) {
        // exited meanwhile
      }
    }
    return sum;
  }

  static long vmRssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  /** User and system CPU ticks of a process and its descendants (/proc/PID/stat fields 14 and 15). */
  static long[] cpuTicks(ProcessHandle root) {
    long[] ticks = new long[2];
    for (ProcessHandle p : tree(root)) {
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

  /** /proc/stat per core: total and idle (idle + iowait) ticks. */
  static Map<String, long[]> coreTicks() throws IOException {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
      if (line.matches("cpu\\d+ .*")) {
        String[] f = line.split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
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

  // ---- report ----

  void report(List<Target> targets, int numbers, int accounts, int sample, int stepSeconds, int warmup,
      int callSeconds) throws Exception {
    String sippVersion = runAllowingFailure(List.of("sipp", "-v")).lines().filter(l -> l.contains("SIPp v")).findFirst()
        .map(l -> l.replaceAll(".*SIPp v", "").replaceAll("[-,].*", "").trim()).orElse("?");
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
    StringBuilder args = new StringBuilder();
    options.forEach((k, v) -> args.append(' ').append(k).append(' ').append(v.contains(" ") ? "'" + v + "'" : v));

    System.out.println();
    System.out.printf(Locale.ROOT, "### SIP: %,d numbers, calls of %d s (Kamailio vs drgw)%n%n", numbers, callSeconds);
    System.out.printf(Locale.ROOT, "`bench/sip.sh%s`: each server pinned to core %s, SIPp UAC, SIPp UAS and socat to"
            + " core %s. SIPp %s UAC (`bench/sip-uac.xml`, UDP, `-r RATE -rp 1000 -m RATE*%d -d %d000 -buff_size %s`)"
            + " calls %,d of the %,d numbers (%,d accounts) in random order; each call: INVITE, 100/180/200, ACK,"
            + " %d s, BYE, 200. %d s warm-up, then steps of %d s, stopping at the first step that is not clean."
            + " Clean = every planned call placed and completed on both SIPp sides, none failed, no retransmission on"
            + " either side, no unexpected or late message, and the step not longer than 1.2 x (step + call) + 5 s.%n%n",
        args, serverCpu, clientCpu, sippVersion, stepSeconds, callSeconds, BUFF_SIZE, sample, numbers, accounts,
        callSeconds, warmup, stepSeconds);
    System.out.println("- Kamailio: stateful proxy (tm), initial INVITE looked up in the htable `nums` (R-URI user;"
        + " unknown -> 404 stateless), Record-Route, one added header, `t_relay()` to a plain SIPp UAS over UDP"
        + " (`bench/kamailio.cfg`). Kamailio has no TLS leg: a difference in drgw's disfavour.");
    System.out.println("- drgw: B2BUA from target/drgw.jar; the Teams leg is TLS (mutual, drgw's certificate for"
        + " `*.1r1.<base>`) to socat (`OPENSSL-LISTEN`, certificate for localhost), which hands the TCP stream to"
        + " SIPp UAS (`-t t1`, `bench/sip-uas.xml`). Over TCP the UAS never retransmits, so only the UAC (UDP)"
        + " side can show retransmissions.");
    System.out.println("- CPU: utime + stime over the step, in % of one core: the server's processes (Kamailio: all"
        + " of them), and the load tools on the other core (SIPp UAC from bash's times, SIPp UAS, socat); cores"
        + " busy from /proc/stat (anything else running on the machine shows as busy beyond those two). UDP drops:"
        + " RcvbufErrors of /proc/net/snmp over the step (machine-wide: a full socket receive buffer somewhere). Memory: drgw VmRSS; Kamailio the sum of PSS over all its processes"
        + " (shared memory counted once), read near the end of the calling period; Kamailio's PSS only grows (shm"
        + " pages touched by a failed step's transactions stay), so read it at the first clean steps.");
    System.out.println();
    for (Target t : targets) {
      System.out.printf("#### %s%s%n%n", t.name.equals("drgw") ? "drgw" : "Kamailio",
          t.facts.containsKey("version") ? " (" + t.facts.get("version") + ")" : "");
      t.facts.forEach((k, v) -> {
        if (!k.equals("version")) {
          System.out.printf("- %s: %s%n", k, v);
        }
      });
      if (t.skipped != null) {
        System.out.printf("- **not measured**: %s%n", t.skipped);
      }
      if (!t.steps.isEmpty()) {
        System.out.println();
        System.out.println("| calls/s | created / planned | ok (UAC / UAS) | failed UAC / UAS | retrans UAC / UAS | unexpected UAC"
            + " / UAS | UDP drops | duration | avg setup | server CPU | SIPp UAC + UAS + socat CPU | cores busy"
            + " (server / tools) | memory | clean |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Step s : t.steps) {
          System.out.printf(Locale.ROOT, "| %,d | %,d / %,d | %,d / %,d | %,d / %,d | %,d / %,d | %,d / %,d | %,d | %.1f s | %.1f ms |"
                  + " %.0f%% | %.0f%% | %.0f%% / %.0f%% | %s | %s |%n",
              s.rate(), s.created(), s.planned(), s.successful(), s.uas().successful(), s.failed(), s.uas().failed(),
              s.uacRetrans(), s.uas().retransmissions(), s.uacUnexpected(), s.uas().unexpected(), s.udpDrops(),
              s.wallSeconds(),
              s.avgSetupMs(), s.serverCpu() * 100, s.clientCpu() * 100, s.serverCore() * 100, s.clientCore() * 100,
              mib(s.serverMemoryKb()),
              s.clean() ? "yes" : "no: " + s.why());
        }
      }
      System.out.println();
    }
    Target kam = targets.stream().filter(t -> t.name.equals("kamailio")).findFirst().orElse(null);
    Target drgw = targets.stream().filter(t -> t.name.equals("drgw")).findFirst().orElse(null);
    for (Target t : targets) {
      Step best = t.best();
      Step limit = t.firstUnclean();
      String who = t.name.equals("drgw") ? "drgw" : "Kamailio";
      if (best == null) {
        System.out.printf("- %s: no clean step%s%n", who, t.skipped != null ? " (not measured)" : "");
        continue;
      }
      System.out.printf(Locale.ROOT, "- %s: highest clean rate **%,d calls/s** (CPU %.0f%% of a core, user %.0f%%,"
              + " kernel %.0f%%; memory %s)%n", who, best.rate(), best.serverCpu() * 100, best.serverUser() * 100,
          best.serverSys() * 100, mib(best.serverMemoryKb()));
      if (limit != null) {
        // at a failing step the retransmission storm hides the CPU picture; the highest clean step shows it
        double server = best.serverCpu();
        double tools = best.clientCpu();
        String bound = limit.rate() > best.rate() * 1.25 ? "the steps are too far apart to say more; narrow them"
            + " (--rates, or --rates auto)" : server >= 0.6 ? "the server's core was close to saturated at the highest clean rate, so bursts"
            + " outgrow its receive queue" : tools >= 0.6 ? "the load tools' core was close to saturated at the highest"
            + " clean rate: a limit of SIPp/socat, not of the server" : "no core was close to saturated at the highest"
            + " clean rate: latency spikes (e.g. pauses) or loss, see the SIPp error logs";
        System.out.printf(Locale.ROOT, "  - limit: the step at %,d calls/s was not clean (%s; %,d datagrams dropped for"
                + " full receive buffers); at %,d calls/s the server used %.0f%% of its core and SIPp + socat %.0f%%"
                + " of theirs: %s%n", limit.rate(), limit.why(), limit.udpDrops(), best.rate(), server * 100,
            tools * 100, bound);
      } else {
        System.out.println("  - every step was clean: the limit lies above the highest rate tried");
      }
    }
    if (kam != null && drgw != null && kam.best() != null && drgw.best() != null) {
      System.out.printf(Locale.ROOT, "- drgw / Kamailio highest clean calls/s: **%.2f** (goal: at least 1.0)%n",
          drgw.best().rate() / (double) kam.best().rate());
    } else if (kam != null && drgw != null) {
      System.out.println("- drgw / Kamailio: not available (a target has no clean step)");
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "Machine: %d cores (%s), Linux %s; Java %s; SIPp %s; net.core.rmem_max %s.%n",
        Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("os.version"),
        System.getProperty("java.runtime.version"), sippVersion,
        String.join("", Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max"))).trim());
    System.out.printf("Raw outputs (SIPp stats and errors, server logs, Kamailio config, TLS material): %s%n", work);
  }

  static String mib(long kb) {
    return String.format(Locale.ROOT, "%,.1f MiB", kb / 1024.0);
  }

  // ---- processes ----

  static void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[sipbench] " + format + "%n", args);
  }

  static String tail(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  static String readIfExists(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
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

  /** Runs a short command to completion; returns its output (stdout and stderr). */
  String run(List<String> command) throws Exception {
    Path out = Files.createTempFile(work, "cmd-", ".txt");
    try {
      run(command, out);
      return Files.readString(out, StandardCharsets.ISO_8859_1);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Runs a short command to completion whatever its exit code; returns its output. */
  String runAllowingFailure(List<String> command) throws Exception {
    Path out = Files.createTempFile(work, "cmd-", ".txt");
    try {
      Process p = start(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()));
      try {
        p.waitFor();
      } finally {
        running.remove(p);
      }
      return Files.readString(out, StandardCharsets.ISO_8859_1);
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Runs a command to completion with its output in {@code out}; fails on a non-zero exit. */
  void run(List<String> command, Path out) throws Exception {
    Process p = start(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()));
    int exit;
    try {
      exit = p.waitFor();
    } finally {
      running.remove(p);
    }
    if (exit != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed (exit " + exit + "):\n"
          + tail(Files.readString(out, StandardCharsets.ISO_8859_1)));
    }
  }
}
