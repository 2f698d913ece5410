package dev.drgw.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.drgw.auth.Role;
import dev.drgw.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Hostile bytes at the whole server over loopback. Every malformed packet gets FORMERR, or
 * silence where no reply can be formed or the packet is itself a response; stalled, slow and
 * flooding TCP clients are cut off without keeping anyone else out; and after every case a normal
 * query is still answered correctly over UDP and over TCP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsHostileInputTest {

  private static final String BASE = "gw.example.net.";
  private static final String ACCOUNT = "hostile";
  private static final String ACCOUNT_NAME = ACCOUNT + ".1r1." + BASE;
  private static final String TOKEN = "MS=hostile1";
  private static final Duration SILENCE = Duration.ofMillis(300);
  /** The SOA question for the base domain, uncompressed, as the hex tables use it. */
  private static final String SOA_QUESTION = "02 67 77 07 65 78 61 6D 70 6C 65 03 6E 65 74 00 00 06 00 01";

  private TestServer server;

  @BeforeAll
  void start() {
    server = TestServer.start(Map.of("DRGW_BASE_DOMAIN", "gw.example.net", "DRGW_DNS_TCP_IDLE_TIMEOUT", "1s"));
    createAccount(server);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  enum Reply { SILENCE, FORMERR, NOTIMP }

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
        empty datagram                          | ''                                              | SILENCE
        one byte                                | BE                                              | SILENCE
        11 bytes: the header cut short          | BE EF 01 00 00 01 00 00 00 00 00                | SILENCE
        header only, QDCOUNT=1, no question     | BE EF 01 00 00 01 00 00 00 00 00 00             | FORMERR
        header only, QDCOUNT=1, TC set          | BE EF 03 00 00 01 00 00 00 00 00 00             | FORMERR
        QDCOUNT=0                               | BE EF 01 00 00 00 00 00 00 00 00 00             | FORMERR
        QDCOUNT=2, two questions                | BE EF 01 00 00 02 00 00 00 00 00 00 SOA C0 0C 00 02 00 01 | FORMERR
        QDCOUNT=2, one question                 | BE EF 01 00 00 02 00 00 00 00 00 00 SOA         | FORMERR
        ANCOUNT=65535 with nothing after        | BE EF 01 00 00 01 FF FF 00 00 00 00 SOA         | FORMERR
        name pointer to itself                  | BE EF 01 00 00 01 00 00 00 00 00 00 C0 0C 00 06 00 01 | FORMERR
        two pointers pointing at each other     | BE EF 01 00 00 01 00 00 00 00 00 00 C0 0E C0 0C 00 06 00 01 | FORMERR
        label then a pointer back to the label  | BE EF 01 00 00 01 00 00 00 00 00 00 01 61 C0 0C 00 06 00 01 | FORMERR
        pointer past the end of the packet      | BE EF 01 00 00 01 00 00 00 00 00 00 C0 FF 00 06 00 01 | FORMERR
        pointer to offset 0x3FFF                | BE EF 01 00 00 01 00 00 00 00 00 00 FF FF 00 06 00 01 | FORMERR
        pointer cut in half at the end          | BE EF 01 00 00 01 00 00 00 00 00 00 02 67 77 C0 | FORMERR
        label length running past the end       | BE EF 01 00 00 01 00 00 00 00 00 00 3F 61 62 63 | FORMERR
        label length running into type/class    | BE EF 01 00 00 01 00 00 00 00 00 00 07 67 77 00 00 06 00 01 | FORMERR
        name without type and class             | BE EF 01 00 00 01 00 00 00 00 00 00 02 67 77 00 | FORMERR
        type without class                      | BE EF 01 00 00 01 00 00 00 00 00 00 02 67 77 00 00 06 | FORMERR
        reserved label type 0x40                | BE EF 01 00 00 01 00 00 00 00 00 00 41 61 00 00 06 00 01 | FORMERR
        reserved label type 0x80                | BE EF 01 00 00 01 00 00 00 00 00 00 81 61 00 00 06 00 01 | FORMERR
        ARCOUNT=1 with half an OPT record       | BE EF 01 00 00 01 00 00 00 00 00 01 SOA 00 00 29 04 | FORMERR
        opcode 15                               | BE EF 79 00 00 01 00 00 00 00 00 00 SOA         | NOTIMP
        opcode 3 (unassigned)                   | BE EF 19 00 00 01 00 00 00 00 00 00 SOA         | NOTIMP
        opcode 2 (STATUS)                       | BE EF 11 00 00 01 00 00 00 00 00 00 SOA         | NOTIMP
        a response: QR set, valid question      | BE EF 81 00 00 01 00 00 00 00 00 00 SOA         | SILENCE
        a response with a malformed body        | BE EF 81 00 00 01 00 00 00 00 00 00 C0 0C 00 06 00 01 | SILENCE
        a response, header only                 | BE EF 80 00 00 00 00 00 00 00 00 00             | SILENCE
        a FORMERR response (reflection bait)    | BE EF 81 01 00 00 00 00 00 00 00 00             | SILENCE
        a NOTIMP response with opcode 15        | BE EF F9 04 00 01 00 00 00 00 00 00 SOA         | SILENCE
        """)
  void malformedUdpPacketsGetFormErrOrSilence(String description, String hex, Reply expected) throws Exception {
    byte[] packet = hex(hex.replace("SOA", SOA_QUESTION));
    check(expected, packet, udp(server.dnsPort(), packet, SILENCE));
    stillAnswers(server);
  }

  static Stream<Arguments> generatedPackets() throws Exception {
    Random random = new Random(0x600D_BAD_BEEFL);
    byte[] query = withId(soaQuery().toWire(), 0x7A7A);
    byte[] garbage = new byte[60_000 - query.length];
    random.nextBytes(garbage);
    byte[] queryThenGarbage = concat(query, garbage);

    byte[] header = hex("7A 7B 01 00 00 01 FF FF FF FF FF FF");
    byte[] noise = new byte[60_000 - header.length];
    random.nextBytes(noise);
    byte[] headerThenGarbage = concat(header, noise);

    byte[] longName = new byte[12 + 5 * 64 + 1 + 4];
    System.arraycopy(hex("7A 7C 01 00 00 01 00 00 00 00 00 00"), 0, longName, 0, 12);
    for (int label = 0; label < 5; label++) {
      longName[12 + label * 64] = 63;
      Arrays.fill(longName, 13 + label * 64, 12 + (label + 1) * 64, (byte) 'a');
    }
    System.arraycopy(hex("00 00 06 00 01"), 0, longName, 12 + 5 * 64, 5);

    return Stream.of(
        arguments(named("60,000 bytes: a valid SOA query followed by garbage", queryThenGarbage), true),
        arguments(named("60,000 bytes: a valid header (all counts 65535) and garbage", headerThenGarbage), false),
        arguments(named("a name of 5 x 63-byte labels (longer than 255 bytes)", longName), false),
        arguments(named("two OPT records (RFC 6891 6.1.1: FORMERR)", withOpts(2, 0x7A7D)), false),
        arguments(named("200 OPT records (RFC 6891 6.1.1: FORMERR)", withOpts(200, 0x7A7E)), false));
  }

  /**
   * Generated packets get FORMERR. Trailing bytes after a complete query may instead be ignored
   * (BIND and NSD ignore them, Knot refuses them): then the embedded query's right answer is
   * accepted, and so is silence for a datagram that large; anything else is not.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("generatedPackets")
  void generatedUdpPacketsGetFormErr(byte[] packet, boolean trailingGarbage) throws Exception {
    Optional<byte[]> reply = udp(server.dnsPort(), packet, Duration.ofSeconds(1));
    if (!trailingGarbage) {
      check(Reply.FORMERR, packet, reply);
    } else if (reply.isPresent()) {
      Message m = parse(reply.get());
      assertHeader(packet, reply.get(), m);
      if (m.getRcode() != Rcode.FORMERR) {
        assertThat(Rcode.string(m.getRcode())).isEqualTo("NOERROR");
        assertThat(m.getSection(Section.ANSWER)).singleElement().isInstanceOf(SOARecord.class);
      }
    }
    stillAnswers(server);
  }

  /**
   * The answer cache must not answer a query the responder would reject: a malformed OPT record
   * is FORMERR even right after the same question with a good OPT record was answered.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
        option length past RDLENGTH         | 00 00 29 04 D0 00 00 00 00 00 06 00 08 00 10 00 01
        half an option header               | 00 00 29 04 D0 00 00 00 00 00 03 00 08 00
        client subnet with family 9         | 00 00 29 04 D0 00 00 00 00 00 08 00 08 00 04 00 09 18 00
        client subnet prefix 33 for IPv4    | 00 00 29 04 D0 00 00 00 00 00 0B 00 08 00 07 00 01 21 00 C0 00 02
        """)
  void aMalformedOptRecordIsFormErrEvenForACachedQuestion(String description, String opt) throws Exception {
    byte[] good = hex("BE EF 01 00 00 01 00 00 00 00 00 01 " + SOA_QUESTION + " 00 00 29 04 D0 00 00 00 00 00 00");
    for (int i = 0; i < 2; i++) {
      Optional<byte[]> reply = udp(server.dnsPort(), good, Duration.ofSeconds(1));
      assertThat(reply).as("the well-formed EDNS query is answered").isPresent();
      assertThat(Rcode.string(parse(reply.get()).getRcode())).isEqualTo("NOERROR");
    }
    byte[] bad = hex("BE F0 01 00 00 01 00 00 00 00 00 01 " + SOA_QUESTION + " " + opt);
    check(Reply.FORMERR, bad, udp(server.dnsPort(), bad, Duration.ofSeconds(1)));
    stillAnswers(server);
  }

  /**
   * One hostile query must not change what later clients are told. dnsjava forgives a broken
   * record after the question when TC is set (meant for truncated responses), and reads an OPT
   * whose extended-rcode byte is 0x80 or more as version 0: such a query must still get FORMERR or
   * BADVERS, and a normal query with the same question afterwards its own, correct answer. (Each
   * row uses its own EDNS size, so that no earlier test has answered the same question.)
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock = """
        TC set and an OPT option running past RDLENGTH | BE 01 03 00 00 01 00 00 00 00 00 01 SOA 00 00 29 02 58 00 00 00 00 00 06 00 08 00 10 00 01 | FORMERR | 02 58 00 00 00 00 | NOERROR
        TC set and half an option header               | BE 02 03 00 00 01 00 00 00 00 00 01 SOA 00 00 29 02 00 00 00 00 00 00 03 00 08 00 | FORMERR | 02 00 00 00 00 00 | NOERROR
        OPT version 1 with extended-rcode byte 0x80    | BE 03 01 00 00 01 00 00 00 00 00 01 SOA 00 00 29 03 00 80 01 00 00 00 00 | BADVERS | 03 00 00 01 00 00 | BADVERS
        OPT version 1 with DO and ext-rcode byte 0xFF  | BE 04 01 00 00 01 00 00 00 00 00 01 SOA 00 00 29 03 10 FF 01 80 00 00 00 | BADVERS | 03 10 00 01 80 00 | BADVERS
        """)
  void aHostileQueryDoesNotChangeTheAnswerOthersGet(
      String description, String hostile, String hostileRcode, String normalOpt, String normalRcode) throws Exception {
    byte[] packet = hex(hostile.replace("SOA", SOA_QUESTION));
    Optional<byte[]> reply = udp(server.dnsPort(), packet, Duration.ofSeconds(1));
    byte[] normal = hex("BE 77 01 00 00 01 00 00 00 00 00 01 " + SOA_QUESTION + " 00 00 29 " + normalOpt + " 00 00");
    Optional<byte[]> normalReply = udp(server.dnsPort(), normal, Duration.ofSeconds(1));

    assertThat(normalReply).as("the normal EDNS query afterwards is answered").isPresent();
    Message m = parse(normalReply.get());
    assertHeader(normal, normalReply.get(), m);
    assertThat(m.getOPT()).as("the normal query's answer carries an OPT record (RFC 6891)").isNotNull();
    assertThat(Rcode.string(m.getRcode())).as("the normal query's rcode").isEqualTo(normalRcode);
    if (normalRcode.equals("NOERROR")) {
      assertSoa(m);
    }
    assertThat(reply).as("the hostile query is answered").isPresent();
    Message h = parse(reply.get());
    assertHeader(packet, reply.get(), h);
    assertThat(Rcode.string(h.getRcode())).as("the hostile query's rcode").isEqualTo(hostileRcode);
    stillAnswers(server);
  }

  @ParameterizedTest(name = "a TCP client that sends [{0}] and stalls is closed, others are served")
  @CsvSource({"''", "00", "00 40", "00 40 BE EF 01 00"})
  void aStalledTcpClientIsClosedWhileOthersAreServed(String prefix) throws Exception {
    try (Socket stalled = tcp(server.dnsPort())) {
      stalled.getOutputStream().write(hex(prefix));
      stalled.getOutputStream().flush();
      long start = System.nanoTime();

      long askedAt = System.nanoTime();
      Message other = tcpExchange(server.dnsPort(), soaQuery());
      Duration answeredAfter = Duration.ofNanos(System.nanoTime() - askedAt);
      assertSoa(other);
      assertThat(answeredAfter).as("another client's TCP query during the stall").isLessThan(Duration.ofMillis(500));

      Duration closedAfter = closedWithin(stalled, Duration.ofSeconds(4), start);
      assertThat(closedAfter).as("the stalled connection is closed after the 1 s idle timeout")
          .isLessThan(Duration.ofMillis(2_200));
      assertThat(closedAfter).as("the other client was served while the stalled one was still open")
          .isGreaterThan(Duration.ofNanos(askedAt - start).plus(answeredAfter));
    }
    stillAnswers(server);
  }

  @Test
  void aZeroLengthTcpMessageGetsFormErrOrTheConnectionClosed() throws Exception {
    try (Socket socket = tcp(server.dnsPort())) {
      socket.getOutputStream().write(new byte[] {0, 0});
      socket.getOutputStream().flush();
      socket.setSoTimeout(3_000);
      InputStream in = socket.getInputStream();
      long start = System.nanoTime();
      int high;
      try {
        high = in.read();
      } catch (SocketException reset) {
        high = -1;
      }
      if (high >= 0) {
        byte[] body = readBody(in, high);
        // A zero-length message has no ID to echo: a FORMERR header with any ID is fine.
        Message m = parse(body);
        assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(Rcode.string(m.getRcode())).isEqualTo("FORMERR");
      } else {
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
      }
    }
    stillAnswers(server);
  }

  @Test
  void aSlowlorisClientTricklingAValidQueryIsCutOff() throws Exception {
    byte[] query = framed(Message.newQuery(Record.newRecord(
        Name.fromString("slowloris-trickles-one-byte-at-a-time.1r1." + BASE), Type.A, DClass.IN)).toWire());
    Duration trickle = Duration.ofMillis(200L * query.length);
    assertThat(trickle).as("the trickle outlasts the 1 s idle timeout many times").isGreaterThan(Duration.ofSeconds(5));
    try (Socket slow = tcp(server.dnsPort())) {
      AtomicInteger sent = new AtomicInteger();
      AtomicBoolean writeFailed = new AtomicBoolean();
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = slow.getOutputStream();
          for (byte b : query) {
            out.write(b);
            out.flush();
            sent.incrementAndGet();
            Thread.sleep(200);
          }
        } catch (IOException e) {
          writeFailed.set(true);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "slowloris");
      writer.setDaemon(true);
      long start = System.nanoTime();
      writer.start();
      Duration closedAfter = closedWithin(slow, Duration.ofSeconds(5), start);
      assertThat(closedAfter).as("cut off a little after the idle timeout").isLessThan(Duration.ofMillis(2_500));
      assertThat(sent.get()).as("cut off before the query was complete").isLessThan(query.length);
      writer.interrupt();
    }
    stillAnswers(server);
  }

  @Test
  void threePipelinedQueriesOnOneConnectionGetThreeAnswersInOrder() throws Exception {
    Message soa = soaQuery();
    soa.getHeader().setID(101);
    Message txt = Message.newQuery(Record.newRecord(Name.fromString(ACCOUNT_NAME), Type.TXT, DClass.IN));
    txt.getHeader().setID(102);
    Message missing = Message.newQuery(Record.newRecord(Name.fromString("missing." + BASE), Type.A, DClass.IN));
    missing.getHeader().setID(103);
    try (Socket socket = tcp(server.dnsPort())) {
      socket.getOutputStream().write(concat(framed(soa.toWire()), framed(txt.toWire()), framed(missing.toWire())));
      socket.getOutputStream().flush();
      socket.setSoTimeout(2_000);
      InputStream in = socket.getInputStream();
      Message first = readMessage(in);
      Message second = readMessage(in);
      Message third = readMessage(in);
      assertThat(List.of(first.getHeader().getID(), second.getHeader().getID(), third.getHeader().getID()))
          .containsExactly(101, 102, 103);
      assertSoa(first);
      assertThat(txtOf(second)).containsExactly(TOKEN);
      assertThat(Rcode.string(third.getRcode())).isEqualTo("NXDOMAIN");
    }
    stillAnswers(server);
  }

  /**
   * A client that pipelines queries and never reads the answers fills the socket buffers and
   * blocks the server's writes; the server must still give up on it (spec: never hang a worker).
   */
  @Test
  void aClientThatNeverReadsItsAnswersIsCutOff() throws Exception {
    byte[] one = framed(soaQuery().toWire());
    byte[] batch = new byte[one.length * 1_000];
    for (int i = 0; i < 1_000; i++) {
      System.arraycopy(one, 0, batch, i * one.length, one.length);
    }
    Socket greedy = tcp(server.dnsPort());
    AtomicLong written = new AtomicLong();
    AtomicBoolean cutOff = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      try {
        OutputStream out = greedy.getOutputStream();
        while (!Thread.currentThread().isInterrupted()) {
          out.write(batch);
          written.addAndGet(batch.length);
        }
      } catch (IOException e) {
        cutOff.set(true);
      }
    }, "never-reads");
    writer.setDaemon(true);
    writer.start();
    try {
      await("the server closes the connection of a client that never reads")
          .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .untilTrue(cutOff);
    } finally {
      writer.interrupt();
      greedy.close();
    }
    assertThat(written.get()).as("the client did fill the buffers").isGreaterThan(0);
    stillAnswers(server);
  }

  enum Flood {
    IDLE("connect and send nothing", new byte[0]),
    HALF_LENGTH("send one byte of a length prefix", new byte[] {0}),
    HALF_MESSAGE("send a length prefix and half a query", new byte[] {0, 0x40, (byte) 0xBE, (byte) 0xEF});

    final String description;
    final byte[] bytes;

    Flood(String description, byte[] bytes) {
      this.description = description;
      this.bytes = bytes;
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /**
   * 300 held connections against a limit of 50 (idle timeout 60 s, so only eviction can make
   * room): a new client is answered at once, UDP is answered throughout, twice in a row.
   */
  @ParameterizedTest(name = "300 connections that {0}")
  @EnumSource(Flood.class)
  void aConnectionFloodDoesNotKeepOthersOut(Flood flood) throws Exception {
    try (TestServer limited = TestServer.start(Map.of(
        "DRGW_BASE_DOMAIN", "gw.example.net",
        "DRGW_DNS_TCP_MAX_CONNECTIONS", "50",
        "DRGW_DNS_TCP_IDLE_TIMEOUT", "60s"))) {
      createAccount(limited);
      int port = limited.dnsPort();
      ConcurrentLinkedQueue<String> udpFailures = new ConcurrentLinkedQueue<>();
      AtomicBoolean flooding = new AtomicBoolean(true);
      AtomicInteger udpAnswered = new AtomicInteger();
      Thread udpProbe = new Thread(() -> {
        while (flooding.get()) {
          try {
            byte[] q = withId(soaQuery().toWire(), 0x5150);
            Optional<byte[]> r = udp(port, q, Duration.ofSeconds(1));
            if (r.isEmpty()) {
              udpFailures.add("no UDP answer within 1 s");
            } else if (parse(r.get()).getRcode() != Rcode.NOERROR) {
              udpFailures.add("UDP answer " + Rcode.string(parse(r.get()).getRcode()));
            } else {
              udpAnswered.incrementAndGet();
            }
            Thread.sleep(10);
          } catch (Exception e) {
            udpFailures.add(e.toString());
          }
        }
      }, "udp-probe");
      udpProbe.setDaemon(true);
      udpProbe.start();
      try {
        for (int round = 1; round <= 2; round++) {
          List<Socket> held = new ArrayList<>();
          try {
            for (int i = 0; i < 300; i++) {
              Socket s = new Socket();
              held.add(s);
              try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
                s.getOutputStream().write(flood.bytes);
                s.getOutputStream().flush();
              } catch (IOException closedByTheServer) {
                // an evicted connection may already be gone: that is the server making room
              }
            }
            long start = System.nanoTime();
            Message answer;
            try {
              answer = tcpExchange(port, soaQuery(), Duration.ofSeconds(2));
            } catch (IOException e) {
              throw new AssertionError("round " + round + ": a new TCP client was not answered: " + e, e);
            }
            assertSoa(answer);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("round %d", round)
                .isLessThan(Duration.ofSeconds(2));
          } finally {
            for (Socket s : held) {
              s.close();
            }
          }
          stillAnswers(limited);
        }
      } finally {
        flooding.set(false);
        udpProbe.join(3_000);
      }
      assertThat(udpFailures).as("UDP during the flood").isEmpty();
      assertThat(udpAnswered.get()).isPositive();
    }
    stillAnswers(server);
  }

  // --- checks ---

  private static void check(Reply expected, byte[] packet, Optional<byte[]> reply) {
    if (expected == Reply.SILENCE) {
      assertThat(reply.map(HexFormat.ofDelimiter(" ")::formatHex)).as("no reply at all").isEmpty();
      return;
    }
    assertThat(reply).as("a reply").isPresent();
    Message m = parse(reply.get());
    assertHeader(packet, reply.get(), m);
    assertThat(Rcode.string(m.getRcode())).isEqualTo(expected.name());
    assertThat(reply.get().length).as("fits a plain UDP answer").isLessThanOrEqualTo(512);
  }

  private static void assertHeader(byte[] packet, byte[] reply, Message m) {
    assertThat(m.getHeader().getID()).as("the query's ID").isEqualTo(((packet[0] & 0xFF) << 8) | (packet[1] & 0xFF));
    assertThat(m.getHeader().getFlag(Flags.QR)).as("QR").isTrue();
    assertThat(m.getHeader().getOpcode()).as("the query's opcode").isEqualTo((packet[2] >> 3) & 0xF);
    assertThat(reply.length).isGreaterThanOrEqualTo(12);
  }

  private static Message parse(byte[] wire) {
    try {
      return new Message(wire);
    } catch (IOException e) {
      return fail("the reply is not a DNS message: " + HexFormat.ofDelimiter(" ").formatHex(wire), e);
    }
  }

  private static void assertSoa(Message m) {
    assertThat(Rcode.string(m.getRcode())).isEqualTo("NOERROR");
    assertThat(m.getHeader().getFlag(Flags.AA)).as("authoritative").isTrue();
    assertThat(m.getSection(Section.ANSWER)).singleElement().satisfies(r -> {
      assertThat(r).isInstanceOf(SOARecord.class);
      assertThat(r.getName()).hasToString(BASE);
    });
  }

  private static List<String> txtOf(Message m) {
    assertThat(Rcode.string(m.getRcode())).isEqualTo("NOERROR");
    return m.getSection(Section.ANSWER).stream().map(r -> ((TXTRecord) r).getStrings().get(0)).toList();
  }

  /** A normal SOA and TXT query is answered correctly over UDP and over TCP. */
  static void stillAnswers(TestServer s) throws Exception {
    for (boolean tcp : new boolean[] {false, true}) {
      SimpleResolver resolver = new SimpleResolver("127.0.0.1");
      resolver.setPort(s.dnsPort());
      resolver.setTCP(tcp);
      resolver.setTimeout(Duration.ofSeconds(2));
      String transport = tcp ? "TCP" : "UDP";
      Message soa = resolver.send(soaQuery());
      assertThat(soa.getHeader().getFlag(Flags.QR)).as("%s SOA answer", transport).isTrue();
      assertSoa(soa);
      Message txt = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(ACCOUNT_NAME), Type.TXT, DClass.IN)));
      assertThat(txtOf(txt)).as("%s TXT answer", transport).containsExactly(TOKEN);
    }
  }

  static void createAccount(TestServer s) {
    String body = """
        {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": true,
          "configuration": {"subdomain": "%s",
            "subdomainTokens": {"region1Token": "%s", "region2Token": "MS=hostile2"}}}}}
        """.formatted(ACCOUNT, TOKEN);
    assertThat(s.client(Role.ADMIN).put("/accounts/" + ACCOUNT, body).status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> stillAnswers(s));
  }

  // --- wire helpers ---

  static Message soaQuery() throws IOException {
    return Message.newQuery(Record.newRecord(Name.fromString(BASE), Type.SOA, DClass.IN));
  }

  private static byte[] withOpts(int count, int id) throws IOException {
    Message m = soaQuery();
    m.getHeader().setID(id);
    byte[] wire = m.toWire();
    byte[] opt = new OPTRecord(1232, 0, 0).toWire(Section.ADDITIONAL);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(wire, 0, wire.length);
    for (int i = 0; i < count; i++) {
      out.write(opt, 0, opt.length);
    }
    byte[] packet = out.toByteArray();
    packet[10] = (byte) (count >>> 8);
    packet[11] = (byte) count;
    return packet;
  }

  static byte[] withId(byte[] wire, int id) {
    wire[0] = (byte) (id >>> 8);
    wire[1] = (byte) id;
    return wire;
  }

  static byte[] hex(String spaced) {
    return HexFormat.of().parseHex(spaced.replaceAll("\\s+", ""));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  static byte[] framed(byte[] message) {
    return concat(new byte[] {(byte) (message.length >>> 8), (byte) message.length}, message);
  }

  /** Sends one datagram; the reply, or empty when none comes within {@code wait}. */
  static Optional<byte[]> udp(int port, byte[] packet, Duration wait) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setSoTimeout((int) wait.toMillis());
      socket.send(new DatagramPacket(packet, packet.length, new InetSocketAddress("127.0.0.1", port)));
      byte[] buffer = new byte[65_535];
      DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
      try {
        socket.receive(reply);
      } catch (SocketTimeoutException silence) {
        return Optional.empty();
      }
      return Optional.of(Arrays.copyOf(buffer, reply.getLength()));
    }
  }

  static Socket tcp(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
    return socket;
  }

  static Message tcpExchange(int port, Message query) throws IOException {
    return tcpExchange(port, query, Duration.ofSeconds(2));
  }

  /** A fresh connection, one query, one answer, all within {@code within}. */
  static Message tcpExchange(int port, Message query, Duration within) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) within.toMillis());
      socket.setSoTimeout((int) within.toMillis());
      socket.getOutputStream().write(framed(query.toWire()));
      socket.getOutputStream().flush();
      Message answer = readMessage(socket.getInputStream());
      assertThat(answer.getHeader().getID()).isEqualTo(query.getHeader().getID());
      return answer;
    }
  }

  private static Message readMessage(InputStream in) throws IOException {
    int high = in.read();
    if (high < 0) {
      throw new IOException("connection closed before an answer");
    }
    return parse(readBody(in, high));
  }

  private static byte[] readBody(InputStream in, int high) throws IOException {
    int low = in.read();
    if (low < 0) {
      throw new IOException("connection closed inside a length prefix");
    }
    byte[] body = in.readNBytes((high << 8) | low);
    if (body.length != ((high << 8) | low)) {
      throw new IOException("connection closed inside a message");
    }
    return body;
  }

  /**
   * Waits until the server closes {@code socket} (end of stream or reset), failing if it sends
   * anything or stays open for {@code atMost}; returns the time since {@code startNanos}.
   */
  private static Duration closedWithin(Socket socket, Duration atMost, long startNanos) throws IOException {
    socket.setSoTimeout((int) atMost.toMillis());
    int read;
    try {
      read = socket.getInputStream().read();
    } catch (SocketTimeoutException stillOpen) {
      return fail("the server kept the connection open for " + atMost);
    } catch (SocketException reset) {
      read = -1;
    }
    assertThat(read).as("the server sends nothing before closing").isEqualTo(-1);
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
