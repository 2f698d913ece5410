package dev.drgw.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.account.Account;
import dev.drgw.account.DeploymentNames;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.changes.Change;
import dev.drgw.changes.ChangeSet;
import dev.drgw.config.ConfigLoader;
import dev.drgw.config.DnsSettings;
import dev.drgw.snapshot.RoutingSnapshot;
import dev.drgw.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Bounded fuzzing of the DNS server that runs in normal CI: random and mutated packets at the
 * whole server over UDP and TCP for about five seconds, and a hundred thousand of them straight
 * through {@link DnsResponder} and {@link AnswerCache}. Override the seed with {@code
 * -Ddrgw.fuzz.seed=N} to replay a run; every failure names the seed and the bytes.
 */
class DnsFuzzTest {

  private static final long SEED = Long.getLong("drgw.fuzz.seed", 0xD2_6D_F0_22L);
  private static final Duration LIVE_BUDGET = Duration.ofSeconds(5);
  private static final int LIVE_WORKERS = 8;
  private static final int SILENCE_MILLIS = 200;
  private static final int PURE_CASES = 100_000;
  private static final int MAX_UDP = 1232;
  private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

  // --- the whole server ---

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void randomAndMutatedPacketsNeverGetAnInvalidReplyNorStopTheServer() throws Exception {
    try (TestServer server = TestServer.start(Map.of(
        "DRGW_BASE_DOMAIN", "gw.example.net",
        "DRGW_DNS_TCP_IDLE_TIMEOUT", "1s",
        "DRGW_DNS_TRANSFER_ALLOW", "127.0.0.1"))) {
      DnsHostileInputTest.createAccount(server);
      int port = server.dnsPort();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      Stats stats = new Stats();
      long deadline = System.nanoTime() + LIVE_BUDGET.toNanos();
      ExecutorService pool = Executors.newFixedThreadPool(LIVE_WORKERS);
      try {
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < LIVE_WORKERS; w++) {
          LiveWorker worker = new LiveWorker(w, port, deadline, failures, stats);
          workers.add(pool.submit(() -> {
            worker.run();
            return null;
          }));
        }
        for (Future<?> worker : workers) {
          worker.get(LIVE_BUDGET.toSeconds() + 30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      String summary = "seed " + SEED + " (-Ddrgw.fuzz.seed=" + SEED + "): " + stats;
      System.out.println("DNS live fuzz, " + summary);
      assertThat(failures).as("%s; first failures", summary).isEmpty();
      assertThat(stats.get(Stats.REPLIES)).as("replies, %s", summary).isGreaterThan(1_000);
      assertThat(stats.get(Stats.TCP)).as("TCP cases, %s", summary).isGreaterThan(20);

      DnsHostileInputTest.stillAnswers(server);
      HttpResponse<String> live = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health/live")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).as("/health/live after the fuzz").isEqualTo(200);
    }
  }

  /** One sender: its own generator (seed + index), its own socket, as fast as replies come. */
  private static final class LiveWorker {
    private final int index;
    private final int port;
    private final long deadline;
    private final ConcurrentLinkedQueue<String> failures;
    private final Stats stats;
    private final Random random;
    private final Fuzzer fuzzer;
    private DatagramSocket udp;

    LiveWorker(int index, int port, long deadline, ConcurrentLinkedQueue<String> failures, Stats stats) {
      this.index = index;
      this.port = port;
      this.deadline = deadline;
      this.failures = failures;
      this.stats = stats;
      this.random = new Random(SEED + 1_000_003L * (index + 1));
      this.fuzzer = new Fuzzer(new Random(SEED + 7_919L * (index + 1)));
    }

    void run() throws IOException {
      udp = newUdpSocket();
      try {
        for (int n = 0; System.nanoTime() < deadline && failures.size() < 20; n++) {
          if (n % 25 == 0) {
            control(n);
          }
          byte[] packet = fuzzer.next();
          String where = "seed " + SEED + " worker " + index + " case " + n;
          if (random.nextInt(8) == 0) {
            stats.add(Stats.TCP);
            tcpCase(where, packet);
          } else {
            stats.add(Stats.UDP);
            udpCase(where, packet);
          }
        }
      } finally {
        udp.close();
      }
    }

    private DatagramSocket newUdpSocket() throws IOException {
      DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      return socket;
    }

    private void udpCase(String where, byte[] packet) throws IOException {
      Optional<byte[]> reply = udpExchange(packet, SILENCE_MILLIS);
      if (reply.isEmpty() && !mustStaySilent(packet)) {
        reply = udpExchange(packet, 1_000); // a second chance, so that a slow moment is not a failure
      }
      if (reply.isPresent()) {
        judge(where + " (UDP)", packet, reply.get(), false);
      } else if (mustStaySilent(packet)) {
        stats.add(Stats.SILENCES);
      } else {
        fail(where + " (UDP)", packet, null, "no reply, twice, though the packet has a header and is a query");
      }
    }

    private Optional<byte[]> udpExchange(byte[] packet, int waitMillis) throws IOException {
      udp.setSoTimeout(waitMillis);
      udp.send(new DatagramPacket(packet, packet.length));
      byte[] buffer = new byte[65_535];
      DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(reply);
      } catch (SocketTimeoutException silence) {
        udp.close(); // a late reply must not be taken for the next packet's
        udp = newUdpSocket();
        return Optional.empty();
      }
      return Optional.of(Arrays.copyOf(buffer, reply.getLength()));
    }

    private void tcpCase(String where, byte[] packet) throws IOException {
      int messages = tcpExchange(where, packet, SILENCE_MILLIS);
      if (messages == 0 && !mustStaySilent(packet)) {
        messages = tcpExchange(where, packet, 1_000);
      }
      if (messages == 0 && mustStaySilent(packet)) {
        stats.add(Stats.SILENCES);
      } else if (messages == 0) {
        fail(where + " (TCP)", packet, null, "no reply, twice, though the message has a header and is a query");
      }
    }

    /** Sends one framed message on a new connection; judges every reply; returns how many came. */
    private int tcpExchange(String where, byte[] packet, int waitMillis) throws IOException {
      boolean transfer = isTransfer(packet);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket.getOutputStream().write(DnsHostileInputTest.framed(packet));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        int messages = 0;
        while (true) {
          socket.setSoTimeout(waitMillis);
          int high;
          try {
            high = in.read();
          } catch (SocketTimeoutException silence) {
            break;
          } catch (IOException reset) {
            high = -1;
          }
          if (high < 0) {
            break;
          }
          socket.setSoTimeout(2_000);
          int low = in.read();
          byte[] body = low < 0 ? new byte[0] : in.readNBytes((high << 8) | low);
          if (low < 0 || body.length != ((high << 8) | low)) {
            fail(where + " (TCP)", packet, body, "the connection closed inside an answer");
            return messages + 1;
          }
          messages++;
          judge(where + " (TCP)", packet, body, true);
          if (!transfer) {
            break;
          }
        }
        return messages;
      }
    }

    /** A plain query every 25 cases: the server must keep answering while it is being fuzzed. */
    private void control(int n) throws IOException {
      byte[] query = DnsHostileInputTest.withId(DnsHostileInputTest.soaQuery().toWire(), 0xC000 + n % 4096);
      Optional<byte[]> reply = DnsHostileInputTest.udp(port, query, Duration.ofSeconds(1));
      if (reply.isEmpty()) {
        fail("seed " + SEED + " worker " + index + " control before case " + n, query, null,
            "a plain SOA query went unanswered for 1 s during the fuzz");
        return;
      }
      try {
        Message m = new Message(reply.get());
        if (m.getRcode() != Rcode.NOERROR || m.getSection(Section.ANSWER).size() != 1
            || m.getHeader().getID() != (0xC000 + n % 4096)) {
          fail("seed " + SEED + " worker " + index + " control before case " + n, query, reply.get(),
              "a plain SOA query got a wrong answer");
        }
      } catch (IOException e) {
        fail("seed " + SEED + " worker " + index + " control", query, reply.get(), "unparseable: " + e);
      }
    }

    private void judge(String where, byte[] packet, byte[] reply, boolean overTcp) {
      stats.add(Stats.REPLIES);
      String problem = problem(packet, reply, overTcp);
      if (problem != null) {
        fail(where, packet, reply, problem);
      } else {
        stats.add(Stats.RCODE_BASE + Math.min(reply[3] & 0x0F, 15));
      }
    }

    private void fail(String where, byte[] packet, byte[] reply, String problem) {
      failures.add(where + ": " + problem + "\n  sent  " + HEX.formatHex(packet)
          + (reply == null ? "" : "\n  reply " + HEX.formatHex(reply)));
    }
  }

