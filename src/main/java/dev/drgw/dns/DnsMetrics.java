package dev.drgw.dns;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.xbill.DNS.Rcode;

/** Counters of DNS queries by transport and response code, and of dropped messages. */
final class DnsMetrics {

  static final String QUERIES = "drgw.dns.queries";
  static final String DROPPED = "drgw.dns.dropped";
  static final String TRANSFERS = "drgw.dns.transfers";

  private final Counter[][] queries = new Counter[2][24];
  private final Counter[] dropped = new Counter[2];
  private final MeterRegistry registry;

  DnsMetrics(MeterRegistry registry) {
    this.registry = registry;
    String[] transports = {"udp", "tcp"};
    for (int t = 0; t < 2; t++) {
      for (int rcode = 0; rcode < 24; rcode++) {
        queries[t][rcode] =
            Counter.builder(QUERIES)
                .description("DNS queries answered, by transport and response code")
                .tag("transport", transports[t])
                .tag("rcode", Rcode.string(rcode))
                .register(registry);
      }
      dropped[t] =
          Counter.builder(DROPPED)
              .description("DNS messages dropped unanswered (too short, or responses)")
              .tag("transport", transports[t])
              .register(registry);
    }
  }

  void answered(boolean tcp, int rcode) {
    queries[tcp ? 1 : 0][rcode < 24 ? rcode : 0].increment();
  }

  void dropped(boolean tcp) {
    dropped[tcp ? 1 : 0].increment();
  }

  void transfer(String outcome) {
    registry.counter(TRANSFERS, "outcome", outcome).increment();
  }
}
