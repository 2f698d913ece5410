package dev.drgw.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Password guessing is slowed per username and per address, for a fixed window. */
class LoginThrottleTest {

  private static final String IP = "192.0.2.10";

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T10:00:00Z"));
  private final LoginThrottle throttle = new LoginThrottle(clock);

  private void fail(String ip, String user, int times) {
    for (int i = 0; i < times; i++) {
      throttle.failed(ip, user);
    }
  }

  @Test
  void nothingIsBlockedAtFirst() {
    assertThat(throttle.blocked(IP, "olivia")).isEmpty();
  }

  @Test
  void fourFailuresAreFreeTheFifthBlocksTheUsername() {
    fail(IP, "olivia", 4);
    assertThat(throttle.blocked(IP, "olivia")).isEmpty();

    throttle.failed(IP, "olivia");

    assertThat(throttle.blocked(IP, "olivia")).contains(Duration.ofMinutes(15));
  }

  @Test
  void theBlockIsPerUsernameFromAnyAddress() {
    fail("192.0.2.1", "olivia", 2);
    fail("192.0.2.2", "olivia", 3);

    assertThat(throttle.blocked("198.51.100.7", "olivia")).isPresent();
    assertThat(throttle.blocked("198.51.100.7", "victor")).isEmpty();
  }

  @Test
  void usernamesAreComparedIgnoringCase() {
    fail(IP, "Olivia", 2);
    fail(IP, "OLIVIA", 2);
    throttle.failed(IP, "olivia");

    assertThat(throttle.blocked(IP, "oLiViA")).isPresent();
  }

  @Test
  void theWaitShrinksAndTheBlockEndsWithTheWindowCountedFromTheFirstFailure() {
    throttle.failed(IP, "olivia");
    clock.advance(Duration.ofMinutes(10));
    fail(IP, "olivia", 4);

    assertThat(throttle.blocked(IP, "olivia")).contains(Duration.ofMinutes(5));
    clock.advance(Duration.ofMinutes(5).minusSeconds(1));
    assertThat(throttle.blocked(IP, "olivia")).contains(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.blocked(IP, "olivia")).isEmpty();
  }

  @Test
  void afterTheWindowTheCountStartsAgain() {
    fail(IP, "olivia", 5);
    clock.advance(LoginThrottle.WINDOW.plusSeconds(1));

    fail(IP, "olivia", 4);

    assertThat(throttle.blocked(IP, "olivia")).isEmpty();
    throttle.failed(IP, "olivia");
    assertThat(throttle.blocked(IP, "olivia")).contains(Duration.ofMinutes(15));
  }

  @Test
  void twentyFailuresFromOneAddressBlockEveryUsernameFromIt() {
    for (int i = 0; i < 19; i++) {
      throttle.failed(IP, "guess" + i);
    }
    assertThat(throttle.blocked(IP, "olivia")).isEmpty();

    throttle.failed(IP, "guess19");

    assertThat(throttle.blocked(IP, "olivia")).contains(Duration.ofMinutes(15));
    assertThat(throttle.blocked("198.51.100.7", "olivia")).isEmpty();
  }

  @Test
  void theAddressBlockEndsWithItsWindow() {
    for (int i = 0; i < 20; i++) {
      throttle.failed(IP, "guess" + i);
    }
    clock.advance(LoginThrottle.WINDOW.plusMillis(1));

    assertThat(throttle.blocked(IP, "olivia")).isEmpty();
  }

  @Test
  void successResetsTheUsernameCount() {
    fail(IP, "olivia", 4);

    throttle.succeeded(IP, "olivia");
    fail(IP, "olivia", 4);

    assertThat(throttle.blocked(IP, "olivia")).isEmpty();
    throttle.failed(IP, "olivia");
    assertThat(throttle.blocked(IP, "olivia")).isPresent();
  }

  @Test
  void successIgnoresCaseToo() {
    fail(IP, "olivia", 4);

    throttle.succeeded(IP, "OLIVIA");
    throttle.failed(IP, "olivia");

    assertThat(throttle.blocked(IP, "olivia")).isEmpty();
  }

  @Test
  void successDoesNotResetTheAddressCount() {
    for (int i = 0; i < 19; i++) {
      throttle.failed(IP, "guess" + i);
    }

    throttle.succeeded(IP, "olivia");
    throttle.failed(IP, "guess19");

    assertThat(throttle.blocked(IP, "anyone")).isPresent();
  }
}