  /** Too short to hold a header, or a response: nothing may be sent back (RFC 1035, spec). */
  static boolean mustStaySilent(byte[] packet) {
    return packet.length < 12 || (packet[2] & 0x80) != 0;
  }

  /** What is wrong with {@code reply} to {@code packet}, or null when it is a valid reply. */
  static String problem(byte[] packet, byte[] reply, boolean overTcp) {
    if (packet.length < 12) {
      return "a reply to a packet shorter than a DNS header";
    }
    if ((packet[2] & 0x80) != 0) {
      return "a reply to a response (QR set)";
    }
    Message m;
    try {
      m = new Message(reply);
    } catch (IOException | RuntimeException e) {
      return "the reply is not a DNS message: " + e;
    }
    int id = ((packet[0] & 0xFF) << 8) | (packet[1] & 0xFF);
    if (m.getHeader().getID() != id) {
      return "the reply's ID " + m.getHeader().getID() + " is not the query's " + id;
    }
    if (!m.getHeader().getFlag(Flags.QR)) {
      return "the reply does not have QR set";
    }
    if (!overTcp && reply.length > udpLimit(packet)) {
      return "a UDP reply of " + reply.length + " bytes, over the client's limit of " + udpLimit(packet);
    }
    return null;
  }

  /** The largest UDP reply the sender of {@code packet} accepts (RFC 6891, capped at ours). */
  private static int udpLimit(byte[] packet) {
    try {
      OPTRecord opt = new Message(packet).getOPT();
      return opt == null ? 512 : Math.max(512, Math.min(opt.getPayloadSize(), MAX_UDP));
    } catch (IOException | RuntimeException malformed) {
      return 512;
    }
  }

