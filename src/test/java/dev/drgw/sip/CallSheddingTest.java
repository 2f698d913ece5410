package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.testing.Sipp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission control on a live operator side: calls beyond the rate are refused with 503 and
 * Retry-After before anything is sent on, calls within it go on. The admission clock is the
 * test's, so the outcome does not depend on how fast the machine is.
 */
class CallSheddingTest {

  static final AtomicLong clock = new AtomicLong();
  static final io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  static OperatorSide operator;
  static Calls calls;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    calls = new Calls(Duration.ofSeconds(1), "X-MS-Operator-Content", new CallAdmission(3, clock::get));
    port = Sipp.freePort();
    operator = OperatorSide.start("127.0.0.1", port, new CallRouting(CallRoutingTest.NAMES, 1, CallRoutingTest.HEADERS),
        () -> CallRoutingTest.SNAPSHOT, new OptionsPolling(new PeerHealth(List.of()), Duration.ofMinutes(10), "127.0.0.1"),
        new SipMeters(registry, "operator", 1), calls);
  }

  @AfterAll
  static void stop() {
    operator.close();
    calls.close();
  }

  @Test
  void callsBeyondTheRateAreRefusedWith503AndRetryAfterAndRefusalsAreCounted() throws Exception {
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 5; i++) { // the clock stands still: a burst of five against a rate of three
      answers.add(SipHostileInputTest.udp(port, SipHostileInputTest.invite("+441273652000", port), Duration.ofSeconds(3)).orElse(""));
    }
    clock.addAndGet(1_000_000_000L); // a second later the bucket is full again
    answers.add(SipHostileInputTest.udp(port, SipHostileInputTest.invite("+441273652000", port), Duration.ofSeconds(3)).orElse(""));

    // taken calls find no Teams side in this test (503 Teams side not running); refused ones are shed
    assertThat(answers).extracting(a -> a.lines().findFirst().orElse(""))
        .containsExactly("SIP/2.0 503 Teams side not running", "SIP/2.0 503 Teams side not running",
            "SIP/2.0 503 Teams side not running", "SIP/2.0 503 Over the call rate limit",
            "SIP/2.0 503 Over the call rate limit", "SIP/2.0 503 Teams side not running");
    assertThat(answers.get(3)).contains("Retry-After: 1");
    assertThat(registry.get("drgw.sip.calls.shed").counter().count()).isEqualTo(2.0);
    Optional<String> unknown = SipHostileInputTest.udp(port, SipHostileInputTest.invite("+441273659999", port), Duration.ofSeconds(3));
    assertThat(unknown).hasValueSatisfying(a -> assertThat(a).startsWith("SIP/2.0 404")); // refusals are not rate-limited
  }
}
