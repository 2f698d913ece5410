package dev.drgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/** Hand-made tokens for cases a {@link TokenIssuer} never produces. */
final class TestTokens {

  static final String ISSUER = "https://drgw.test/issuer";
  static final String AUDIENCE = "api://drgw-test";
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  private TestTokens() {}

  /** Claims a verifier for {@link #ISSUER}/{@link #AUDIENCE} accepts at {@link #NOW}. */
  static JWTClaimsSet.Builder validClaims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("subject-1")
        .claim("roles", List.of(Role.READ.claimValue()))
        .issueTime(Date.from(NOW))
        .notBeforeTime(Date.from(NOW))
        .expirationTime(Date.from(NOW.plus(Duration.ofHours(1))));
  }

  static String sign(JWK key, JWSAlgorithm algorithm, JWTClaimsSet claims) {
    return sign(key, new JWSHeader.Builder(algorithm).keyID(key.getKeyID())
        .type(JOSEObjectType.JWT).build(), claims);
  }

  static String sign(JWK key, JWSHeader header, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(new DefaultJWSSignerFactory().createJWSSigner(key, header.getAlgorithm()));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsecured JWT ({@code alg: none}) built by hand: header, payload, empty signature. */
  static String unsecured(String headerJson, JWTClaimsSet claims) {
    return b64(headerJson) + "." + b64(claims.toString()) + ".";
  }

  static String b64(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