  private static boolean isTransfer(byte[] packet) {
    try {
      Message m = new Message(packet);
      return m.getQuestion() != null && (m.getQuestion().getType() == Type.AXFR || m.getQuestion().getType() == Type.IXFR);
    } catch (IOException | RuntimeException malformed) {
      return false;
    }
  }

  /** Counters shared by the workers, printed with the seed. */
  private static final class Stats {
    static final int UDP = 0;
    static final int TCP = 1;
    static final int REPLIES = 2;
    static final int SILENCES = 3;
    static final int RCODE_BASE = 4;
    private final AtomicLongArray counts = new AtomicLongArray(RCODE_BASE + 16);

    void add(int counter) {
      counts.incrementAndGet(counter);
    }

    long get(int counter) {
      return counts.get(counter);
    }

    @Override
    public String toString() {
      StringBuilder rcodes = new StringBuilder();
      for (int r = 0; r < 16; r++) {
        if (counts.get(RCODE_BASE + r) > 0) {
          rcodes.append(' ').append(Rcode.string(r)).append('=').append(counts.get(RCODE_BASE + r));
        }
      }
      return "%d UDP + %d TCP packets, %d replies (%s), %d silences".formatted(
          get(UDP), get(TCP), get(REPLIES), rcodes.toString().trim(), get(SILENCES));
    }
  }

