package dev.drgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URL;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Verifies signed bearer JWTs: algorithm, signature, {@code typ}, {@code iss}, {@code aud}, and
 * {@code exp}/{@code nbf}/{@code iat} against the given clock with {@link #CLOCK_SKEW}.
 * Thread-safe.
 */
public final class JwtVerifier implements TokenVerifier {

  static final int MAX_TOKEN_CHARS = 16 * 1024;
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
  static final Set<JWSAlgorithm> ACCEPTED_ALGORITHMS = Set.of(
      JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
      JWSAlgorithm.PS256, JWSAlgorithm.ES256, JWSAlgorithm.ES384);
  private static final Set<String> ACCEPTED_TYPES =
      Set.of("jwt", "application/jwt", "at+jwt", "application/at+jwt");
  private static final Pattern COMPACT_FORM = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Pattern PRINTABLE_ALGORITHM = Pattern.compile("[A-Za-z0-9+._-]{1,32}");

  static final Duration FETCH_CONNECT_TIMEOUT = Duration.ofSeconds(3);
  static final Duration FETCH_READ_TIMEOUT = Duration.ofSeconds(3);
  private static final int FETCH_SIZE_LIMIT_BYTES = 512 * 1024;
  private static final Duration CACHE_TIME_TO_LIVE = Duration.ofMinutes(5);
  private static final Duration CACHE_REFRESH_WAIT = Duration.ofSeconds(8);
  private static final Duration MIN_REFETCH_INTERVAL = Duration.ofSeconds(30);
  private static final Duration OUTAGE_TOLERANCE = Duration.ofHours(1);

  private final JWSVerificationKeySelector<SecurityContext> keySelector;
  private final JWSVerifierFactory verifierFactory = new DefaultJWSVerifierFactory();
  private final String issuer;
  private final String audience;
  private final Clock clock;
  private final BooleanSupplier keysFetched;

  private JwtVerifier(JWKSource<SecurityContext> keys, BooleanSupplier keysFetched,
      String issuer, String audience, Clock clock) {
    this.keySelector = new JWSVerificationKeySelector<>(ACCEPTED_ALGORITHMS, keys);
    this.keysFetched = keysFetched;
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.audience = Objects.requireNonNull(audience, "audience");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Accepts tokens signed with the embedded key, i.e. those of a {@link TokenIssuer}. */
  public static JwtVerifier local(
      LocalSigningKey key, String issuer, String audience, Clock clock) {
    return new JwtVerifier(
        new ImmutableJWKSet<>(key.publicKeys()), () -> true, issuer, audience, clock);
  }

  /**
   * Accepts tokens signed with a key published at {@code jwksUrl} (Entra ID, Keycloak). Keys are
   * cached for five minutes and refetched early when a token names an unknown key, at most twice
   * per thirty seconds; one fetch takes at most a few seconds. While the endpoint fails, the last
   * keys fetched stay in use for up to an hour.
   */
  public static JwtVerifier remote(URL jwksUrl, String issuer, String audience, Clock clock) {
    DefaultResourceRetriever retriever = new DefaultResourceRetriever(
        (int) FETCH_CONNECT_TIMEOUT.toMillis(),
        (int) FETCH_READ_TIMEOUT.toMillis(),
        FETCH_SIZE_LIMIT_BYTES);
    RecordingSource fetches = new RecordingSource(new URLBasedJWKSetSource<>(jwksUrl, retriever));
    JWKSource<SecurityContext> keys = JWKSourceBuilder.create(fetches)
        .cache(CACHE_TIME_TO_LIVE.toMillis(), CACHE_REFRESH_WAIT.toMillis())
        .refreshAheadCache(false) // its default executor's thread would outlive the verifier
        .rateLimited(MIN_REFETCH_INTERVAL.toMillis())
        .outageTolerant(OUTAGE_TOLERANCE.toMillis())
        .build();
    return new JwtVerifier(keys, fetches::succeededOnce, issuer, audience, clock);
  }

  @Override
  public Principal verify(String compactJwt) throws InvalidTokenException {
    Instant now = clock.instant();
    SignatureChecked cached = compactJwt == null ? null : signatureChecked.get(compactJwt);
    JWTClaimsSet claims;
    if (cached != null && now.isBefore(cached.until())) {
      claims = cached.claims();
    } else {
      SignedJWT jwt = parse(compactJwt);
      checkHeader(jwt.getHeader());
      checkSignature(jwt);
      try {
        claims = jwt.getJWTClaimsSet();
      } catch (ParseException e) {
        throw new InvalidTokenException("malformed token claims");
      }
      checkClaims(claims);
      Principal principal = principal(claims);
      remember(compactJwt, claims, now);
      return principal;
    }
    checkClaims(claims);
    return principal(claims);
  }

  /**
   * Tokens whose signature was verified, so that a client reusing its token (the normal case) costs
   * one signature check per {@link #SIGNATURE_RECHECK}, not one per request: ECDSA verification is
   * most of a request's CPU otherwise. Claims (issuer, audience, expiry) are checked every time.
   */
  private record SignatureChecked(JWTClaimsSet claims, Instant until) {}

  private static final Duration SIGNATURE_RECHECK = Duration.ofMinutes(5);
  private static final int MAX_REMEMBERED_TOKENS = 10_000;
  private final Map<String, SignatureChecked> signatureChecked = new ConcurrentHashMap<>();

  private void remember(String token, JWTClaimsSet claims, Instant now) {
    if (signatureChecked.size() >= MAX_REMEMBERED_TOKENS) {
      signatureChecked.clear();
    }
    signatureChecked.put(token, new SignatureChecked(claims, now.plus(SIGNATURE_RECHECK)));
  }

  private static SignedJWT parse(String token) throws InvalidTokenException {
    if (token == null || token.isEmpty()) {
      throw new InvalidTokenException("token missing");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw new InvalidTokenException("token too large");
    }
    if (!COMPACT_FORM.matcher(token).matches()) {
      throw new InvalidTokenException("malformed token");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token);
    } catch (ParseException | RuntimeException e) {
      throw new InvalidTokenException("malformed token");
    }
    if (jwt instanceof PlainJWT) {
      throw new InvalidTokenException("unsupported algorithm none");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw new InvalidTokenException("encrypted tokens are not supported");
    }
    return signed;
  }

  private static void checkHeader(JWSHeader header) throws InvalidTokenException {
    JWSAlgorithm algorithm = header.getAlgorithm();
    if (!ACCEPTED_ALGORITHMS.contains(algorithm)) {
      String name = algorithm.getName();
      throw new InvalidTokenException(PRINTABLE_ALGORITHM.matcher(name).matches()
          ? "unsupported algorithm " + name
          : "unsupported algorithm");
    }
    JOSEObjectType type = header.getType();
    if (type != null && !ACCEPTED_TYPES.contains(type.getType().toLowerCase(Locale.ROOT))) {
      throw new InvalidTokenException("unsupported token type");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      throw new InvalidTokenException("unsupported critical header");
    }
  }

  private void checkSignature(SignedJWT jwt) throws InvalidTokenException {
    List<Key> candidates;
    try {
      candidates = keySelector.selectJWSKeys(jwt.getHeader(), null);
    } catch (RateLimitReachedException e) {
      // A refetch was wanted but one happened moments ago: for an unknown key id once keys have
      // been fetched, else because the endpoint keeps failing.
      throw new InvalidTokenException(
          keysFetched.getAsBoolean() ? "unknown signing key" : "signing keys unavailable", e);
    } catch (KeySourceException e) {
      throw new InvalidTokenException("signing keys unavailable", e);
    }
    if (candidates.isEmpty()) {
      throw new InvalidTokenException("unknown signing key");
    }
    for (Key key : candidates) {
      try {
        if (jwt.verify(verifierFactory.createJWSVerifier(jwt.getHeader(), key))) {
          return;
        }
      } catch (JOSEException e) {
        // Not verifiable with this key; try the next.
      }
    }
    throw new InvalidTokenException("signature invalid");
  }

  private void checkClaims(JWTClaimsSet claims) throws InvalidTokenException {
    if (!issuer.equals(claims.getIssuer())) {
      throw new InvalidTokenException("wrong issuer");
    }
    List<String> audiences = claims.getAudience();
    if (audiences == null || !audiences.contains(audience)) {
      throw new InvalidTokenException("wrong audience");
    }
    Instant now = clock.instant();
    Date expiry = claims.getExpirationTime();
    if (expiry == null) {
      throw new InvalidTokenException("token has no expiry");
    }
    if (!now.isBefore(expiry.toInstant().plus(CLOCK_SKEW))) {
      throw new InvalidTokenException("token expired");
    }
    Date notBefore = claims.getNotBeforeTime();
    if (notBefore != null && now.plus(CLOCK_SKEW).isBefore(notBefore.toInstant())) {
      throw new InvalidTokenException("token not yet valid");
    }
    Date issuedAt = claims.getIssueTime();
    if (issuedAt != null && now.plus(CLOCK_SKEW).isBefore(issuedAt.toInstant())) {
      throw new InvalidTokenException("token issued in the future");
    }
  }

  private static Principal principal(JWTClaimsSet claims) throws InvalidTokenException {
    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new InvalidTokenException("token has no subject");
    }
    String clientId = stringClaim(claims, "azp")
        .or(() -> stringClaim(claims, "appid"))
        .orElse(subject);
    return new Principal(subject, clientId, roles(claims.getClaim("roles")));
  }

  private static Set<Role> roles(Object claim) throws InvalidTokenException {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    if (claim == null) {
      return roles;
    }
    if (!(claim instanceof List<?> values)) {
      throw new InvalidTokenException("roles claim is not an array of strings");
    }
    for (Object value : values) {
      if (!(value instanceof String name)) {
        throw new InvalidTokenException("roles claim is not an array of strings");
      }
      Role.fromClaim(name).ifPresent(roles::add);
    }
    return roles;
  }

  private static Optional<String> stringClaim(JWTClaimsSet claims, String name) {
    return claims.getClaim(name) instanceof String value && !value.isBlank()
        ? Optional.of(value)
        : Optional.empty();
  }

  /** Remembers whether any fetch of the key set has succeeded. */
  private static final class RecordingSource implements JWKSetSource<SecurityContext> {
    private final JWKSetSource<SecurityContext> source;
    private volatile boolean succeededOnce;

    RecordingSource(JWKSetSource<SecurityContext> source) {
      this.source = source;
    }

    boolean succeededOnce() {
      return succeededOnce;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long currentTime,
        SecurityContext context) throws KeySourceException {
      JWKSet keys = source.getJWKSet(refresh, currentTime, context);
      succeededOnce = true;
      return keys;
    }

    @Override
    public void close() throws IOException {
      source.close();
    }
  }
}
