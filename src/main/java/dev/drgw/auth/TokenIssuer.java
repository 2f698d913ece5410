package dev.drgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/** Issues ES256 bearer tokens signed with the {@link LocalSigningKey}. Thread-safe. */
public final class TokenIssuer {

  private final JWSSigner signer;
  private final JWSHeader header;
  private final String issuer;
  private final String audience;
  private final Clock clock;

  public TokenIssuer(LocalSigningKey key, String issuer, String audience, Clock clock) {
    try {
      this.signer = new ECDSASigner(key.privateKey());
    } catch (JOSEException e) {
      throw new IllegalStateException("local signing key cannot sign", e);
    }
    this.header = new JWSHeader.Builder(JWSAlgorithm.ES256)
        .keyID(key.privateKey().getKeyID())
        .type(JOSEObjectType.JWT)
        .build();
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.audience = Objects.requireNonNull(audience, "audience");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A compact JWT for {@code subject} holding {@code roles}, valid from now for {@code ttl}. */
  public String issue(String subject, Set<Role> roles, Duration ttl) {
    Objects.requireNonNull(subject, "subject");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuer)
        .audience(audience)
        .subject(subject)
        .claim("roles", roles.stream().sorted().map(Role::claimValue).toList())
        .issueTime(Date.from(now))
        .notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .jwtID(UUID.randomUUID().toString())
        .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed", e);
    }
    return jwt.serialize();
  }
}
