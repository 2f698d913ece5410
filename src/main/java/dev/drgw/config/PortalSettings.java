package dev.drgw.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The Number Management Portal: how long a sign-in lasts, and optional OpenID Connect sign-in.
 */
public record PortalSettings(Duration sessionLifetime, Optional<Oidc> oidc) {

  public PortalSettings {
    Objects.requireNonNull(sessionLifetime, "sessionLifetime");
    Objects.requireNonNull(oidc, "oidc");
  }

  /**
   * OpenID Connect sign-in (authorization code flow with PKCE) against {@code issuer}; the
   * portal role comes from the ID token's {@code roleClaim}, holding the API's role names.
   */
  public record Oidc(URI issuer, String clientId, String clientSecret, URI redirectUri, String roleClaim) {

    public Oidc {
      Objects.requireNonNull(issuer, "issuer");
      Objects.requireNonNull(clientId, "clientId");
      Objects.requireNonNull(clientSecret, "clientSecret");
      Objects.requireNonNull(redirectUri, "redirectUri");
      Objects.requireNonNull(roleClaim, "roleClaim");
    }

    @Override
    public String toString() {
      return "Oidc[issuer=" + issuer + ", clientId=" + clientId + ", clientSecret=***, redirectUri=" + redirectUri
          + ", roleClaim=" + roleClaim + "]";
    }
  }
}