  // --- straight through the responder and the answer cache ---

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theResponderSurvivesAHundredThousandHostileMessages() throws Exception {
    ZoneData zone = zone();
    DnsResponder responder = new DnsResponder(() -> zone, MAX_UDP);
    Fuzzer fuzzer = new Fuzzer(new Random(SEED));
    List<String> failures = new ArrayList<>();
    int parsed = 0;
    for (int n = 0; n < PURE_CASES && failures.size() < 20; n++) {
      byte[] bytes = fuzzer.next();
      String where = "seed " + SEED + " case " + n + ": " + HEX.formatHex(bytes);
      Message query;
      try {
        query = new Message(bytes);
      } catch (IOException malformed) {
        byte[] formErr = DnsResponder.formErr(bytes, bytes.length);
        boolean answerable = bytes.length >= 12 && (bytes[2] & 0x80) == 0;
        if (answerable != (formErr != null)) {
          failures.add(where + "\n  formErr gave " + (formErr == null ? "null" : HEX.formatHex(formErr)));
        } else if (formErr != null && problem(bytes, formErr, false) != null) {
          failures.add(where + "\n  formErr: " + problem(bytes, formErr, false));
        }
        continue;
      } catch (RuntimeException e) {
        failures.add(where + "\n  parsing threw " + e);
        continue;
      }
      parsed++;
      try {
        Message response = responder.respond(query);
        int limit = responder.udpLimit(query);
        byte[] small = response.toWire(512);
        byte[] udp = response.toWire(limit);
        byte[] tcp = response.toWire(65_535);
        for (byte[] wire : List.of(small, udp, tcp)) {
          Message back = new Message(wire);
          if (back.getHeader().getID() != query.getHeader().getID() || !back.getHeader().getFlag(Flags.QR)) {
            failures.add(where + "\n  the response lost its ID or QR: " + HEX.formatHex(wire));
          }
        }
        if (small.length > 512 || udp.length > limit) {
          failures.add(where + "\n  a response over its size limit: " + small.length + "/" + udp.length + " > " + limit);
        }
      } catch (Exception | StackOverflowError e) {
        failures.add(where + "\n  the responder threw " + e);
      }
    }
    assertThat(failures).as("seed %d (-Ddrgw.fuzz.seed=%d)", SEED, SEED).isEmpty();
    assertThat(parsed).as("messages that parsed and reached the responder").isGreaterThan(PURE_CASES / 4);
  }

