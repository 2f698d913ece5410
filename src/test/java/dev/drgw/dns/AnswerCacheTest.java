package dev.drgw.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.account.Account;
import dev.drgw.account.DeploymentNames;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.changes.Change;
import dev.drgw.changes.ChangeSet;
import dev.drgw.config.ConfigLoader;
import dev.drgw.snapshot.RoutingSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** A cached answer is byte for byte the answer the responder would give. */
class AnswerCacheTest {

  private ZoneData zone;
  private DnsResponder responder;
  private AnswerCache cache;

  @BeforeEach
  void zone() throws Exception {
    var settings = ConfigLoader.load(Map.of("DRGW_REGION1_SIP_ADDRESSES", "192.0.2.1, 2001:db8::1"), Optional.empty()).dns();
    RoutingSnapshot snapshot =
        RoutingSnapshot.empty().apply(List.of(new ChangeSet(1, Instant.EPOCH, "c", "t", null, List.of(
            new Change.AccountPut(new Account("c", null, null,
                new DirectRouting(true, true, new DirectRoutingConfig(true, "contoso", "MS=a", "MS=b")), null))))));
    zone = new ZoneData(new ZoneData.Fixed(settings, new DeploymentNames("gw.example.net", 2, "1r%d")), snapshot);
    responder = new DnsResponder(() -> zone, 1232);
    cache = new AnswerCache(1232);
  }

  private byte[] fresh(byte[] query, boolean tcp) throws Exception {
    Message q = new Message(query);
    return responder.respond(q, zone).toWire(tcp ? 65_535 : responder.udpLimit(q));
  }

  private static String randomCase(String name, Random random) {
    StringBuilder b = new StringBuilder();
    for (char c : name.toCharArray()) {
      b.append(random.nextBoolean() ? Character.toUpperCase(c) : c);
    }
    return b.toString();
  }

  @Test
  void cachedAnswersEqualFreshOnesForAnyCaseIdAndRd() throws Exception {
    Random random = new Random(7);
    String[] names = {"contoso.1r1.gw.example.net.", "contoso.1r2.gw.example.net.", "nope.1r1.gw.example.net.",
        "gw.example.net.", "example.org.", "1r1.gw.example.net."};
    int[] types = {Type.A, Type.AAAA, Type.TXT, Type.SOA, Type.NS, Type.MX, Type.ANY};
    int hits = 0;
    for (int i = 0; i < 3_000; i++) {
      Message q = Message.newQuery(Record.newRecord(
          Name.fromString(randomCase(names[random.nextInt(names.length)], random)),
          types[random.nextInt(types.length)], DClass.IN));
      q.getHeader().setID(random.nextInt(65_536));
      if (random.nextBoolean()) {
        q.getHeader().unsetFlag(org.xbill.DNS.Flags.RD);
      }
      if (random.nextBoolean()) {
        q.addRecord(new OPTRecord(512 + random.nextInt(4000), 0, 0), Section.ADDITIONAL);
      }
      boolean tcp = random.nextInt(4) == 0;
      byte[] wire = q.toWire();
      AnswerCache.Question question = cache.parse(wire, wire.length, tcp);
      assertThat(question).as("a simple query").isNotNull();
      byte[] expected = fresh(wire, tcp);
      byte[] cached = cache.lookup(wire, question, 1);
      if (cached == null) {
        cache.store(question, 1, expected);
      } else {
        hits++;
        assertThat(cached).as("query %d: %s", i, q.getQuestion()).isEqualTo(expected);
      }
    }
    assertThat(hits).isGreaterThan(2_000);
  }

  @Test
  void aChangedZoneIsNotAnsweredFromTheCache() throws Exception {
    byte[] wire = Message.newQuery(Record.newRecord(Name.fromString("gw.example.net."), Type.SOA, DClass.IN)).toWire();
    AnswerCache.Question question = cache.parse(wire, wire.length, false);
    cache.store(question, 1, fresh(wire, false));
    assertThat(cache.lookup(wire, question, 1)).isNotNull();
    assertThat(cache.lookup(wire, question, 2)).isNull();
  }

  @Test
  void onlySimpleQueriesAreParsed() throws Exception {
    Message two = Message.newQuery(Record.newRecord(Name.fromString("gw.example.net."), Type.SOA, DClass.IN));
    two.addRecord(Record.newRecord(Name.fromString("gw.example.net."), Type.NS, DClass.IN), Section.QUESTION);
    byte[] twoWire = two.toWire();
    assertThat(cache.parse(twoWire, twoWire.length, false)).isNull();
    byte[] ok = Message.newQuery(Record.newRecord(Name.fromString("gw.example.net."), Type.SOA, DClass.IN)).toWire();
    byte[] trailing = java.util.Arrays.copyOf(ok, ok.length + 1);
    assertThat(cache.parse(trailing, trailing.length, false)).isNull();
    byte[] response = ok.clone();
    response[2] |= (byte) 0x80;
    assertThat(cache.parse(response, response.length, false)).isNull();
    byte[] pointer = {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
    assertThat(cache.parse(pointer, pointer.length, false)).isNull();
    for (int cut = 0; cut < ok.length; cut++) {
      assertThat(cache.parse(ok, cut, false)).as("cut at %d", cut).isNull();
    }
  }
}
