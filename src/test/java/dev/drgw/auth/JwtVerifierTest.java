package dev.drgw.auth;

import static dev.drgw.auth.TestTokens.AUDIENCE;
import static dev.drgw.auth.TestTokens.ISSUER;
import static dev.drgw.auth.TestTokens.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JwtVerifierTest {

  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir static Path dataDir;

  private static LocalSigningKey key;
  private static LocalSigningKey otherKey;
  private static JwtVerifier verifier;

  @BeforeAll
  static void keys() throws IOException {
    key = LocalSigningKey.loadOrCreate(dataDir.resolve("ours"));
    otherKey = LocalSigningKey.loadOrCreate(dataDir.resolve("theirs"));
    verifier = JwtVerifier.local(key, ISSUER, AUDIENCE, CLOCK);
  }

  private static TokenIssuer issuerAt(Duration offset) {
    return new TokenIssuer(key, ISSUER, AUDIENCE, Clock.offset(CLOCK, offset));
  }

  private static String signed(UnaryOperator<JWTClaimsSet.Builder> edit) {
    return TestTokens.sign(key.privateKey(), JWSAlgorithm.ES256,
        edit.apply(TestTokens.validClaims()).build());
  }

  private static String rejection(String token) {
    return rejection(verifier, token);
  }

  static String rejection(TokenVerifier verifier, String token) {
    try {
      verifier.verify(token);
    } catch (InvalidTokenException e) {
      return e.getMessage();
    }
    throw new AssertionError("token was accepted");
  }

  @ParameterizedTest
  @EnumSource(Role.class)
  void issuedTokensVerifyWithTheirRole(Role role) throws Exception {
    String token = issuerAt(Duration.ZERO).issue("alice", Set.of(role), Duration.ofMinutes(10));

    Principal principal = verifier.verify(token);

    assertThat(principal).isEqualTo(new Principal("alice", "alice", Set.of(role)));
  }

  @Test
  void issuedTokensCarryEveryRoleGiven() throws Exception {
    String token = issuerAt(Duration.ZERO)
        .issue("bob", EnumSet.allOf(Role.class), Duration.ofMinutes(10));

    assertThat(verifier.verify(token).roles()).containsExactlyInAnyOrder(Role.values());
  }

  @Test
  void issuedTokensHaveTheAgreedShape() throws Exception {
    String token = issuerAt(Duration.ZERO).issue("carol", Set.of(Role.WRITE, Role.READ),
        Duration.ofMinutes(10));
    SignedJWT jwt = SignedJWT.parse(token);
    JWTClaimsSet claims = jwt.getJWTClaimsSet();

    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(key.privateKey().getKeyID());
    assertThat(claims.getIssuer()).isEqualTo(ISSUER);
    assertThat(claims.getAudience()).containsExactly(AUDIENCE);
    assertThat(claims.getSubject()).isEqualTo("carol");
    assertThat(claims.getStringListClaim("roles"))
        .containsExactly("ProvisioningAPI.Read", "ProvisioningAPI.Write");
    assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOW));
    assertThat(claims.getNotBeforeTime()).isEqualTo(Date.from(NOW));
    assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOW.plusSeconds(600)));
    assertThat(claims.getJWTID()).matches("[0-9a-f-]{36}");
    String second = issuerAt(Duration.ZERO).issue("carol", Set.of(), Duration.ofMinutes(10));
    assertThat(SignedJWT.parse(second).getJWTClaimsSet().getJWTID())
        .isNotEqualTo(claims.getJWTID());
  }

  @Test
  void tokensWithoutRolesGiveAPrincipalWithoutRoles() throws Exception {
    String token = issuerAt(Duration.ZERO).issue("dave", Set.of(), Duration.ofMinutes(10));

    Principal principal = verifier.verify(token);

    assertThat(principal.roles()).isEmpty();
    assertThat(EnumSet.allOf(Role.class)).noneMatch(principal::has);
  }

  @ParameterizedTest(name = "issued {0}s from now, ttl {1}s: {2}")
  @CsvSource({
    "0, 600, accepted",
    "-600, 600, accepted",
    "-659, 600, accepted",
    "-660, 600, token expired",
    "-7200, 600, token expired",
    "59, 600, accepted",
    "60, 600, accepted",
    "61, 600, token not yet valid",
    "3600, 600, token not yet valid",
  })
  void timeIsCheckedAgainstTheClockWithOneMinuteOfSkew(long issuedAt, long ttl, String outcome)
      throws Exception {
    String token = issuerAt(Duration.ofSeconds(issuedAt))
        .issue("erin", Set.of(Role.READ), Duration.ofSeconds(ttl));

    if (outcome.equals("accepted")) {
      assertThat(verifier.verify(token).subject()).isEqualTo("erin");
    } else {
      assertThat(rejection(token)).isEqualTo(outcome);
    }
  }

  @Test
  void aFutureIssueTimeBeyondTheSkewIsRejected() {
    String token = signed(c -> c.notBeforeTime(null)
        .issueTime(Date.from(NOW.plusSeconds(61))));

    assertThat(rejection(token)).isEqualTo("token issued in the future");
  }

  @Test
  void expiryIsRequired() {
    assertThat(rejection(signed(c -> c.expirationTime(null)))).isEqualTo("token has no expiry");
  }

  @Test
  void subjectIsRequired() {
    assertThat(rejection(signed(c -> c.subject(null)))).isEqualTo("token has no subject");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "https://drgw.test/other", "https://drgw.test/issuer/", "HTTPS://DRGW.TEST/ISSUER", ""})
  void wrongIssuer(String issuer) {
    assertThat(rejection(signed(c -> c.issuer(issuer)))).isEqualTo("wrong issuer");
    assertThat(rejection(new TokenIssuer(key, issuer, AUDIENCE, CLOCK)
        .issue("x", Set.of(Role.ADMIN), Duration.ofMinutes(5)))).isEqualTo("wrong issuer");
  }

  @Test
  void missingIssuer() {
    assertThat(rejection(signed(c -> c.issuer(null)))).isEqualTo("wrong issuer");
  }

  @ParameterizedTest
  @ValueSource(strings = {"api://other", "api://drgw-test/", "API://DRGW-TEST"})
  void wrongAudience(String audience) {
    assertThat(rejection(signed(c -> c.audience(audience)))).isEqualTo("wrong audience");
    assertThat(rejection(new TokenIssuer(key, ISSUER, audience, CLOCK)
        .issue("x", Set.of(Role.ADMIN), Duration.ofMinutes(5)))).isEqualTo("wrong audience");
  }

  @Test
  void audienceMayBeAListContainingOurs() throws Exception {
    assertThat(verifier.verify(signed(c -> c.audience(List.of("api://other", AUDIENCE)))))
        .isNotNull();
    assertThat(rejection(signed(c -> c.audience(List.of("api://other", "api://more")))))
        .isEqualTo("wrong audience");
    assertThat(rejection(signed(c -> c.audience(List.of())))).isEqualTo("wrong audience");
  }

  @Test
  void aTokenFromAnotherKeyIsRejected() {
    String token = new TokenIssuer(otherKey, ISSUER, AUDIENCE, CLOCK)
        .issue("mallory", Set.of(Role.ADMIN), Duration.ofMinutes(5));

    assertThat(rejection(token)).isEqualTo("unknown signing key");
  }

  @Test
  void aTokenFromAnotherKeyClaimingOurKeyIdIsRejected() {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
        .keyID(key.privateKey().getKeyID()).build();
    String token = TestTokens.sign(otherKey.privateKey(), header,
        TestTokens.validClaims().claim("roles", List.of("ProvisioningAPI.Admin")).build());

    assertThat(rejection(token)).isEqualTo("signature invalid");
  }

  @Test
  void aTokenFromAnotherKeyWithoutKeyIdIsRejected() {
    String token = TestTokens.sign(otherKey.privateKey(), new JWSHeader(JWSAlgorithm.ES256),
        TestTokens.validClaims().build());

    assertThat(rejection(token)).isEqualTo("signature invalid");
  }

  @Test
  void aTamperedPayloadIsRejected() throws Exception {
    String token = issuerAt(Duration.ZERO).issue("frank", Set.of(Role.READ), Duration.ofMinutes(5));
    String[] parts = token.split("\\.");
    String payload = new String(
        Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8);
    String forged = parts[0] + "." + TestTokens.b64(payload.replace("ProvisioningAPI.Read",
        "ProvisioningAPI.Admin")) + "." + parts[2];

    assertThat(forged).isNotEqualTo(token);
    assertThat(rejection(forged)).isEqualTo("signature invalid");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"alg\":\"none\"}",
    "{\"alg\":\"none\",\"typ\":\"JWT\"}",
  })
  void unsecuredTokensAreRejected(String header) {
    String token = TestTokens.unsecured(header,
        TestTokens.validClaims().claim("roles", List.of("ProvisioningAPI.Admin")).build());

    assertThat(token).endsWith(".");
    assertThat(rejection(token)).isEqualTo("unsupported algorithm none");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "HS512"})
  void hmacTokensAreRejected(String algorithm) {
    OctetSequenceKey secret = new OctetSequenceKey.Builder(new byte[64]).build();
    String token = TestTokens.sign(secret, JWSAlgorithm.parse(algorithm),
        TestTokens.validClaims().build());

    assertThat(rejection(token)).isEqualTo("unsupported algorithm " + algorithm);
  }

  @Test
  void hmacKeyedWithOurPublicKeyIsRejected() {
    byte[] publicKeyJson = key.publicKeys().toString().getBytes(StandardCharsets.UTF_8);
    OctetSequenceKey secret = new OctetSequenceKey.Builder(publicKeyJson)
        .keyID(key.privateKey().getKeyID()).build();
    String token = TestTokens.sign(secret, JWSAlgorithm.HS256, TestTokens.validClaims().build());

    assertThat(rejection(token)).isEqualTo("unsupported algorithm HS256");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"alg\":\"ES512\"} | unsupported algorithm ES512",
    "{\"alg\":\"EdDSA\"} | unsupported algorithm EdDSA",
    "{\"alg\":\"NONE\"} | unsupported algorithm NONE",
    "{\"alg\":\"ES256 \\\" x\"} | unsupported algorithm",
    "{\"alg\":\"ES256\",\"typ\":\"JOSE\"} | unsupported token type",
    "{\"alg\":\"ES256\",\"typ\":\"secevent+jwt\"} | unsupported token type",
    "{\"alg\":\"ES256\",\"crit\":[\"exp\"],\"exp\":1} | unsupported critical header",
  })
  void headersWeDoNotAccept(String header, String message) {
    String token = TestTokens.b64(header) + "." + TestTokens.b64(
        TestTokens.validClaims().build().toString()) + "." + TestTokens.b64("signature");

    assertThat(rejection(token)).isEqualTo(message);
  }

  @Test
  void encryptedTokensAreRejected() {
    String token = TestTokens.b64("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}")
        + ".a2V5.aXY.Y2lwaGVy.dGFn";

    assertThat(rejection(token)).isEqualTo("encrypted tokens are not supported");
  }

  @ParameterizedTest
  @ValueSource(strings = {"JWT", "jwt", "at+jwt", "AT+JWT", "application/at+jwt"})
  void acceptedTokenTypes(String type) throws Exception {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
        .keyID(key.privateKey().getKeyID()).type(new JOSEObjectType(type)).build();

    assertThat(verifier.verify(TestTokens.sign(key.privateKey(), header,
        TestTokens.validClaims().build()))).isNotNull();
  }

  @Test
  void typeMayBeAbsent() throws Exception {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256)
        .keyID(key.privateKey().getKeyID()).build();

    assertThat(verifier.verify(TestTokens.sign(key.privateKey(), header,
        TestTokens.validClaims().build()))).isNotNull();
  }

  static Stream<Arguments> rolesClaims() {
    return Stream.of(
        Arguments.of(List.of("ProvisioningAPI.Read"), Set.of(Role.READ)),
        Arguments.of(List.of("ProvisioningAPI.Write", "ProvisioningAPI.Delete"),
            Set.of(Role.WRITE, Role.DELETE)),
        Arguments.of(List.of("ProvisioningAPI.Read", "Something.Else"), Set.of(Role.READ)),
        Arguments.of(List.of("Something.Else"), Set.of()),
        Arguments.of(List.of("provisioningapi.admin", "Admin", "read"), Set.of()),
        Arguments.of(List.of(), Set.of()));
  }

  @ParameterizedTest
  @MethodSource("rolesClaims")
  void rolesClaimIsReadForKnownValues(List<String> claim, Set<Role> expected) throws Exception {
    assertThat(verifier.verify(signed(c -> c.claim("roles", claim))).roles())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void absentRolesClaimMeansNoRoles() throws Exception {
    assertThat(verifier.verify(signed(c -> c.claim("roles", null))).roles()).isEmpty();
  }

  static Stream<Object> malformedRoles() {
    return Stream.of("ProvisioningAPI.Admin", 7, true, List.of("ProvisioningAPI.Read", 5),
        List.of(List.of("ProvisioningAPI.Admin")), Map.of("a", "b"));
  }

  @ParameterizedTest
  @MethodSource("malformedRoles")
  void rolesClaimMustBeAnArrayOfStrings(Object claim) {
    assertThat(rejection(signed(c -> c.claim("roles", claim))))
        .isEqualTo("roles claim is not an array of strings");
  }

  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
    "client-a, -, client-a",
    "-, client-b, client-b",
    "client-a, client-b, client-a",
    "-, -, subject-1",
  })
  void clientIdComesFromAzpThenAppidThenSubject(String azp, String appid, String expected)
      throws Exception {
    Principal principal = verifier.verify(signed(c -> c.claim("azp", azp).claim("appid", appid)));

    assertThat(principal.clientId()).isEqualTo(expected);
    assertThat(principal.subject()).isEqualTo("subject-1");
  }

  @Test
  void theSizeLimitIsSixteenKibibytes() throws Exception {
    int limit = JwtVerifier.MAX_TOKEN_CHARS;
    String fits = null;
    String tooLarge = null;
    for (int padding = limit * 3 / 4 - 400; tooLarge == null; padding++) {
      String pad = "x".repeat(padding);
      String token = signed(c -> c.claim("pad", pad));
      if (token.length() <= limit) {
        fits = token;
      } else {
        tooLarge = token;
      }
    }

    assertThat(limit).isEqualTo(16 * 1024);
    assertThat(fits).hasSizeBetween(limit - 2, limit);
    assertThat(verifier.verify(fits)).isNotNull();
    assertThat(tooLarge).hasSizeBetween(limit + 1, limit + 3);
    assertThat(rejection(tooLarge)).isEqualTo("token too large");
    assertThat(rejection("a".repeat(10_000_000))).isEqualTo("token too large");
  }
}