  /**
   * The server answers simple queries from {@link AnswerCache}: for any bytes, the cached answer
   * must be exactly what the full path would send (FORMERR for what dnsjava cannot parse).
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void theAnswerCacheNeverChangesAnAnswer() throws Exception {
    ZoneData zone = zone();
    DnsResponder responder = new DnsResponder(() -> zone, MAX_UDP);
    AnswerCache cache = new AnswerCache(MAX_UDP);
    QueryAnswerer uncached = new QueryAnswerer(responder, new AnswerCache(MAX_UDP), () -> zone);
    Random random = new Random(SEED ^ 0xCAC4EL);
    Fuzzer fuzzer = new Fuzzer(new Random(SEED + 1));
    List<String> failures = new ArrayList<>();
    int hits = 0;
    for (int n = 0; n < PURE_CASES && failures.size() < 20; n++) {
      byte[] bytes = random.nextInt(3) == 0 ? fuzzer.next() : fuzzer.cacheMutation();
      boolean overTcp = random.nextInt(4) == 0;
      String where = "seed " + SEED + " case " + n + (overTcp ? " TCP: " : " UDP: ") + HEX.formatHex(bytes);
      AnswerCache.Question question;
      try {
        question = cache.parse(bytes, bytes.length, overTcp);
      } catch (RuntimeException e) {
        failures.add(where + "\n  AnswerCache.parse threw " + e);
        continue;
      }
      if (question == null) {
        continue;
      }
      byte[] full = uncached.answerUncached(bytes, bytes.length, overTcp);
      byte[] cached = cache.lookup(bytes, question, 1);
      if (cached != null) {
        hits++;
        if (!Arrays.equals(cached, full)) {
          failures.add(where + "\n  cached " + HEX.formatHex(cached)
              + "\n  full   " + (full == null ? "(silence)" : HEX.formatHex(full)));
        }
      } else if (full != null && (full[3] & 0x0F) != org.xbill.DNS.Rcode.FORMERR) {
        cache.store(question, 1, full);
      }
    }
    assertThat(failures).as("seed %d (-Ddrgw.fuzz.seed=%d)", SEED, SEED).isEmpty();
    assertThat(hits).as("answers taken from the cache").isGreaterThan(1_000);
  }

  private static ZoneData zone() throws Exception {
    Map<String, String> env = Map.of(
        "DRGW_BASE_DOMAIN", "gw.example.net",
        "DRGW_REGION1_SIP_ADDRESSES", "192.0.2.1, 2001:db8::1",
        "DRGW_REGION2_SIP_ADDRESSES", "192.0.2.2",
        "DRGW_DNS_NAME_SERVERS", "ns1=192.0.2.53, ns2.example.org",
        "DRGW_DNS_STATIC_RECORDS", "provapi IN A 192.0.2.10;;_sip._tcp 600 IN SRV 10 0 5061 sbc.example.org.");
    DnsSettings settings = ConfigLoader.load(env, Optional.empty()).dns();
    DirectRouting directRouting =
        new DirectRouting(true, true, new DirectRoutingConfig(true, "fuzz", "MS=fuzz1", "MS=" + "x".repeat(200)));
    RoutingSnapshot snapshot = RoutingSnapshot.empty().apply(List.of(new ChangeSet(
        1, Instant.EPOCH, "fuzz", "t", null, List.of(new Change.AccountPut(new Account("fuzz", null, null, directRouting, null))))));
    return new ZoneData(new ZoneData.Fixed(settings, new DeploymentNames("gw.example.net", 2, "1r%d")), snapshot);
  }

  // --- the generator ---

  /** Random packets, and valid queries (built with dnsjava) mutated in the ways parsers get wrong. */
  static final class Fuzzer {
    private static final String[] NAMES = {
      "gw.example.net.", "fuzz.1r1.gw.example.net.", "FuZz.1R2.Gw.ExAmPlE.nEt.", "1r1.gw.example.net.",
      "missing.gw.example.net.", "ns1.gw.example.net.", "_sip._tcp.gw.example.net.", "example.com.", ".",
      "a.very.deep.name.below.a.customer.fuzz.1r1.gw.example.net.",
    };
    private static final int[] TYPES = {Type.A, Type.AAAA, Type.TXT, Type.SOA, Type.NS, Type.ANY, Type.AXFR, Type.IXFR};

    private final Random random;
    private final List<byte[]> seeds = new ArrayList<>();

