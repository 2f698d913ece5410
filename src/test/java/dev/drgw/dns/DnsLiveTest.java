package dev.drgw.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The whole server: a change through the API is answered by DNS at once, and status follows. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsLiveTest {

  private TestServer server;
  private ApiClient api;
  private SimpleResolver resolver;

  @BeforeAll
  void start() throws Exception {
    server = TestServer.start(Map.of("DRGW_BASE_DOMAIN", "gw.example.net"));
    api = server.client(Role.ADMIN);
    resolver = new SimpleResolver("127.0.0.1");
    resolver.setPort(server.dnsPort());
    resolver.setTimeout(Duration.ofSeconds(2));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static String account(String label, String token1, boolean enabled) {
    return """
        {"serviceDetails": {"teamsDirectRouting": {"syncEnabled": true, "enabled": %s,
          "configuration": {"subdomain": "%s",
            "subdomainTokens": {"region1Token": "%s", "region2Token": "MS=r2"}}}}}
        """.formatted(enabled, label, token1);
  }

  private Message ask(String name, int type) throws Exception {
    return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  private List<String> txt(String name) throws Exception {
    return ask(name, Type.TXT).getSection(Section.ANSWER).stream()
        .map(r -> ((TXTRecord) r).getStrings().get(0))
        .toList();
  }

  @Test
  void aNewAccountIsAnsweredWithinOneSecondAndReportedProvisioned() throws Exception {
    long start = System.nanoTime();
    assertThat(api.put("/accounts/live1", account("live1", "MS=first", true)).status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10))
        .until(() -> txt("live1.1r1.gw.example.net.").equals(List.of("MS=first")));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(txt("LIVE1.1r2.gw.example.net.")).containsExactly("MS=r2");
    await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
      var body = api.get("/accounts/live1").json();
      assertThat(body.at("/serviceDetails/teamsDirectRouting/subdomainStatus").asText()).isEqualTo("provisioned");
      assertThat(body.path("serviceProvisioningStatus").asText()).isEqualTo("synced");
    });
  }

  @Test
  void aChangedTokenReplacesTheOldOneAndTheSerialRises() throws Exception {
    api.put("/accounts/live2", account("live2", "MS=old", true));
    await().atMost(Duration.ofSeconds(1)).until(() -> txt("live2.1r1.gw.example.net.").equals(List.of("MS=old")));
    long serial = ((org.xbill.DNS.SOARecord) ask("gw.example.net.", Type.SOA).getSection(Section.ANSWER).get(0)).getSerial();
    api.put("/accounts/live2", account("live2", "MS=new", true));
    await().atMost(Duration.ofSeconds(1)).until(() -> txt("live2.1r1.gw.example.net.").equals(List.of("MS=new")));
    long after = ((org.xbill.DNS.SOARecord) ask("gw.example.net.", Type.SOA).getSection(Section.ANSWER).get(0)).getSerial();
    assertThat(after).isGreaterThan(serial);
  }

  @Test
  void disablingDirectRoutingWithdrawsTheSubdomains() throws Exception {
    api.put("/accounts/live3", account("live3", "MS=x", true));
    await().atMost(Duration.ofSeconds(1)).until(() -> ask("live3.1r1.gw.example.net.", Type.A).getRcode() == Rcode.NOERROR);
    api.put("/accounts/live3", account("live3", "MS=x", false));
    await().atMost(Duration.ofSeconds(1)).until(() -> ask("live3.1r1.gw.example.net.", Type.A).getRcode() == Rcode.NXDOMAIN);
    await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
      var body = api.get("/accounts/live3").json();
      assertThat(body.at("/serviceDetails/teamsDirectRouting/subdomainStatus").asText()).isEqualTo("notProvisioned");
      assertThat(body.path("serviceProvisioningStatus").asText()).isEqualTo("synced");
    });
  }

  @Test
  void deletingTheAccountWithdrawsTheSubdomains() throws Exception {
    api.put("/accounts/live4", account("live4", "MS=x", true));
    await().atMost(Duration.ofSeconds(1)).until(() -> ask("live4.1r2.gw.example.net.", Type.TXT).getRcode() == Rcode.NOERROR);
    assertThat(api.delete("/accounts/live4").status()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(1)).until(() -> ask("live4.1r2.gw.example.net.", Type.TXT).getRcode() == Rcode.NXDOMAIN);
  }

  @Test
  void numbersAreSyncedOnceTheSnapshotHasThem() {
    api.put("/accounts/live5", account("live5", "MS=x", true));
    var r = api.put("/accounts/live5/numbers/%2B442079460000",
        "{\"serviceDetails\":{\"teamsDirectRouting\":{\"enabled\":true}}}");
    assertThat(r.status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(api.get("/accounts/live5/numbers/%2B442079460000").json().path("serviceProvisioningStatus").asText())
            .isEqualTo("synced"));
  }

  @Test
  void withDnsOffNothingIsProvisioned() {
    try (TestServer noDns = TestServer.start(Map.of("DRGW_DNS_ENABLED", "false"))) {
      ApiClient client = noDns.client(Role.ADMIN);
      client.put("/accounts/nodns", account("nodns", "MS=x", true));
      await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> {
        var body = client.get("/accounts/nodns").json();
        assertThat(body.path("serviceProvisioningStatus").asText()).isEqualTo("synced");
        assertThat(body.at("/serviceDetails/teamsDirectRouting/subdomainStatus").asText()).isEqualTo("notProvisioned");
      });
      assertThat(noDns.dnsPort()).isEqualTo(-1);
    }
  }

  @Test
  void theSnapshotIsBuiltFromTheStoreAtStart() throws Exception {
    api.put("/accounts/live6", account("live6", "MS=restart", true));
    server.restart();
    resolver.setPort(server.dnsPort());
    api = server.client(Role.ADMIN);
    assertThat(txt("live6.1r1.gw.example.net.")).containsExactly("MS=restart");
  }
}
