package dev.drgw.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Bearer-token checks: expected issuer and audience, and where the signing keys come from (a JWKS
 * URL, or when empty the local signing key in the data dir).
 */
public record AuthSettings(String issuer, String audience, Optional<URI> jwksUrl) {

  public AuthSettings {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(audience, "audience");
    Objects.requireNonNull(jwksUrl, "jwksUrl");
  }
}