    Fuzzer(Random random) {
      this.random = random;
      try {
        for (String name : NAMES) {
          for (int type : TYPES) {
            for (int edns = 0; edns < 5; edns++) {
              Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
              switch (edns) {
                case 1 -> m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
                case 2 -> m.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
                case 3 -> m.addRecord(new OPTRecord(512, 0, 1), Section.ADDITIONAL);
                case 4 -> m.addRecord(new OPTRecord(1400, 0, 0, 0, List.of(
                    new ClientSubnetOption(24, InetAddress.getByName("192.0.2.0")),
                    new CookieOption(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))), Section.ADDITIONAL);
                default -> { }
              }
              seeds.add(m.toWire());
            }
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** A random packet (a fifth of the time) or a mutated valid query. */
    byte[] next() {
      if (random.nextInt(5) == 0) {
        byte[] bytes = new byte[random.nextInt(601)];
        random.nextBytes(bytes);
        if (bytes.length > 2 && random.nextInt(10) != 0) {
          bytes[2] &= 0x7F; // mostly queries, so that most reach the parser rather than being dropped
        }
        return bytes;
      }
      byte[] bytes = seed();
      int mutations = 1 + random.nextInt(4);
      for (int i = 0; i < mutations; i++) {
        bytes = mutate(bytes);
      }
      return bytes;
    }

    /** A valid query with a new ID, flags, letter case or OPT bytes: same cache key, or almost. */
    byte[] cacheMutation() {
      byte[] bytes = seed();
      bytes[0] = (byte) random.nextInt();
      bytes[1] = (byte) random.nextInt();
      int mutations = 1 + random.nextInt(3);
      for (int i = 0; i < mutations; i++) {
        int kind = bytes.length > 12 ? random.nextInt(4) : 3;
        switch (kind) {
          case 0 -> bytes[2 + random.nextInt(2)] ^= (byte) (1 << random.nextInt(8));
          case 1 -> {
            for (int at = 12; at < bytes.length; at++) {
              if (Character.isLetter(bytes[at]) && random.nextBoolean()) {
                bytes[at] ^= 0x20;
              }
            }
          }
          case 2 -> {
            int tail = Math.min(bytes.length - 12, 1 + random.nextInt(24));
            bytes[bytes.length - tail + random.nextInt(tail)] = (byte) random.nextInt();
          }
          default -> bytes = mutate(bytes);
        }
      }
      return bytes;
    }

    private byte[] seed() {
      byte[] bytes = seeds.get(random.nextInt(seeds.size())).clone();
      bytes[0] = (byte) random.nextInt();
      bytes[1] = (byte) random.nextInt();
      return bytes;
    }

    private byte[] mutate(byte[] b) {
      if (b.length == 0) {
        return new byte[] {(byte) random.nextInt()};
      }
      int at = random.nextInt(b.length);
      switch (random.nextInt(10)) {
        case 0 -> { // bit flip
          b[at] ^= (byte) (1 << random.nextInt(8));
          return b;
        }
        case 1 -> { // insert a byte
          byte[] out = new byte[b.length + 1];
          System.arraycopy(b, 0, out, 0, at);
          out[at] = (byte) random.nextInt();
          System.arraycopy(b, at, out, at + 1, b.length - at);
          return out;
        }
        case 2 -> { // delete a byte
          byte[] out = new byte[b.length - 1];
          System.arraycopy(b, 0, out, 0, at);
          System.arraycopy(b, at + 1, out, at, b.length - at - 1);
          return out;
        }
        case 3 -> { // truncate
          return Arrays.copyOf(b, at);
        }
        case 4 -> { // extend with random bytes
          byte[] out = Arrays.copyOf(b, b.length + 1 + random.nextInt(64));
          for (int i = b.length; i < out.length; i++) {
            out[i] = (byte) random.nextInt();
          }
          return out;
        }
        case 5 -> { // a compression pointer 0xC0xx anywhere after the header
          if (b.length > 13) {
            int p = 12 + random.nextInt(b.length - 13);
            b[p] = (byte) (0xC0 | random.nextInt(4));
            b[p + 1] = (byte) random.nextInt();
          }
          return b;
        }
        case 6 -> { // a section count: small, or absurd
          int count = 4 + 2 * random.nextInt(4);
          if (b.length > count + 1) {
            int value = random.nextBoolean() ? random.nextInt(4) : 0xFFFF;
            b[count] = (byte) (value >>> 8);
            b[count + 1] = (byte) value;
          }
          return b;
        }
        case 7 -> { // the flags and opcode byte
          if (b.length > 3) {
            b[2] = (byte) (random.nextInt() & 0x7F);
            b[3] = (byte) random.nextInt();
          }
          return b;
        }
        case 8 -> { // copy a slice over another place (repeated labels, odd lengths)
          int from = random.nextInt(b.length);
          int length = random.nextInt(b.length - from) + 1;
          int to = random.nextInt(b.length);
          byte[] out = Arrays.copyOf(b, Math.max(b.length, to + length));
          System.arraycopy(b, from, out, to, length);
          return out;
        }
        default -> { // a random byte
          b[at] = (byte) random.nextInt();
          return b;
        }
      }
    }
  }
}
