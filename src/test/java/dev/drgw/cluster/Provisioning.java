package dev.drgw.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.Cluster;
import dev.drgw.testing.DnsProber;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/** What the cluster tests provision and how they read it back: bodies, DNS names, statuses. */
final class Provisioning {

  static final String TENANT = "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11";

  private Provisioning() {}

  static String account(String label, String region1Token, String region2Token) {
    return """
        {"serviceDetails": {"teamsTenantId": "%s", "teamsDirectRouting": {"syncEnabled": true, "enabled": true,
          "configuration": {"callScreening": true, "subdomain": "%s",
            "subdomainTokens": {"region1Token": "%s", "region2Token": "%s"}}}}}
        """.formatted(TENANT, label, region1Token, region2Token);
  }

  static String number() {
    return "{\"serviceDetails\": {\"teamsDirectRouting\": {\"enabled\": true}}}";
  }

  /** A batch of 100 numbers {@code +4471<batch:5><i:2>} for {@code :createOrUpdateNumbers}. */
  static String batch(int batch) {
    StringBuilder body = new StringBuilder("{\"numbers\":[");
    for (int i = 0; i < 100; i++) {
      body.append(i == 0 ? "" : ",").append(String.format(
          "{\"telephoneNumber\":\"+4471%05d%02d\",\"serviceDetails\":{\"teamsDirectRouting\":{\"enabled\":true}}}",
          batch, i));
    }
    return body.append("]}").toString();
  }

  /** The batch a number of {@link #batch} belongs to. */
  static int batchOf(String telephoneNumber) {
    return Integer.parseInt(telephoneNumber.substring(5, 10));
  }

  /** {@code <label>.1r<region>.<base>}. */
  static String subdomain(String label, int region) {
    return label + ".1r" + region + "." + Cluster.BASE_DOMAIN;
  }

  /** The TXT values a node's DNS answers for {@code name} (empty if it gave no answer in time). */
  static List<String> txt(Cluster.Node node, String name) {
    Optional<Message> answer = DnsProber.ask(node.dnsPort(), name, Type.TXT, Duration.ofMillis(500));
    return answer.map(DnsProber::txt).orElse(List.of());
  }

  /**
   * Polls a node's DNS every 10 ms until it answers TXT {@code name} with exactly
   * {@code expected}; returns how long that took from {@code sinceNanos}, or empty if not within
   * {@code limit}.
   */
  static Optional<Duration> awaitTxt(Cluster.Node node, String name, String expected, long sinceNanos,
      Duration limit) {
    while (true) {
      if (txt(node, name).equals(List.of(expected))) {
        return Optional.of(Duration.ofNanos(System.nanoTime() - sinceNanos));
      }
      if (System.nanoTime() - sinceNanos > limit.toNanos()) {
        return Optional.empty();
      }
      sleep(10);
    }
  }

  /** {@code subdomainStatus/serviceProvisioningStatus} of an account body, e.g. {@code provisioned/synced}. */
  static String status(JsonNode account) {
    return account.at("/serviceDetails/teamsDirectRouting/subdomainStatus").asText("?") + "/"
        + account.path("serviceProvisioningStatus").asText("?");
  }

  static JsonNode get(ApiClient api, String path) {
    ApiClient.Response r = api.get(path);
    if (r.status() != 200) {
      throw new AssertionError("GET " + path + ": " + r);
    }
    return r.json();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
