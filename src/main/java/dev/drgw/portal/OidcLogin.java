package dev.drgw.portal;

import dev.drgw.auth.OidcClient;
import dev.drgw.users.UserRole;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Portal sign-in through an OpenID Connect provider (Entra ID, Keycloak, ...): sends the browser
 * to the provider, and on its return signs the user in with the roles of the ID token's role
 * claim. A user with no drgw role is refused. Nothing is stored about OIDC users.
 */
public final class OidcLogin {

  private static final Logger log = LoggerFactory.getLogger(OidcLogin.class);
  private static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);
  private static final int MAX_PENDING = 10_000;

  private record Started(OidcClient.Pending pending, String sessionId, String next, Instant expires) {}

  private final OidcClient client;
  private final Clock clock;
  private final Map<String, Started> started = new ConcurrentHashMap<>();

  private final URI redirectUri;

  public OidcLogin(OidcClient client, URI redirectUri, Clock clock) {
    this.client = client;
    this.redirectUri = redirectUri;
    this.clock = clock;
  }

  /** The user's roles from the role claim's values; unknown values are ignored. */
  static Set<UserRole> roles(Iterable<String> values) {
    Set<UserRole> roles = EnumSet.noneOf(UserRole.class);
    for (String v : values) {
      UserRole.parse(v).ifPresent(roles::add);
    }
    return roles;
  }

  /** Sends the browser to the provider; remembers, for this session, where it was going. */
  void start(Context ctx, Sessions.Session session, String next) throws OidcClient.OidcException {
    OidcClient.Pending pending = client.start();
    Instant now = clock.instant();
    if (started.size() >= MAX_PENDING) {
      started.values().removeIf(s -> now.isAfter(s.expires()));
      if (started.size() >= MAX_PENDING) {
        throw new OidcClient.OidcException("Too many sign-ins are under way; try again in a few minutes.");
      }
    }
    started.put(pending.state(), new Started(pending, session.id(), next, now.plus(PENDING_LIFETIME)));
    ctx.redirect(pending.location().toString());
  }

  /**
   * The provider's return: the identity if the sign-in belongs to this browser's session and the
   * provider vouches for it, with where to go next.
   */
  Result finish(Context ctx, Sessions.Session session) throws OidcClient.OidcException {
    String state = ctx.queryParam("state");
    Started s = state == null ? null : started.remove(state);
    if (s == null || !s.sessionId().equals(session.id()) || clock.instant().isAfter(s.expires())) {
      throw new OidcClient.OidcException("This sign-in has expired or was started elsewhere; please start again.");
    }
    // The configured redirect URI with the query the provider sent (behind a proxy, the URL
    // this request arrived on may differ from the registered one).
    URI callback = URI.create(redirectUri + "?" + (ctx.queryString() == null ? "" : ctx.queryString()));
    OidcClient.Identity identity = client.finish(callback, s.pending());
    Set<UserRole> roles = roles(identity.roles());
    log.info("OpenID Connect sign-in of '{}' (subject {}) with roles {}", identity.username(), identity.subject(),
        identity.roles());
    return new Result(identity.username(), roles, s.next());
  }

  /** Who signed in, their drgw roles (maybe none), and the page they were going to. */
  record Result(String username, Set<UserRole> roles, String next) {}
}
