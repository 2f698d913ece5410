package dev.drgw.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.TestServer;
import dev.drgw.testing.Tools;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * A real secondary: NSD (Debian's nsd, run by the test in the foreground with its own config in a
 * temporary directory) transfers the zone from drgw with TSIG, follows changes through NOTIFY, and
 * answers what drgw answers. Also the transfer ACL and TSIG checks, spoken to over TCP directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NsdSecondaryTest {

  private static final String BASE = "gw.example.net";
  private static final String KEY_NAME = "drgw-xfr";
  private static final int BULK_RECORDS = 120;

  private final SecureRandom random = new SecureRandom();
  private final String secret = randomSecret();
  private TestServer drgw;
  private ApiClient api;
  private Nsd nsd;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    String nsdBinary = Tools.require("nsd", "nsd");
    int nsdPort = freePort();
    drgw = TestServer.start(primarySettings(nsdPort, Map.of()));
    api = drgw.client(Role.ADMIN);
    assertThat(api.put("/accounts/first", account("first", "MS=first-token")).status()).isEqualTo(201);
    nsd = Nsd.start(nsdBinary, dir, nsdPort, secret, drgw.dnsPort());
  }

  @AfterAll
  void stop() {
    try {
      if (nsd != null) {
        nsd.close();
      }
    } finally {
      if (drgw != null) {
        drgw.close();
      }
    }
  }

  private Map<String, String> primarySettings(int nsdPort, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("DRGW_BASE_DOMAIN", BASE);
    env.put("DRGW_DNS_TRANSFER_ALLOW", "127.0.0.1");
    env.put("DRGW_DNS_TSIG_KEY", KEY_NAME + ":hmac-sha256:" + secret);
    env.put("DRGW_DNS_NOTIFY", "127.0.0.1:" + nsdPort);
    // NSD would not look for changes for an hour: only NOTIFY can make it transfer sooner.
    env.put("DRGW_DNS_SOA_REFRESH", "3600");
    env.putAll(extra);
    return env;
  }

  /** First, while the zone is still the one NSD loaded at start, before any NOTIFY. */
  @Test
  @Order(1)
  void nsdLoadsTheZoneAndAnswersTheSameTokenAndSerial() {
    awaitNsd(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(txt(nsd.port(), "first.1r1." + BASE)).as(nsd.logs()).containsExactly("MS=first-token");
      assertThat(txt(nsd.port(), "first.1r1." + BASE)).isEqualTo(txt(drgw.dnsPort(), "first.1r1." + BASE));
      assertThat(serial(nsd.port())).as(nsd.logs()).isEqualTo(serial(drgw.dnsPort()));
    });
  }

  @Test
  void aChangedTokenReachesNsdThroughNotify() {
    assertThat(api.put("/accounts/change", account("change", "MS=before")).status()).isEqualTo(201);
    awaitNsd(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(txt(nsd.port(), "change.1r1." + BASE)).as(nsd.logs()).containsExactly("MS=before"));

    assertThat(api.put("/accounts/change", account("change", "MS=after")).status()).isEqualTo(200);

    awaitNsd(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(txt(nsd.port(), "change.1r1." + BASE)).as(nsd.logs()).containsExactly("MS=after");
      assertThat(serial(nsd.port())).as(nsd.logs()).isEqualTo(serial(drgw.dnsPort()));
    });
  }

  @Test
  void aNewAccountAppearsOnNsdAndADeletedOneDisappears() {
    assertThat(api.put("/accounts/comego", account("comego", "MS=here")).status()).isEqualTo(201);
    awaitNsd(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(txt(nsd.port(), "comego.1r1." + BASE)).as(nsd.logs()).containsExactly("MS=here"));

    assertThat(api.delete("/accounts/comego").status()).isEqualTo(204);

    awaitNsd(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(Rcode.string(ask(nsd.port(), "comego.1r1." + BASE, Type.TXT).getRcode()))
            .as(nsd.logs())
            .isEqualTo("NXDOMAIN"));
  }

  @Test
  void anUnsignedTransferIsRefusedAndCounted() throws Exception {
    double before = transfers(drgw, "unauthenticated");

    Message response = axfrFirstMessage(drgw.dnsPort(), null);

    assertThat(Rcode.string(response.getRcode())).isIn("NOTAUTH", "REFUSED");
    assertThat(response.getSection(Section.ANSWER)).isEmpty();
    assertThat(transfers(drgw, "unauthenticated")).isEqualTo(before + 1);
  }

  Stream<Arguments> wrongKeys() throws IOException {
    return Stream.of(
        Arguments.of("right name, wrong secret", new TSIG(TSIG.HMAC_SHA256, name(KEY_NAME), randomSecret())),
        Arguments.of("unknown key name, right secret", new TSIG(TSIG.HMAC_SHA256, name("other-key"), secret)),
        Arguments.of("right name and secret, wrong algorithm", new TSIG(TSIG.HMAC_SHA512, name(KEY_NAME), secret)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongKeys")
  void aTransferSignedWithAWrongKeyIsRefused(String what, TSIG wrong) throws Exception {
    Message response = axfrFirstMessage(drgw.dnsPort(), wrong);

    assertThat(Rcode.string(response.getRcode())).isIn("NOTAUTH", "REFUSED");
    assertThat(response.getSection(Section.ANSWER)).isEmpty();
  }

  @Test
  void aTransferSignedWithTheKeyReturnsTheZoneBetweenTwoSoas() throws Exception {
    assertThat(api.put("/accounts/signed", account("signed", "MS=signed-token")).status()).isEqualTo(201);
    // drgw serves the account (its snapshot has applied the write) before we transfer the zone
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2))
        .until(() -> txt(drgw.dnsPort(), "signed.1r1." + BASE).equals(List.of("MS=signed-token")));

    List<Record> records = axfr(drgw.dnsPort(), tsig());

    assertThat(records).hasSizeGreaterThan(2);
    assertThat(records.get(0).getType()).as(records.toString()).isEqualTo(Type.SOA);
    assertThat(records.get(records.size() - 1).getType()).as(records.toString()).isEqualTo(Type.SOA);
    assertThat(records.stream().filter(r -> r.getType() == Type.SOA)).hasSize(2);
    assertThat(records)
        .filteredOn(r -> r.getType() == Type.TXT && r.getName().equals(name("signed.1r1." + BASE)))
        .extracting(r -> ((TXTRecord) r).getStrings())
        .containsExactly(List.of("MS=signed-token"));
  }

  @Test
  void aClientOutsideTheTransferAclIsRefusedEvenWithTheKey() throws Exception {
    try (TestServer elsewhere =
        TestServer.start(Map.of(
            "DRGW_BASE_DOMAIN", BASE,
            "DRGW_DNS_TRANSFER_ALLOW", "192.0.2.0/24",
            "DRGW_DNS_TSIG_KEY", KEY_NAME + ":hmac-sha256:" + secret))) {
      assertThat(Rcode.string(axfrFirstMessage(elsewhere.dnsPort(), tsig()).getRcode())).isEqualTo("REFUSED");
      assertThat(Rcode.string(axfrFirstMessage(elsewhere.dnsPort(), null).getRcode())).isEqualTo("REFUSED");
      assertThat(transfers(elsewhere, "refused")).isEqualTo(2);
      assertThat(transfers(elsewhere, "ok")).isZero();
      // the same zone is served to ordinary queries
      assertThat(Rcode.string(ask(elsewhere.dnsPort(), BASE, Type.SOA).getRcode())).isEqualTo("NOERROR");
    }
  }

  /**
   * A zone larger than the 64 KB a DNS message can hold (many accounts; here 120 static TXT
   * records of 1 KB) must reach NSD complete, as several TSIG-signed messages.
   */
  @Test
  void nsdLoadsAZoneLargerThanOneMessage(@TempDir Path dir) throws Exception {
    String nsdBinary = Tools.require("nsd", "nsd");
    int nsdPort = freePort();
    try (TestServer big = TestServer.start(primarySettings(nsdPort, Map.of("DRGW_DNS_STATIC_RECORDS", bulkRecords())))) {
      ApiClient bigApi = big.client(Role.ADMIN);
      assertThat(bigApi.put("/accounts/large", account("large", "MS=large-before")).status()).isEqualTo(201);

      try (Nsd secondary = Nsd.start(nsdBinary, dir, nsdPort, secret, big.dnsPort())) {
        awaitNsd(Duration.ofSeconds(10)).untilAsserted(() -> {
          assertThat(txt(secondary.port(), "large.1r1." + BASE)).as(secondary.logs()).containsExactly("MS=large-before");
          assertThat(txt(secondary.port(), "bulk" + (BULK_RECORDS - 1) + "." + BASE)).as(secondary.logs()).hasSize(1);
          assertThat(serial(secondary.port())).as(secondary.logs()).isEqualTo(serial(big.dnsPort()));
        });

        assertThat(bigApi.put("/accounts/large", account("large", "MS=large-after")).status()).isEqualTo(200);

        awaitNsd(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(txt(secondary.port(), "large.1r1." + BASE)).as(secondary.logs()).containsExactly("MS=large-after"));
      }
    }
  }

  @Test
  void aZoneLargerThanOneMessageGoesOutAsSeveralSignedMessages() throws Exception {
    try (TestServer big = TestServer.start(primarySettings(freePort(), Map.of("DRGW_DNS_STATIC_RECORDS", bulkRecords())))) {
      List<Frame> frames = rawAxfr(big.dnsPort(), tsig());
      String summary = frames.toString();

      assertThat(frames).as(summary).isNotEmpty();
      assertThat(frames).as(summary).noneMatch(f -> f.message().getHeader().getFlag(Flags.TC));
      assertThat(frames.get(0).message().getTSIG()).as("TSIG on the first message: " + summary).isNotNull();
      assertThat(frames.get(frames.size() - 1).message().getTSIG()).as("TSIG on the last message: " + summary).isNotNull();
      List<Record> last = frames.get(frames.size() - 1).message().getSection(Section.ANSWER);
      assertThat(last).as("answers of the last message: " + summary).isNotEmpty();
      assertThat(last.get(last.size() - 1).getType()).as("closing SOA: " + summary).isEqualTo(Type.SOA);
      assertThat(frames).as("a zone over 64 KB needs several messages: " + summary).hasSizeGreaterThan(1);

      List<Record> records = axfr(big.dnsPort(), tsig());
      assertThat(records).filteredOn(r -> r.getType() == Type.TXT && r.getName().toString().startsWith("bulk"))
          .hasSize(BULK_RECORDS);
    }
  }

  // --- helpers ---

  /** Polls every 50 ms; a query that times out meanwhile is retried, not a failure. */
  private static ConditionFactory awaitNsd(Duration atMost) {
    return await().atMost(atMost).pollInterval(Duration.ofMillis(50)).ignoreExceptionsInstanceOf(IOException.class);
  }

  /** Static TXT records of about 1 KB each, together well over 64 KB. */
  private static String bulkRecords() {
    String chunk = "x".repeat(250);
    return IntStream.range(0, BULK_RECORDS)
        .mapToObj(i -> "bulk%d 300 IN TXT \"%d-%s\" \"%s\" \"%s\" \"%s\"".formatted(i, i, chunk, chunk, chunk, chunk))
        .collect(Collectors.joining("\n"));
  }

  private static String account(String label, String token) {
    return """
        {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
          "configuration": {"subdomain": "%s",
            "subdomainTokens": {"region1Token": "%s", "region2Token": "MS=r2"}}}}}
        """.formatted(label, token);
  }

  private String randomSecret() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private TSIG tsig() {
    return new TSIG(TSIG.HMAC_SHA256, name(KEY_NAME), secret);
  }

  private static Name name(String name) {
    try {
      return Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A port free for both TCP and UDP on loopback. */
  private static int freePort() throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.getLocalPort()))) {
        return udp.getLocalPort();
      } catch (IOException busy) {
        // UDP side taken: try another
      }
    }
    throw new IOException("no free port for TCP and UDP");
  }

  private static Message ask(int port, String name, int type) throws IOException {
    SimpleResolver resolver = new SimpleResolver("127.0.0.1");
    resolver.setPort(port);
    resolver.setTimeout(Duration.ofSeconds(1));
    return resolver.send(Message.newQuery(Record.newRecord(name(name), type, DClass.IN)));
  }

  private static List<String> txt(int port, String name) throws IOException {
    return ask(port, name, Type.TXT).getSection(Section.ANSWER).stream()
        .filter(r -> r.getType() == Type.TXT)
        .map(r -> String.join("", ((TXTRecord) r).getStrings()))
        .toList();
  }

  private static long serial(int port) throws IOException {
    Message m = ask(port, BASE, Type.SOA);
    List<Record> answer = m.getSection(Section.ANSWER);
    assertThat(answer).as("SOA on port %d: %s", port, m).hasSize(1);
    return ((SOARecord) answer.get(0)).getSerial();
  }

  private static Message axfrQuery(TSIG key) {
    Message query = Message.newQuery(Record.newRecord(name(BASE), Type.AXFR, DClass.IN));
    if (key != null) {
      query.setTSIG(key);
    }
    return query;
  }

  /** Sends an AXFR query over TCP (signed when {@code key} is given) and reads the first response. */
  private static Message axfrFirstMessage(int port, TSIG key) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      byte[] wire = axfrQuery(key).toWire(65_535);
      out.writeShort(wire.length);
      out.write(wire);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] response = new byte[in.readUnsignedShort()];
      in.readFully(response);
      return new Message(response);
    }
  }

  /** One message of a zone transfer as it came over TCP. */
  private record Frame(int bytes, Message message) {
    @Override
    public String toString() {
      return "%d bytes, flags [%s], %d answers, %s".formatted(
          bytes, message.getHeader().printFlags().strip(), message.getSection(Section.ANSWER).size(),
          message.getTSIG() == null ? "unsigned" : "signed");
    }
  }

  /**
   * Every message of an AXFR, read with our own framing up to the closing SOA; a stream that
   * stops early (drgw sends nothing more) ends with a read timeout and is returned as it came.
   */
  private static List<Frame> rawAxfr(int port, TSIG key) throws IOException {
    List<Frame> frames = new ArrayList<>();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(3000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      byte[] wire = axfrQuery(key).toWire(65_535);
      out.writeShort(wire.length);
      out.write(wire);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int soas = 0;
      while (soas < 2) {
        byte[] response;
        try {
          response = new byte[in.readUnsignedShort()];
          in.readFully(response);
        } catch (SocketTimeoutException | EOFException end) {
          return frames;
        }
        Message m = new Message(response);
        frames.add(new Frame(response.length, m));
        soas += (int) m.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.SOA).count();
      }
      return frames;
    }
  }

  /** A whole AXFR through dnsjava, which checks the TSIG of every message. */
  private static List<Record> axfr(int port, TSIG key) throws Exception {
    ZoneTransferIn transfer = ZoneTransferIn.newAXFR(name(BASE), "127.0.0.1", port, key);
    transfer.setTimeout(Duration.ofSeconds(5));
    transfer.run();
    return new ArrayList<>(transfer.getAXFR());
  }

  /** drgw's {@code drgw_dns_transfers_total} counter for one outcome, from GET /metrics (0 when absent). */
  private static double transfers(TestServer server, String outcome) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Matcher m =
        Pattern.compile("(?m)^drgw_dns_transfers_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*}\\s+(\\S+)")
            .matcher(r.body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** NSD as a secondary of drgw's zone, in the foreground, with everything in one directory. */
  private static final class Nsd implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;

    private Nsd(Path dir, int port, Process process) {
      this.dir = dir;
      this.port = port;
      this.process = process;
    }

    static Nsd start(String binary, Path dir, int port, String secret, int primaryPort) throws Exception {
      Path conf = dir.resolve("nsd.conf");
      Files.writeString(conf, """
          server:
            port: %1$d
            ip-address: 127.0.0.1
            username: ""
            chroot: ""
            server-count: 1
            zonesdir: "%2$s"
            database: ""
            pidfile: "%2$s/nsd.pid"
            xfrdfile: "%2$s/xfrd.state"
            xfrdir: "%2$s"
            zonelistfile: "%2$s/zone.list"
            logfile: "%2$s/nsd.log"
            verbosity: 2

          remote-control:
            control-enable: no

          key:
            name: "%3$s"
            algorithm: hmac-sha256
            secret: "%4$s"

          zone:
            name: "%5$s"
            zonefile: "%5$s.zone"
            request-xfr: 127.0.0.1@%6$d %3$s
            allow-notify: 127.0.0.1 %3$s
          """.formatted(port, dir.toAbsolutePath(), KEY_NAME, secret, BASE, primaryPort));
      String checkconf = Tools.require("nsd-checkconf", "nsd");
      Process check =
          new ProcessBuilder(checkconf, conf.toString()).redirectErrorStream(true).start();
      String checkOutput = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(check.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(check.exitValue()).as("nsd-checkconf: " + checkOutput).isZero();

      Process process =
          new ProcessBuilder(binary, "-d", "-c", conf.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("nsd.out").toFile())
              .start();
      Nsd nsd = new Nsd(dir, port, process);
      try {
        awaitNsd(Duration.ofSeconds(10)).untilAsserted(() -> {
          assertThat(process.isAlive()).as("nsd exited: " + nsd.logs()).isTrue();
          assertThat(ask(port, BASE, Type.SOA)).as(nsd.logs()).isNotNull();
        });
      } catch (RuntimeException | AssertionError e) {
        nsd.close();
        throw e;
      }
      return nsd;
    }

    int port() {
      return port;
    }

    /** NSD's log file and its console output, for assertion messages. */
    String logs() {
      return "\n--- nsd.log ---\n" + read(dir.resolve("nsd.log")) + "\n--- nsd output ---\n" + read(dir.resolve("nsd.out"));
    }

    private static String read(Path file) {
      try {
        return Files.exists(file) ? Files.readString(file) : "(none)";
      } catch (IOException e) {
        return "(unreadable: " + e.getMessage() + ")";
      }
    }

    /** SIGTERM, then SIGKILL to NSD and its server and xfrd processes if it does not stop. */
    @Override
    public void close() {
      List<ProcessHandle> children = process.descendants().toList();
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      } finally {
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
      }
    }
  }
}
