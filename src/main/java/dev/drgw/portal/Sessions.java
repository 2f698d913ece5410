package dev.drgw.portal;

import dev.drgw.users.UserRole;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Portal sessions, kept in memory: a random ID in an HttpOnly, SameSite=Strict cookie; the
 * signed-in user and role; and the CSRF token every form must send back. An anonymous session
 * (no user) carries the CSRF token of the sign-in form.
 */
final class Sessions {

  static final String COOKIE = "drgw_portal";
  private static final int MAX_SESSIONS = 100_000;

  /** One session; {@code user} is null (and {@code roles} empty) until sign-in. */
  record Session(String id, String user, Set<UserRole> roles, String csrf, Instant expires) {
    boolean signedIn() {
      return user != null;
    }

    /** Whether any of the session's roles includes {@code needed}. */
    boolean allows(UserRole needed) {
      return roles.stream().anyMatch(r -> r.allows(needed));
    }

    String roleLabel() {
      return roles.stream().sorted().map(UserRole::label).collect(Collectors.joining(", "));
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  /** One-time messages shown on the next page of a session ("Account created."). */
  private final Map<String, String> notices = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Duration lifetime;

  Sessions(Clock clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
  }

  Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = sessions.get(id);
    if (s == null) {
      return Optional.empty();
    }
    if (clock.instant().isAfter(s.expires())) {
      sessions.remove(id);
      return Optional.empty();
    }
    return Optional.of(s);
  }

  Session anonymous() {
    return store(new Session(token(), null, Set.of(), token(), clock.instant().plus(Duration.ofHours(1))));
  }

  /** A new session for the user: a new ID, so a session fixed before sign-in is worthless. */
  Session signIn(Session before, String user, Set<UserRole> roles) {
    end(before.id());
    return store(new Session(token(), user, Set.copyOf(roles), token(), clock.instant().plus(lifetime)));
  }

  void end(String id) {
    sessions.remove(id);
    notices.remove(id);
  }

  /** Keeps a message for the session's next page. */
  void notice(Session s, String message) {
    notices.put(s.id(), message);
  }

  /** The message kept for this page, once. */
  String takeNotice(Session s) {
    return notices.remove(s.id());
  }

  private Session store(Session s) {
    if (sessions.size() >= MAX_SESSIONS) {
      Instant now = clock.instant();
      sessions.values().removeIf(x -> now.isAfter(x.expires()) || !x.signedIn());
      notices.keySet().retainAll(sessions.keySet());
    }
    sessions.put(s.id(), s);
    return s;
  }

  private String token() {
    byte[] bytes = new byte[24];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
