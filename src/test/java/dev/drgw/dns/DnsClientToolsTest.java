package dev.drgw.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.TestServer;
import dev.drgw.testing.Tools;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The DNS server as resolvers and operators meet it: dig, kdig and dnsperf run as processes
 * against the whole server on loopback, one case per protocol behaviour of the DNS contract.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsClientToolsTest {

  private static final String BASE = "gw.example.net";
  private static final String EDNS_1232 = "; EDNS: version: 0, flags:; udp: 1232";
  private static final List<String> BIG = texts("big", 40);
  private static final List<String> MID = texts("mid", 10);

  private final ObjectMapper json = new ObjectMapper();
  private final BlockingQueue<Message> notifies = new LinkedBlockingQueue<>();
  private DatagramSocket secondary;
  private TestServer server;
  private String dig;

  @BeforeAll
  void start() throws Exception {
    dig = Tools.require("dig", "bind9-dnsutils");
    secondary = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
    Thread acks = new Thread(this::actAsSecondary, "dns-test-secondary");
    acks.setDaemon(true);
    acks.start();
    server =
        TestServer.start(
            Map.of(
                "DRGW_BASE_DOMAIN", BASE,
                "DRGW_REGION1_SIP_ADDRESSES", "192.0.2.1, 2001:db8::1",
                "DRGW_REGION2_SIP_ADDRESSES", "192.0.2.2",
                "DRGW_DNS_NAME_SERVERS", "ns1=192.0.2.53, ns2.example.org",
                "DRGW_DNS_NEGATIVE_TTL", "60",
                "DRGW_DNS_STATIC_RECORDS", staticRecords(),
                "DRGW_DNS_TRANSFER_ALLOW", "127.0.0.1",
                "DRGW_DNS_NOTIFY", "127.0.0.1:" + secondary.getLocalPort(),
                "DRGW_DNS_TCP_IDLE_TIMEOUT", "2s"));
    ApiClient api = server.client(Role.ADMIN);
    assertThat(api.put("/accounts/contoso", account("contoso", "MS=ms10000001", "MS=ms10000002", true)).status())
        .isEqualTo(201);
    assertThat(api.put("/accounts/tailspin", account("tailspin", "MS=ms90000001", "MS=ms90000002", false)).status())
        .isEqualTo(201);
    assertThat(api.put("/accounts/fabrikam", account("fabrikam", "MS=ms20000001", "MS=ms20000002", true)).status())
        .isEqualTo(201);
    // Accounts reach the zone in commit order: once fabrikam is served, so are the others.
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> dig("fabrikam.1r2." + BASE, "TXT").answer().size() == 1);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (secondary != null) {
      secondary.close();
    }
  }

  private static String account(String label, String token1, String token2, boolean enabled) {
    return """
        {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": %s,
          "configuration": {"subdomain": "%s",
            "subdomainTokens": {"region1Token": "%s", "region2Token": "%s"}}}}}
        """.formatted(enabled, label, token1, token2);
  }

  /** {@code count} distinct 60-character strings: {@code big00-xxx...}, {@code big01-xxx...}. */
  private static List<String> texts(String owner, int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> String.format("%s%02d-", owner, i))
        .map(prefix -> prefix + "x".repeat(60 - prefix.length()))
        .toList();
  }

  private static String staticRecords() {
    List<String> lines = new ArrayList<>();
    lines.add("_sip._tcp 600 IN SRV 10 0 5061 sbc.example.org.");
    lines.add("provapi IN A 192.0.2.10");
    BIG.forEach(text -> lines.add("big IN TXT \"" + text + "\""));
    MID.forEach(text -> lines.add("mid IN TXT \"" + text + "\""));
    return String.join(";;", lines);
  }

  private static List<String> quoted(List<String> texts) {
    return texts.stream().map(t -> "\"" + t + "\"").toList();
  }

  // ---------------------------------------------------------------- answers

  @ParameterizedTest(name = "{0} {1} -> {2} {3}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '\'',
      textBlock = """
          contoso.1r1.gw.example.net;  TXT;  300; "MS=ms10000001"
          contoso.1r2.gw.example.net;  TXT;  300; "MS=ms10000002"
          fabrikam.1r1.gw.example.net; TXT;  300; "MS=ms20000001"
          fabrikam.1r2.gw.example.net; TXT;  300; "MS=ms20000002"
          contoso.1r1.gw.example.net;  A;    300; 192.0.2.1
          contoso.1r1.gw.example.net;  AAAA; 300; 2001:db8::1
          contoso.1r2.gw.example.net;  A;    300; 192.0.2.2
          1r1.gw.example.net;          A;    300; 192.0.2.1
          1r1.gw.example.net;          AAAA; 300; 2001:db8::1
          1r2.gw.example.net;          A;    300; 192.0.2.2
          ns1.gw.example.net;          A;    300; 192.0.2.53
          provapi.gw.example.net;      A;    300; 192.0.2.10
          _sip._tcp.gw.example.net;    SRV;  600; 10 0 5061 sbc.example.org.
          """)
  void theZoneIsAnsweredAuthoritatively(String name, String type, long ttl, String rdata) {
    Dig d = dig(name, type);
    assertThat(d.status()).as("%s", d).isEqualTo("NOERROR");
    assertThat(d.flags()).as("aa set, no ra: %s", d).isEqualTo("qr aa rd");
    assertThat(d.answer()).as("%s", d).containsExactly(new Rr(name + ".", ttl, type, rdata));
    assertThat(d.authority()).as("%s", d).isEmpty();
    assertThat(d.edns()).as("%s", d).contains(EDNS_1232);
    assertThat(d.transport()).as("%s", d).isEqualTo("UDP");
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '\'',
      textBlock = """
          nobody.1r1.gw.example.net;    TXT;  NXDOMAIN
          x.contoso.1r1.gw.example.net; A;    NXDOMAIN
          tailspin.1r1.gw.example.net;  TXT;  NXDOMAIN
          contoso.1r3.gw.example.net;   TXT;  NXDOMAIN
          missing.gw.example.net;       A;    NXDOMAIN
          contoso.1r1.gw.example.net;   MX;   NOERROR
          contoso.1r2.gw.example.net;   AAAA; NOERROR
          _tcp.gw.example.net;          A;    NOERROR
          _tcp.gw.example.net;          TXT;  NOERROR
          1r2.gw.example.net;           TXT;  NOERROR
          provapi.gw.example.net;       AAAA; NOERROR
          """)
  void negativeAnswersCarryTheSoaWithTheNegativeTtl(String name, String type, String status) {
    Dig d = dig(name, type);
    assertThat(d.status()).as("%s", d).isEqualTo(status);
    assertThat(d.flags()).as("%s", d).isEqualTo("qr aa rd");
    assertThat(d.answer()).as("%s", d).isEmpty();
    assertThat(d.authority()).as("%s", d).singleElement().satisfies(soa -> {
      assertThat(soa.owner()).isEqualTo(BASE + ".");
      assertThat(soa.type()).isEqualTo("SOA");
      assertThat(soa.ttl()).as("negative TTL").isEqualTo(60);
      assertThat(soa.rdata())
          .matches("ns1\\.gw\\.example\\.net\\. hostmaster\\.gw\\.example\\.net\\. \\d+ 3600 600 1209600 60");
    });
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "example.org, A",
    "other.net, TXT",
    "example.net, SOA",
    "contoso.1r1.gw.example.com, TXT",
  })
  void namesOutsideTheZoneAreRefused(String name, String type) {
    Dig d = dig(name, type);
    assertThat(d.status()).as("%s", d).isEqualTo("REFUSED");
    assertThat(d.flags()).as("not authoritative: %s", d).isEqualTo("qr rd");
    assertThat(d.answer()).as("%s", d).isEmpty();
    assertThat(d.authority()).as("%s", d).isEmpty();
  }

  @Test
  void theApexNsComesWithGlueForTheNameInsideTheZone() {
    Dig d = dig(BASE, "NS");
    assertThat(d.flags()).as("%s", d).isEqualTo("qr aa rd");
    assertThat(d.answer()).as("%s", d).containsExactlyInAnyOrder(
        new Rr("gw.example.net.", 300, "NS", "ns1.gw.example.net."),
        new Rr("gw.example.net.", 300, "NS", "ns2.example.org."));
    assertThat(d.additional()).as("%s", d).containsExactly(new Rr("ns1.gw.example.net.", 300, "A", "192.0.2.53"));
  }

  @Test
  void theSoaNamesThePrimaryTheContactAndTheTimers() {
    Dig d = dig(BASE, "SOA");
    assertThat(d.flags()).as("%s", d).isEqualTo("qr aa rd");
    assertThat(d.answer()).as("%s", d).singleElement().satisfies(soa -> {
      assertThat(soa.owner()).isEqualTo("gw.example.net.");
      assertThat(soa.ttl()).isEqualTo(300);
      String[] f = soa.rdata().split(" ");
      assertThat(f).containsExactly("ns1.gw.example.net.", "hostmaster.gw.example.net.", f[2], "3600", "600", "1209600", "60");
      assertThat(Long.parseLong(f[2])).as("serial").isPositive();
    });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '\'',
      textBlock = """
          CoNtOsO.1R1.gW.eXaMpLe.NeT;  TXT; "MS=ms10000001"
          FABRIKAM.1R2.GW.EXAMPLE.NET; TXT; "MS=ms20000002"
          pRoVaPi.Gw.ExAmPlE.nEt;      A;   192.0.2.10
          """)
  void answersKeepTheCaseOfTheQuestion(String name, String type, String rdata) {
    // Lower case first, so that an answer kept from it has to come back in each new case.
    for (String asked : List.of(name.toLowerCase(Locale.ROOT), name, name.toUpperCase(Locale.ROOT))) {
      Dig d = dig(asked, type);
      assertThat(d.status()).as("%s", d).isEqualTo("NOERROR");
      assertThat(d.answer()).as("%s", d).containsExactly(new Rr(asked + ".", 300, type, rdata));
    }
  }

  @ParameterizedTest(name = "{0} ANY {1}")
  @CsvSource({
    "contoso.1r1.gw.example.net, +notcp, UDP",
    "gw.example.net, +notcp, UDP",
    "1r1.gw.example.net, +notcp, UDP",
    "contoso.1r1.gw.example.net, +tcp, TCP",
  })
  void anyGetsOneWholeRrset(String name, String option, String transport) {
    Dig any = dig(name, "ANY", option);
    assertThat(any.transport()).as("%s", any).isEqualTo(transport);
    assertThat(any.status()).as("%s", any).isEqualTo("NOERROR");
    assertThat(any.flags()).as("%s", any).isEqualTo("qr aa rd");
    Set<String> types = any.answer().stream().map(Rr::type).collect(Collectors.toSet());
    assertThat(types).as("one RRset (RFC 8482): %s", any).hasSize(1);
    Dig same = dig(name, types.iterator().next());
    assertThat(any.answer()).as("the whole RRset: %s\n%s", any, same).containsExactlyInAnyOrderElementsOf(same.answer());
  }

  // ---------------------------------------------------------------- transports and flags

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "contoso.1r1.gw.example.net, TXT",
    "contoso.1r1.gw.example.net, AAAA",
    "gw.example.net, NS",
    "nobody.1r1.gw.example.net, A",
    "_tcp.gw.example.net, A",
    "example.org, A",
  })
  void tcpGivesTheSameAnswersAsUdp(String name, String type) {
    Dig udp = dig(name, type);
    Dig tcp = dig(name, type, "+tcp");
    assertThat(udp.transport()).as("%s", udp).isEqualTo("UDP");
    assertThat(tcp.transport()).as("%s", tcp).isEqualTo("TCP");
    assertSameResponse(tcp, udp);
    assertThat(tcp.edns()).as("%s", tcp).contains(EDNS_1232);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "contoso.1r1.gw.example.net, TXT",
    "nobody.1r1.gw.example.net, A",
    "_tcp.gw.example.net, TXT",
    "example.org, A",
  })
  void withoutRecursionDesiredTheAnswerIsTheSame(String name, String type) {
    Dig rd = dig(name, type);
    Dig norec = dig(name, type, "+norec");
    assertThat(norec.flags()).as("%s", norec).isEqualTo(rd.flags().replace(" rd", "")).doesNotContain("ra");
    assertThat(rd.flags()).as("%s", rd).doesNotContain("ra");
    assertThat(norec.status()).as("%s", norec).isEqualTo(rd.status());
    assertThat(norec.answer()).as("%s", norec).isEqualTo(rd.answer());
    assertThat(norec.authority()).as("%s", norec).isEqualTo(rd.authority());
  }

  private static void assertSameResponse(Dig actual, Dig expected) {
    assertThat(actual.status()).as("%s\n%s", actual, expected).isEqualTo(expected.status());
    assertThat(actual.flags()).as("%s\n%s", actual, expected).isEqualTo(expected.flags());
    assertThat(actual.answer()).as("%s\n%s", actual, expected).containsExactlyInAnyOrderElementsOf(expected.answer());
    assertThat(actual.authority()).as("%s\n%s", actual, expected).isEqualTo(expected.authority());
    assertThat(actual.additional()).as("%s\n%s", actual, expected).isEqualTo(expected.additional());
  }

  @ParameterizedTest(name = "{0} {1}: tc={2}, at most {3} bytes")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '\'',
      textBlock = """
          mid; +bufsize=512;  true;  512
          mid; +bufsize=1232; false; 1232
          mid; +bufsize=4096; false; 1232
          mid; +noedns;       true;  512
          big; +bufsize=1232; true;  1232
          big; +bufsize=4096; true;  1232
          """)
  void overUdpTheClientsSizeIsHonouredUpTo1232(String label, String option, boolean truncated, int limit) {
    Dig d = dig(label + "." + BASE, "TXT", option, "+ignore");
    assertThat(d.status()).as("%s", d).isEqualTo("NOERROR");
    assertThat(d.transport()).as("%s", d).isEqualTo("UDP");
    assertThat(d.size()).as("%s", d).isPositive().isLessThanOrEqualTo(limit);
    assertThat(d.flags()).as("%s", d).isEqualTo(truncated ? "qr aa tc rd" : "qr aa rd");
    if (!truncated) {
      assertThat(d.answer().stream().map(Rr::rdata)).as("%s", d).containsExactlyInAnyOrderElementsOf(quoted(MID));
    }
    if (option.equals("+noedns")) {
      assertThat(d.edns()).as("no OPT without one in the query: %s", d).isEmpty();
    } else {
      assertThat(d.edns()).as("our size echoed, whatever the client offers: %s", d).contains(EDNS_1232);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"big, +bufsize=512", "big, +bufsize=4096", "big, +noedns", "mid, +bufsize=512"})
  void digRetriesATruncatedAnswerOverTcpAndGetsEveryRecord(String label, String option) {
    Dig d = dig(label + "." + BASE, "TXT", option);
    List<String> expected = quoted(label.equals("big") ? BIG : MID);
    assertThat(d.run().output()).as("%s", d).contains(";; Truncated, retrying in TCP mode.");
    assertThat(d.transport()).as("%s", d).isEqualTo("TCP");
    assertThat(d.flags()).as("%s", d).isEqualTo("qr aa rd");
    assertThat(d.answer()).as("%s", d).hasSize(expected.size())
        .allSatisfy(rr -> assertThat(rr.owner()).isEqualTo(label + "." + BASE + "."));
    assertThat(d.answer().stream().map(Rr::rdata)).as("%s", d).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void anEdnsVersionOtherThanZeroIsBadvers() {
    Dig strict = dig(BASE, "SOA", "+edns=1", "+noednsnegotiation");
    assertThat(strict.status()).as("%s", strict).isEqualTo("BADVERS");
    assertThat(strict.edns()).as("answered with the version we speak: %s", strict).contains(EDNS_1232);
    assertThat(strict.answer()).as("%s", strict).isEmpty();

    Dig negotiating = dig(BASE, "SOA", "+edns=1");
    assertThat(negotiating.run().output()).as("%s", negotiating).contains(";; BADVERS, retrying with EDNS version 0.");
    assertThat(negotiating.status()).as("%s", negotiating).isEqualTo("NOERROR");
    assertThat(negotiating.answer()).as("%s", negotiating).singleElement().extracting(Rr::type).isEqualTo("SOA");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '\'',
      textBlock = """
          +opcode=status gw.example.net SOA; NOTIMP
          +opcode=15 gw.example.net SOA;     NOTIMP
          +header-only gw.example.net SOA;   FORMERR
          -c CH version.bind TXT;            REFUSED
          """)
  void queriesThatCannotBeAnsweredGetAnErrorCode(String args, String status) {
    Dig d = dig(args.split(" "));
    assertThat(d.status()).as("%s", d).isEqualTo(status);
    assertThat(d.flags()).as("%s", d).isEqualTo("qr rd");
    assertThat(d.answer()).as("%s", d).isEmpty();
  }

  @Test
  void malformedPacketsGetFormErrOrSilenceAndTheServerCarriesOn() throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.dnsPort()));
      socket.setSoTimeout(2000);
      byte[] badPointer = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0};
      byte[] formErr = exchange(socket, badPointer);
      assertThat(formErr).hasSize(12);
      Message reply = new Message(formErr);
      assertThat(reply.getHeader().getID()).isEqualTo(0x1234);
      assertThat(reply.getHeader().getFlag(Flags.QR)).isTrue();
      assertThat(reply.getRcode()).isEqualTo(Rcode.FORMERR);

      socket.setSoTimeout(500);
      byte[] tooShort = {0x12, 0x34, 0x01, 0x00, 0};
      assertThatThrownBy(() -> exchange(socket, tooShort)).as("no answer to 5 bytes").isInstanceOf(SocketTimeoutException.class);
      Message response = query(0x4321, "contoso.1r1." + BASE + ".", Type.TXT);
      response.getHeader().setFlag(Flags.QR);
      assertThatThrownBy(() -> exchange(socket, response.toWire())).as("no answer to a response")
          .isInstanceOf(SocketTimeoutException.class);
    }
    Dig after = dig("contoso.1r1." + BASE, "TXT");
    assertThat(after.answer()).as("%s", after).containsExactly(
        new Rr("contoso.1r1.gw.example.net.", 300, "TXT", "\"MS=ms10000001\""));
  }

  @Test
  void oneTcpConnectionCarriesSeveralQueriesAndIsClosedWhenIdle() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.dnsPort())) {
      socket.setSoTimeout(10_000);
      ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
      frame(pipelined, new byte[] {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0});
      frame(pipelined, query(1, "contoso.1r1." + BASE + ".", Type.TXT).toWire());
      frame(pipelined, query(2, "nobody.1r1." + BASE + ".", Type.A).toWire());
      socket.getOutputStream().write(pipelined.toByteArray());
      DataInputStream in = new DataInputStream(socket.getInputStream());

      Message malformed = readFramed(in);
      assertThat(malformed.getHeader().getID()).isEqualTo(0x1234);
      assertThat(malformed.getRcode()).isEqualTo(Rcode.FORMERR);
      Message txt = readFramed(in);
      assertThat(txt.getHeader().getID()).isEqualTo(1);
      assertThat(txt.getSection(Section.ANSWER)).singleElement()
          .satisfies(r -> assertThat(((TXTRecord) r).getStrings()).containsExactly("MS=ms10000001"));
      Message nx = readFramed(in);
      assertThat(nx.getHeader().getID()).isEqualTo(2);
      assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);

      long idleSince = System.nanoTime();
      assertThat(in.read()).as("the server closes the idle connection").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - idleSince))
          .as("closed after the 2 s idle timeout")
          .isBetween(Duration.ofMillis(1500), Duration.ofSeconds(8));
    }
  }

  @Test
  void digKeepsOneTcpConnectionOpenForSeveralQueries() {
    Dig d = dig("+tcp", "+keepopen", "contoso.1r1." + BASE, "TXT", "1r2." + BASE, "A", BASE, "NS");
    assertThat(d.transport()).as("%s", d).isEqualTo("TCP");
    assertThat(d.answer()).as("%s", d).containsExactly(
        new Rr("contoso.1r1.gw.example.net.", 300, "TXT", "\"MS=ms10000001\""),
        new Rr("1r2.gw.example.net.", 300, "A", "192.0.2.2"),
        new Rr("gw.example.net.", 300, "NS", "ns1.gw.example.net."),
        new Rr("gw.example.net.", 300, "NS", "ns2.example.org."));
  }

  // ---------------------------------------------------------------- transfers and NOTIFY

  @Test
  void axfrToAnAllowedAddressListsTheWholeZoneBetweenTwoSoas() {
    Dig axfr = dig(BASE, "AXFR");
    List<Rr> records = axfr.answer();
    Rr soa = dig(BASE, "SOA").answer().get(0);
    assertThat(records).as("%s", axfr).isNotEmpty();
    assertThat(records.get(0)).as("first: %s", axfr).isEqualTo(soa);
    assertThat(records.get(records.size() - 1)).as("last: %s", axfr).isEqualTo(soa);
    assertThat(records.stream().filter(r -> r.type().equals("SOA"))).as("%s", axfr).hasSize(2);
    assertThat(records).as("%s", axfr).contains(
        new Rr("gw.example.net.", 300, "NS", "ns1.gw.example.net."),
        new Rr("gw.example.net.", 300, "NS", "ns2.example.org."),
        new Rr("ns1.gw.example.net.", 300, "A", "192.0.2.53"),
        new Rr("1r1.gw.example.net.", 300, "A", "192.0.2.1"),
        new Rr("1r1.gw.example.net.", 300, "AAAA", "2001:db8::1"),
        new Rr("1r2.gw.example.net.", 300, "A", "192.0.2.2"),
        new Rr("provapi.gw.example.net.", 300, "A", "192.0.2.10"),
        new Rr("_sip._tcp.gw.example.net.", 600, "SRV", "10 0 5061 sbc.example.org."),
        new Rr("contoso.1r1.gw.example.net.", 300, "TXT", "\"MS=ms10000001\""),
        new Rr("contoso.1r2.gw.example.net.", 300, "TXT", "\"MS=ms10000002\""),
        new Rr("fabrikam.1r1.gw.example.net.", 300, "TXT", "\"MS=ms20000001\""),
        new Rr("fabrikam.1r2.gw.example.net.", 300, "TXT", "\"MS=ms20000002\""),
        new Rr("contoso.1r1.gw.example.net.", 300, "AAAA", "2001:db8::1"),
        new Rr("fabrikam.1r2.gw.example.net.", 300, "A", "192.0.2.2"));
    assertThat(records.stream().filter(r -> r.owner().equals("big.gw.example.net.")).map(Rr::rdata))
        .as("%s", axfr).containsExactlyInAnyOrderElementsOf(quoted(BIG));
    assertThat(records).as("Direct Routing disabled: %s", axfr).noneMatch(r -> r.owner().startsWith("tailspin."));
    assertThat(axfr.transferred()).as("%s", axfr).isEqualTo(records.size());
  }

  @Test
  void ixfrFromAnOldSerialGetsTheWholeZone() {
    Dig axfr = dig(BASE, "AXFR");
    Dig ixfr = dig(BASE, "IXFR=0");
    List<Rr> records = ixfr.answer();
    assertThat(records).as("%s", ixfr).isNotEmpty();
    assertThat(records.get(0).type()).as("%s", ixfr).isEqualTo("SOA");
    assertThat(records.get(records.size() - 1)).as("%s", ixfr).isEqualTo(records.get(0));
    assertThat(records).as("%s\n%s", ixfr, axfr).containsExactlyInAnyOrderElementsOf(axfr.answer());
  }

  @Test
  void axfrFromAnAddressNotAllowedIsRefused() {
    Dig d = dig("-b", "127.0.0.2", BASE, "AXFR");
    assertThat(d.status()).as("%s", d).isEqualTo("REFUSED");
    assertThat(d.run().output()).as("%s", d).contains("; Transfer failed.");
    assertThat(d.answer()).as("%s", d).isEmpty();
  }

  @Test
  void aChangeIsNotifiedToTheSecondaryWithTheNewSerial() throws Exception {
    server.client(Role.ADMIN).put("/accounts/notified", account("notified", "MS=ms30000001", "MS=ms30000002", true));
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
        .until(() -> dig("notified.1r1." + BASE, "TXT").answer().size() == 1);
    long serial = Long.parseLong(dig(BASE, "SOA").answer().get(0).rdata().split(" ")[2]);
    Message notify;
    do {
      notify = notifies.poll(10, TimeUnit.SECONDS);
      assertThat(notify).as("a NOTIFY of serial %d", serial).isNotNull();
    } while (((SOARecord) notify.getSection(Section.ANSWER).get(0)).getSerial() < serial);
    assertThat(notify.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
    assertThat(notify.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(notify.getQuestion().getName()).hasToString(BASE + ".");
    assertThat(notify.getQuestion().getType()).isEqualTo(Type.SOA);
    assertThat(((SOARecord) notify.getSection(Section.ANSWER).get(0)).getSerial()).isEqualTo(serial);
  }

  /** Acknowledges every NOTIFY as a secondary does, and keeps it for the test to look at. */
  private void actAsSecondary() {
    byte[] buffer = new byte[4096];
    while (!secondary.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        secondary.receive(packet);
        Message notify = new Message(Arrays.copyOf(buffer, packet.getLength()));
        notifies.add(notify);
        Message ack = new Message(notify.getHeader().getID());
        ack.getHeader().setFlag(Flags.QR);
        ack.getHeader().setOpcode(Opcode.NOTIFY);
        if (notify.getQuestion() != null) {
          ack.addRecord(notify.getQuestion(), Section.QUESTION);
        }
        byte[] wire = ack.toWire();
        secondary.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
      } catch (IOException e) {
        // closed at the end of the class, or not a DNS message: keep listening while open
      }
    }
  }

  // ---------------------------------------------------------------- kdig

  @ParameterizedTest
  @ValueSource(strings = {"+tcp", "+nsid", "+tcp +nsid"})
  void kdigGetsTheTokenAuthoritatively(String options) {
    Kdig k = kdig(options + " contoso.1r1.gw.example.net TXT");
    JsonNode m = k.json();
    assertThat(m.path("RCODE").asInt()).as("%s", k).isZero();
    assertThat(m.path("AA").asInt()).as("%s", k).isEqualTo(1);
    assertThat(m.path("RA").asInt()).as("%s", k).isZero();
    assertThat(m.path("TC").asInt()).as("%s", k).isZero();
    assertThat(m.path("answerRRs")).as("%s", k).singleElement().satisfies(rr -> {
      assertThat(rr.path("NAME").asText()).isEqualTo("contoso.1r1.gw.example.net.");
      assertThat(rr.path("TTL").asInt()).isEqualTo(300);
      assertThat(rr.path("rdataTXT").asText()).isEqualTo("\"MS=ms10000001\"");
    });
    if (options.contains("+nsid")) {
      assertThat(m.path("additionalRRs")).as("OPT echoed, NSID ignored: %s", k).singleElement().satisfies(opt -> {
        assertThat(opt.path("TYPEname").asText()).isEqualTo("OPT");
        assertThat(opt.path("CLASS").asInt()).as("UDP size").isEqualTo(1232);
        assertThat(opt.path("RDLENGTH").asInt()).as("no options").isZero();
      });
    } else {
      assertThat(m.path("ARCOUNT").asInt()).as("no OPT without one in the query: %s", k).isZero();
    }
  }

  @ParameterizedTest(name = "{0} {1} -> rcode {2}")
  @CsvSource({"nobody.1r1.gw.example.net, TXT, 3", "contoso.1r1.gw.example.net, MX, 0"})
  void kdigSeesNegativeAnswersWithTheSoa(String name, String type, int rcode) {
    Kdig k = kdig("+tcp " + name + " " + type);
    JsonNode m = k.json();
    assertThat(m.path("RCODE").asInt()).as("%s", k).isEqualTo(rcode);
    assertThat(m.path("AA").asInt()).as("%s", k).isEqualTo(1);
    assertThat(m.path("ANCOUNT").asInt()).as("%s", k).isZero();
    assertThat(m.path("authorityRRs")).as("%s", k).singleElement().satisfies(soa -> {
      assertThat(soa.path("NAME").asText()).isEqualTo("gw.example.net.");
      assertThat(soa.path("TYPEname").asText()).isEqualTo("SOA");
      assertThat(soa.path("TTL").asInt()).isEqualTo(60);
    });
  }

  @Test
  void kdigTransfersTheZone() {
    Kdig k = kdig("gw.example.net AXFR");
    List<JsonNode> records = new ArrayList<>();
    k.json().forEach(message -> message.path("answerRRs").forEach(records::add));
    assertThat(records).as("%s", k).isNotEmpty();
    assertThat(records.get(0).path("TYPEname").asText()).as("%s", k).isEqualTo("SOA");
    assertThat(records.get(records.size() - 1)).as("%s", k).isEqualTo(records.get(0));
    assertThat(records.stream()
            .filter(r -> r.path("TYPEname").asText().equals("TXT") && r.path("NAME").asText().endsWith(".1r1.gw.example.net."))
            .map(r -> r.path("NAME").asText() + " " + r.path("rdataTXT").asText()))
        .as("%s", k)
        .contains("contoso.1r1.gw.example.net. \"MS=ms10000001\"", "fabrikam.1r1.gw.example.net. \"MS=ms20000001\"");
  }

  // ---------------------------------------------------------------- dnsperf

  @Test
  void dnsperfLosesNoQueriesAtTwoThousandPerSecond(@TempDir Path dir) throws Exception {
    String dnsperf = Tools.require("dnsperf", "dnsperf");
    List<String> existing =
        List.of("contoso.1r1.gw.example.net TXT", "contoso.1r2.gw.example.net A", "fabrikam.1r1.gw.example.net TXT",
            "1r1.gw.example.net AAAA", "gw.example.net SOA");
    List<String> missing =
        List.of("nobody.1r1.gw.example.net A", "x.contoso.1r1.gw.example.net TXT", "missing.gw.example.net TXT");
    Path queries = dir.resolve("queries.txt");
    Files.write(queries, Stream.concat(existing.stream(), missing.stream()).toList());
    Run run = run(List.of(dnsperf, "-s", "127.0.0.1", "-p", String.valueOf(server.dnsPort()),
        "-d", queries.toString(), "-l", "3", "-c", "4", "-Q", "2000"));

    assertThat(run.exitCode()).as("%s", run).isZero();
    long completed = Long.parseLong(find(run, "Queries completed:\\s+(\\d+)"));
    long lost = Long.parseLong(find(run, "Queries lost:\\s+(\\d+)"));
    Map<String, Long> rcodes = new LinkedHashMap<>();
    for (String part : find(run, "Response codes:\\s+(.+)").split(",\\s*")) {
      String[] f = part.trim().split("\\s+");
      rcodes.put(f[0], Long.parseLong(f[1]));
    }
    assertThat(lost).as("%s", run).isZero();
    assertThat(completed).as("%s", run).isGreaterThanOrEqualTo(5000);
    assertThat(rcodes.keySet()).as("%s", run).containsExactlyInAnyOrder("NOERROR", "NXDOMAIN");
    assertThat(rcodes.values().stream().mapToLong(Long::longValue).sum()).as("%s", run).isEqualTo(completed);
    // dnsperf cycles through the file, so NXDOMAIN is 3 in 8 of the answers, give or take a few rounds.
    double expectedNx = completed * (double) missing.size() / (existing.size() + missing.size());
    assertThat((double) rcodes.get("NXDOMAIN")).as("%s", run).isBetween(expectedNx - 32, expectedNx + 32);
  }

  private static String find(Run run, String regex) {
    Matcher m = Pattern.compile(regex).matcher(run.output());
    assertThat(m.find()).as("/%s/ in %s", regex, run).isTrue();
    return m.group(1);
  }

  // ---------------------------------------------------------------- clients

  /** dig against the server, printing the header comments, every section and the statistics. */
  private Dig dig(String... args) {
    List<String> command = new ArrayList<>(List.of(dig, "@127.0.0.1", "-p", String.valueOf(server.dnsPort()),
        "+time=3", "+tries=2", "+noall", "+comments", "+answer", "+authority", "+additional", "+stats"));
    command.addAll(Arrays.asList(args));
    Run run = run(command);
    assertThat(run.exitCode()).as("%s", run).isZero();
    return Dig.parse(run);
  }

  /** kdig against the server with JSON output (RFC 8427); {@code args} separated by spaces. */
  private Kdig kdig(String args) {
    List<String> command = new ArrayList<>(List.of(Tools.require("kdig", "knot-dnsutils"), "@127.0.0.1", "-p",
        String.valueOf(server.dnsPort()), "+json", "+time=3", "+retry=1"));
    command.addAll(Arrays.asList(args.split(" ")));
    Run run = run(command);
    assertThat(run.exitCode()).as("%s", run).isZero();
    try {
      return new Kdig(run, json.readTree(run.output()));
    } catch (JsonProcessingException e) {
      throw new AssertionError("kdig did not print JSON:\n" + run, e);
    }
  }

  /** A finished client run; prints as its command line and output, for failure messages. */
  record Run(List<String> command, int exitCode, String output, String errors) {
    @Override
    public String toString() {
      return "$ " + String.join(" ", command) + "\n" + output + (errors.isBlank() ? "" : "stderr:\n" + errors);
    }
  }

  private static Run run(List<String> command) {
    try {
      Path out = Files.createTempFile("drgw-dns-client", ".out");
      Path err = Files.createTempFile("drgw-dns-client", ".err");
      try {
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("no result after 60 s:\n$ " + String.join(" ", command) + "\n" + Files.readString(out));
        }
        return new Run(List.copyOf(command), process.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** One record as dig prints it: owner, TTL, type, data (class IN left out). */
  record Rr(String owner, long ttl, String type, String rdata) {
    static Rr parse(String line) {
      String[] f = line.trim().split("\\s+", 5);
      return new Rr(f[0], Long.parseLong(f[1]), f[3], f[4].trim().replaceAll("\\s+", " "));
    }

    @Override
    public String toString() {
      return owner + " " + ttl + " " + type + " " + rdata;
    }
  }

  /** What dig printed, split into the parts the tests look at; prints as the command and output. */
  record Dig(
      Run run, String status, String flags, Optional<String> edns, String transport, int size, int transferred,
      List<Rr> answer, List<Rr> authority, List<Rr> additional) {

    private static final Pattern STATUS = Pattern.compile("^;; ->>HEADER<<- opcode: \\w+, status: (\\w+),");
    private static final Pattern FLAGS = Pattern.compile("^;; flags:([a-z ]*);");
    private static final Pattern SERVER = Pattern.compile("^;; SERVER: .*\\((UDP|TCP)\\)$");
    private static final Pattern SIZE = Pattern.compile("^;; MSG SIZE\\s+rcvd: (\\d+)");
    private static final Pattern XFR = Pattern.compile("^;; XFR size: (\\d+) records");

    static Dig parse(Run run) {
      String status = "";
      String flags = "";
      String transport = "";
      Optional<String> edns = Optional.empty();
      int size = -1;
      int transferred = -1;
      List<Rr> answer = new ArrayList<>();
      List<Rr> authority = new ArrayList<>();
      List<Rr> additional = new ArrayList<>();
      List<Rr> section = answer; // a transfer's records come without a section header
      for (String line : run.output().split("\n")) {
        Matcher m;
        if ((m = STATUS.matcher(line)).find()) {
          status = m.group(1);
        } else if ((m = FLAGS.matcher(line)).find()) {
          flags = m.group(1).trim();
        } else if ((m = SERVER.matcher(line)).find()) {
          transport = m.group(1);
        } else if ((m = SIZE.matcher(line)).find()) {
          size = Integer.parseInt(m.group(1));
        } else if ((m = XFR.matcher(line)).find()) {
          transferred = Integer.parseInt(m.group(1));
        } else if (line.startsWith("; EDNS:")) {
          edns = Optional.of(line.trim());
        } else if (line.startsWith(";; Got answer:") || line.startsWith(";; ANSWER SECTION:")) {
          section = answer;
        } else if (line.startsWith(";; AUTHORITY SECTION:")) {
          section = authority;
        } else if (line.startsWith(";; ADDITIONAL SECTION:")) {
          section = additional;
        } else if (!line.isBlank() && !line.startsWith(";")) {
          section.add(Rr.parse(line));
        }
      }
      return new Dig(run, status, flags, edns, transport, size, transferred, answer, authority, additional);
    }

    @Override
    public String toString() {
      return run.toString();
    }
  }

  /** kdig's JSON output; prints as the command and output. */
  record Kdig(Run run, JsonNode json) {
    @Override
    public String toString() {
      return run.toString();
    }
  }

  // ---------------------------------------------------------------- raw packets

  private static Message query(int id, String name, int type) throws IOException {
    Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    query.getHeader().setID(id);
    return query;
  }

  private static byte[] exchange(DatagramSocket socket, byte[] packet) throws IOException {
    socket.send(new DatagramPacket(packet, packet.length));
    byte[] buffer = new byte[65_535];
    DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
    socket.receive(reply);
    return Arrays.copyOf(buffer, reply.getLength());
  }

  private static void frame(ByteArrayOutputStream out, byte[] message) {
    out.write(message.length >>> 8);
    out.write(message.length & 0xFF);
    out.writeBytes(message);
  }

  private static Message readFramed(DataInputStream in) throws IOException {
    byte[] message = new byte[in.readUnsignedShort()];
    in.readFully(message);
    return new Message(message);
  }
}
