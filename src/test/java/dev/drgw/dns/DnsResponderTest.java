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
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The DNS decisions, without sockets: a query message in, the response message out. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsResponderTest {

  private DnsResponder responder;
  private ZoneData zone;

  @BeforeAll
  void zone() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("DRGW_BASE_DOMAIN", "gw.example.net");
    env.put("DRGW_REGION1_SIP_ADDRESSES", "192.0.2.1, 2001:db8::1");
    env.put("DRGW_REGION2_SIP_ADDRESSES", "192.0.2.2");
    env.put("DRGW_DNS_NAME_SERVERS", "ns1=192.0.2.53, ns2.example.org");
    env.put("DRGW_DNS_NEGATIVE_TTL", "60");
    env.put("DRGW_DNS_TTL", "300");
    env.put("DRGW_DNS_STATIC_RECORDS", "provapi IN A 192.0.2.10;;_sip._tcp 600 IN SRV 10 0 5061 sbc.example.org.");
    DnsSettings settings = ConfigLoader.load(env, Optional.empty()).dns();
    DeploymentNames names = new DeploymentNames("gw.example.net", 2, "1r%d");
    RoutingSnapshot snapshot =
        RoutingSnapshot.empty()
            .apply(
                List.of(
                    set(1, account("contoso", "Contoso", true)),
                    set(2, account("fabrikam", "fabrikam", false))));
    zone = new ZoneData(new ZoneData.Fixed(settings, names), snapshot);
    responder = new DnsResponder(() -> zone, 1232);
  }

  private static ChangeSet set(long seq, Account account) {
    return new ChangeSet(seq, Instant.EPOCH, account.name(), "t", null, List.of(new Change.AccountPut(account)));
  }

  private static Account account(String name, String label, boolean enabled) {
    return new Account(
        name, null, null,
        new DirectRouting(true, enabled, new DirectRoutingConfig(true, label, "MS=" + name + "1", "MS=" + name + "2")),
        null);
  }

  private Message ask(String name, int type) throws Exception {
    Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    return responder.respond(new Message(query.toWire()));
  }

  private static String answers(Message m, int section) {
    return m.getSection(section).stream()
        .map(r -> Type.string(r.getType()) + " " + r.rdataToString())
        .sorted()
        .collect(Collectors.joining(" | "));
  }

  @ParameterizedTest(name = "{0} {1} -> {2} [{3}]")
  @CsvSource(
      delimiter = ';',
      value = {
        "contoso.1r1.gw.example.net.; TXT; NOERROR; TXT MS=contoso1",
        "contoso.1r2.gw.example.net.; TXT; NOERROR; TXT MS=contoso2",
        "contoso.1r1.gw.example.net.; A; NOERROR; A 192.0.2.1",
        "contoso.1r1.gw.example.net.; AAAA; NOERROR; AAAA 2001:db8:0:0:0:0:0:1",
        "contoso.1r2.gw.example.net.; A; NOERROR; A 192.0.2.2",
        "contoso.1r2.gw.example.net.; AAAA; NOERROR; ''",
        "contoso.1r1.gw.example.net.; MX; NOERROR; ''",
        "1r1.gw.example.net.; A; NOERROR; A 192.0.2.1",
        "1r2.gw.example.net.; TXT; NOERROR; ''",
        "1r3.gw.example.net.; A; NXDOMAIN; ''",
        "fabrikam.1r1.gw.example.net.; TXT; NXDOMAIN; ''",
        "nobody.1r1.gw.example.net.; A; NXDOMAIN; ''",
        "x.contoso.1r1.gw.example.net.; A; NXDOMAIN; ''",
        "gw.example.net.; NS; NOERROR; NS ns1.gw.example.net. | NS ns2.example.org.",
        "ns1.gw.example.net.; A; NOERROR; A 192.0.2.53",
        "provapi.gw.example.net.; A; NOERROR; A 192.0.2.10",
        "_sip._tcp.gw.example.net.; SRV; NOERROR; SRV 10 0 5061 sbc.example.org.",
        "_tcp.gw.example.net.; A; NOERROR; ''",
        "missing.gw.example.net.; A; NXDOMAIN; ''",
        "example.net.; A; REFUSED; ''",
        "contoso.1r1.gw.example.com.; TXT; REFUSED; ''",
      })
  void theZoneAsTheSpecListsIt(String name, String type, String rcode, String expected) throws Exception {
    Message r = ask(name, Type.value(type));
    assertThat(Rcode.string(r.getRcode())).isEqualTo(rcode);
    assertThat(answers(r, Section.ANSWER)).isEqualTo(expected);
    if (rcode.equals("REFUSED")) {
      assertThat(r.getHeader().getFlag(Flags.AA)).isFalse();
    } else {
      assertThat(r.getHeader().getFlag(Flags.AA)).as("authoritative").isTrue();
    }
    if (expected.isEmpty() && !rcode.equals("REFUSED")) {
      // NXDOMAIN and NODATA carry the SOA, with the negative TTL (RFC 2308).
      assertThat(r.getSection(Section.AUTHORITY)).singleElement().satisfies(soa -> {
        assertThat(soa).isInstanceOf(SOARecord.class);
        assertThat(soa.getTTL()).isEqualTo(60);
        assertThat(((SOARecord) soa).getMinimum()).isEqualTo(60);
      });
    }
  }

  @Test
  void theApexSoaNamesThePrimaryAndTheContact() throws Exception {
    Message r = ask("gw.example.net.", Type.SOA);
    SOARecord soa = (SOARecord) r.getSection(Section.ANSWER).get(0);
    assertThat(soa.getHost()).hasToString("ns1.gw.example.net.");
    assertThat(soa.getAdmin()).hasToString("hostmaster.gw.example.net.");
    assertThat(soa.getSerial()).isEqualTo(2);
  }

  @Test
  void nsAnswersCarryGlueForNamesInsideTheZone() throws Exception {
    Message r = ask("gw.example.net.", Type.NS);
    assertThat(answers(r, Section.ADDITIONAL)).isEqualTo("A 192.0.2.53");
  }

  @Test
  void answersKeepTheCaseTheClientAskedWith() throws Exception {
    Message r = ask("CoNtOsO.1R1.gW.eXaMpLe.NeT.", Type.TXT);
    assertThat(r.getQuestion().getName().toString()).isEqualTo("CoNtOsO.1R1.gW.eXaMpLe.NeT.");
    assertThat(r.getSection(Section.ANSWER).get(0).getName().toString())
        .isEqualTo("CoNtOsO.1R1.gW.eXaMpLe.NeT.");
    // and on the wire, too (the answer's owner is compressed to the question)
    Message wire = new Message(r.toWire());
    assertThat(wire.getSection(Section.ANSWER).get(0).getName().toString())
        .isEqualTo("CoNtOsO.1R1.gW.eXaMpLe.NeT.");
  }

  @Test
  void anyGetsOneRrset() throws Exception {
    Message r = ask("contoso.1r1.gw.example.net.", Type.ANY);
    assertThat(r.getSection(Section.ANSWER)).isNotEmpty();
    assertThat(r.getSection(Section.ANSWER).stream().map(Record::getType).distinct()).hasSize(1);
  }

  @Test
  void ednsIsEchoedWithOurSize() throws Exception {
    Message query = Message.newQuery(Record.newRecord(Name.fromString("contoso.1r1.gw.example.net."), Type.A, DClass.IN));
    query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
    Message r = responder.respond(new Message(query.toWire()));
    assertThat(r.getOPT()).isNotNull();
    assertThat(r.getOPT().getPayloadSize()).isEqualTo(1232);
    assertThat(responder.udpLimit(query)).isEqualTo(1232);
    query.removeAllRecords(Section.ADDITIONAL);
    query.addRecord(new OPTRecord(600, 0, 0), Section.ADDITIONAL);
    assertThat(responder.udpLimit(query)).isEqualTo(600);
    query.removeAllRecords(Section.ADDITIONAL);
    assertThat(responder.udpLimit(query)).isEqualTo(512);
  }

  @Test
  void unknownEdnsVersionIsBadvers() throws Exception {
    Message query = Message.newQuery(Record.newRecord(Name.fromString("gw.example.net."), Type.SOA, DClass.IN));
    query.addRecord(new OPTRecord(1232, 0, 1), Section.ADDITIONAL);
    Message r = new Message(responder.respond(new Message(query.toWire())).toWire());
    assertThat(r.getRcode()).isEqualTo(Rcode.BADVERS);
  }

  @Test
  void otherOpcodesAreNotImplemented() throws Exception {
    Message query = Message.newQuery(Record.newRecord(Name.fromString("gw.example.net."), Type.SOA, DClass.IN));
    query.getHeader().setOpcode(Opcode.STATUS);
    assertThat(responder.respond(new Message(query.toWire())).getRcode()).isEqualTo(Rcode.NOTIMP);
  }

  @Test
  void aQueryWithoutOrWithTwoQuestionsIsFormErr() throws Exception {
    Message none = new Message();
    assertThat(responder.respond(new Message(none.toWire())).getRcode()).isEqualTo(Rcode.FORMERR);
    Message two = Message.newQuery(Record.newRecord(Name.fromString("gw.example.net."), Type.SOA, DClass.IN));
    two.addRecord(Record.newRecord(Name.fromString("gw.example.net."), Type.NS, DClass.IN), Section.QUESTION);
    assertThat(responder.respond(new Message(two.toWire())).getRcode()).isEqualTo(Rcode.FORMERR);
  }

  @Test
  void chaosClassAndTransfersOverThisPathAreRefused() throws Exception {
    Message chaos = Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, DClass.CH));
    assertThat(responder.respond(new Message(chaos.toWire())).getRcode()).isEqualTo(Rcode.REFUSED);
    Message axfr = Message.newQuery(Record.newRecord(Name.fromString("gw.example.net."), Type.AXFR, DClass.IN));
    assertThat(responder.respond(new Message(axfr.toWire())).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void aLargeAnswerIsTruncatedOverUdp() throws Exception {
    Message r = ask("gw.example.net.", Type.SOA);
    for (int i = 0; i < 60; i++) {
      r.addRecord(Record.fromString(Name.fromString("gw.example.net."), Type.TXT, DClass.IN, 300,
          "\"" + "x".repeat(20) + i + "\"", Name.root), Section.ANSWER);
    }
    Message truncated = new Message(r.toWire(512));
    assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(r.toWire(512).length).isLessThanOrEqualTo(512);
  }

  @Test
  void formErrKeepsTheIdAndNeverAnswersAResponse() {
    byte[] query = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0};
    byte[] formErr = DnsResponder.formErr(query, query.length);
    assertThat(formErr).hasSize(12);
    assertThat(formErr[0]).isEqualTo((byte) 0x12);
    assertThat(formErr[1]).isEqualTo((byte) 0x34);
    assertThat(formErr[3] & 0xF).isEqualTo(Rcode.FORMERR);
    assertThat(DnsResponder.formErr(query, 11)).isNull();
    byte[] response = query.clone();
    response[2] = (byte) 0x81;
    assertThat(DnsResponder.formErr(response, response.length)).isNull();
  }

  @Test
  void theZoneTransferStartsAndEndsWithTheSoaAndHoldsEveryName() throws Exception {
    Message query = Message.newQuery(Record.newRecord(Name.fromString("gw.example.net."), Type.AXFR, DClass.IN));
    List<Record> records = new java.util.ArrayList<>();
    ZoneTransfer.stream(zone, query, m -> records.addAll(m.getSection(Section.ANSWER)));
    assertThat(records.get(0)).isInstanceOf(SOARecord.class);
    assertThat(records.get(records.size() - 1)).isInstanceOf(SOARecord.class);
    String all = records.stream().map(Record::toString).collect(Collectors.joining("\n"));
    assertThat(all)
        .contains("Contoso.1r1.gw.example.net.\t300\tIN\tTXT\tMS=contoso1")
        .contains("Contoso.1r2.gw.example.net.\t300\tIN\tA\t192.0.2.2")
        .contains("provapi.gw.example.net.")
        .doesNotContain("fabrikam");
  }

  @Test
  void anIxfrFromAnUpToDateSecondaryGetsTheSoaAlone() throws Exception {
    long serial = zone.soa().getSerial();
    for (long theirs : new long[] {serial, serial + 5}) {
      Message query = Message.newQuery(Record.newRecord(Name.fromString("gw.example.net."), Type.IXFR, DClass.IN));
      query.addRecord(new SOARecord(Name.fromString("gw.example.net."), DClass.IN, 0,
          Name.fromString("ns1.gw.example.net."), Name.fromString("h.gw.example.net."), theirs, 1, 1, 1, 1),
          Section.AUTHORITY);
      List<Record> records = new java.util.ArrayList<>();
      ZoneTransfer.stream(zone, query, m -> records.addAll(m.getSection(Section.ANSWER)));
      assertThat(records).singleElement().isInstanceOf(SOARecord.class);
    }
    Message behind = Message.newQuery(Record.newRecord(Name.fromString("gw.example.net."), Type.IXFR, DClass.IN));
    behind.addRecord(new SOARecord(Name.fromString("gw.example.net."), DClass.IN, 0,
        Name.fromString("ns1.gw.example.net."), Name.fromString("h.gw.example.net."), serial - 1, 1, 1, 1, 1),
        Section.AUTHORITY);
    List<Record> full = new java.util.ArrayList<>();
    ZoneTransfer.stream(zone, behind, m -> full.addAll(m.getSection(Section.ANSWER)));
    assertThat(full.size()).isGreaterThan(10);
  }

  @Test
  void aLargeZoneIsTransferredInSeveralMessagesUnder64Kilobytes() throws Exception {
    var snapshot = RoutingSnapshot.empty();
    List<ChangeSet> sets = new java.util.ArrayList<>();
    for (int i = 1; i <= 2_000; i++) {
      sets.add(set(i, account("big" + i, "b" + i, true)));
    }
    ZoneData big = new ZoneData(zone.fixed(), snapshot.apply(sets));
    Message query = Message.newQuery(Record.newRecord(Name.fromString("gw.example.net."), Type.AXFR, DClass.IN));
    List<Message> messages = new java.util.ArrayList<>();
    ZoneTransfer.stream(big, query, messages::add);
    assertThat(messages.size()).isGreaterThan(5);
    int records = 0;
    for (Message m : messages) {
      byte[] wire = m.toWire(65_535);
      assertThat(wire.length).isLessThanOrEqualTo(16_000);
      assertThat(new Message(wire).getHeader().getFlag(Flags.TC)).isFalse();
      records += m.getSection(Section.ANSWER).size();
    }
    // SOA, 2 NS, glue, 2 statics, 3 region addresses, 2,000 accounts x (3 + 2) records, SOA
    assertThat(records).isEqualTo(1 + 2 + 1 + 2 + 3 + 2_000 * 5 + 1);
  }
}
