package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SipMetersTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"100, 1xx", "180, 1xx", "200, 2xx", "302, 3xx", "404, 4xx", "503, 5xx", "603, 6xx", "699, 6xx",
      "99, other", "700, other", "-1, other"})
  void statusClasses(int status, String expected) {
    assertThat(SipMeters.statusClass(status)).isEqualTo(expected);
  }

  @Test
  void unknownMethodsShareOneSeriesSoNobodyCanMintNewOnes() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SipMeters meters = new SipMeters(registry, "operator", 2);

    meters.requestReceived("INVITE");
    meters.requestReceived("FOO");
    meters.requestReceived("BAR");
    meters.callRefused(CallDecision.Cause.CALLED_NUMBER_UNKNOWN);

    assertThat(registry.get("drgw.sip.requests.received").tag("method", "other").counter().count()).isEqualTo(2);
    assertThat(registry.get("drgw.sip.requests.received").tag("method", "INVITE").tag("region", "2")
        .tag("side", "operator").counter().count()).isEqualTo(1);
    assertThat(registry.get("drgw.sip.call.refused").tag("reason", "called_number_unknown").counter().count())
        .isEqualTo(1);
  }
}
