package dev.drgw.portal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: after {@value #FREE_FAILURES} failed sign-ins for one username, or
 * {@value #IP_FAILURES} from one address, within {@link #WINDOW}, further attempts are refused
 * until the window has passed, without spending a bcrypt check on them.
 */
final class LoginThrottle {

  static final int FREE_FAILURES = 5;
  static final int IP_FAILURES = 20;
  static final Duration WINDOW = Duration.ofMinutes(15);
  private static final int MAX_KEYS = 100_000;

  private record Failures(int count, Instant first) {}

  private final Map<String, Failures> failures = new ConcurrentHashMap<>();
  private final Clock clock;

  LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** How long to wait, if sign-ins for this user or from this address are refused now. */
  Optional<Duration> blocked(String ip, String username) {
    Instant now = clock.instant();
    Optional<Duration> user = wait(userKey(username), FREE_FAILURES, now);
    Optional<Duration> address = wait(ipKey(ip), IP_FAILURES, now);
    return user.isPresent() ? user : address;
  }

  void failed(String ip, String username) {
    Instant now = clock.instant();
    if (failures.size() >= MAX_KEYS) {
      failures.values().removeIf(f -> now.isAfter(f.first().plus(WINDOW)));
    }
    for (String key : new String[] {userKey(username), ipKey(ip)}) {
      failures.merge(key, new Failures(1, now),
          (old, one) -> now.isAfter(old.first().plus(WINDOW)) ? one : new Failures(old.count() + 1, old.first()));
    }
  }

  void succeeded(String ip, String username) {
    failures.remove(userKey(username));
  }

  private Optional<Duration> wait(String key, int allowed, Instant now) {
    Failures f = failures.get(key);
    if (f == null || f.count() < allowed) {
      return Optional.empty();
    }
    Instant until = f.first().plus(WINDOW);
    return now.isBefore(until) ? Optional.of(Duration.between(now, until)) : Optional.empty();
  }

  private static String userKey(String username) {
    return "u:" + username.toLowerCase(Locale.ROOT);
  }

  private static String ipKey(String ip) {
    return "a:" + ip;
  }
}
