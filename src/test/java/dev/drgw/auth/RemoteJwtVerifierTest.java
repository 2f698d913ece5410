package dev.drgw.auth;

import static dev.drgw.auth.JwtVerifierTest.rejection;
import static dev.drgw.auth.TestTokens.AUDIENCE;
import static dev.drgw.auth.TestTokens.ISSUER;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code remote} verifier against a real JWKS endpoint over loopback HTTP. */
class RemoteJwtVerifierTest {

  private static final Clock CLOCK = Clock.fixed(TestTokens.NOW, ZoneOffset.UTC);

  private static RSAKey rsa;
  private static ECKey p256;
  private static ECKey p384;
  private static ECKey p521;
  private static RSAKey unpublished;

  private JwksServer server;
  private JwtVerifier verifier;

  @BeforeAll
  static void keys() throws Exception {
    rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    p256 = new ECKeyGenerator(Curve.P_256).keyID("ec-256").generate();
    p384 = new ECKeyGenerator(Curve.P_384).keyID("ec-384").generate();
    p521 = new ECKeyGenerator(Curve.P_521).keyID("ec-521").generate();
    unpublished = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
  }

  @BeforeEach
  void start() throws Exception {
    server = new JwksServer();
    server.serve(new JWKSet(List.<JWK>of(rsa, p256, p384, p521)).toPublicJWKSet());
    verifier = JwtVerifier.remote(server.url(), ISSUER, AUDIENCE, CLOCK);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String token(JWK key, JWSAlgorithm algorithm) {
    return TestTokens.sign(key, algorithm, TestTokens.validClaims()
        .claim("roles", List.of("ProvisioningAPI.Write"))
        .claim("azp", "entra-client")
        .build());
  }

  private static JWK keyFor(String algorithm) {
    return switch (algorithm) {
      case "ES256" -> p256;
      case "ES384" -> p384;
      case "ES512" -> p521;
      default -> rsa;
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"RS256", "RS384", "RS512", "PS256", "ES256", "ES384"})
  void acceptsTokensSignedByAPublishedKey(String algorithm) throws Exception {
    String token = token(keyFor(algorithm), JWSAlgorithm.parse(algorithm));

    Principal principal = verifier.verify(token);

    assertThat(principal).isEqualTo(new Principal("subject-1", "entra-client", Set.of(Role.WRITE)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PS384", "PS512", "ES512"})
  void rejectsOtherAlgorithmsEvenWithAPublishedKey(String algorithm) {
    String token = token(keyFor(algorithm), JWSAlgorithm.parse(algorithm));

    assertThat(rejection(verifier, token)).isEqualTo("unsupported algorithm " + algorithm);
  }

  @Test
  void rejectsHmacKeyedWithAPublishedKey() throws Exception {
    OctetSequenceKey secret = new OctetSequenceKey.Builder(rsa.toRSAPublicKey().getEncoded())
        .keyID("rsa-1").build();

    assertThat(rejection(verifier, token(secret, JWSAlgorithm.HS256)))
        .isEqualTo("unsupported algorithm HS256");
  }

  @Test
  void rejectsAnUnknownKeyId() {
    assertThat(rejection(verifier, token(unpublished, JWSAlgorithm.RS256)))
        .isEqualTo("unknown signing key");
  }

  @Test
  void rejectsAPublishedKeyIdWithAnotherKeysSignature() {
    RSAKey impostor = new RSAKey.Builder(unpublished).keyID("rsa-1").build();

    assertThat(rejection(verifier, token(impostor, JWSAlgorithm.RS256)))
        .isEqualTo("signature invalid");
  }

  @Test
  void cachesTheKeySet() throws Exception {
    String token = token(rsa, JWSAlgorithm.RS256);
    for (int i = 0; i < 20; i++) {
      verifier.verify(token);
    }

    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void refetchesWhenATokenNamesANewKey() throws Exception {
    verifier.verify(token(rsa, JWSAlgorithm.RS256));
    server.serve(new JWKSet(List.<JWK>of(rsa, unpublished)).toPublicJWKSet());

    assertThat(verifier.verify(token(unpublished, JWSAlgorithm.RS256)).subject())
        .isEqualTo("subject-1");
    assertThat(server.requests()).isEqualTo(2);
  }

  @Test
  void limitsRefetchesForUnknownKeys() {
    String unknown = token(unpublished, JWSAlgorithm.RS256);
    for (int i = 0; i < 50; i++) {
      assertThat(rejection(verifier, unknown)).isEqualTo("unknown signing key");
    }

    assertThat(server.requests()).isBetween(1, 2);
  }

  @Test
  void aServerThatIsDownMeansInvalidTokens() throws Exception {
    URL url = server.url();
    server.close();
    JwtVerifier orphan = JwtVerifier.remote(url, ISSUER, AUDIENCE, CLOCK);

    long started = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      assertThat(rejection(orphan, token(rsa, JWSAlgorithm.RS256)))
          .isEqualTo("signing keys unavailable");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void keysAlreadyFetchedOutliveALaterOutage() throws Exception {
    String token = token(rsa, JWSAlgorithm.RS256);
    verifier.verify(token);
    server.close();

    assertThat(verifier.verify(token).subject()).isEqualTo("subject-1");
    assertThat(rejection(verifier, token(unpublished, JWSAlgorithm.RS256)))
        .isEqualTo("unknown signing key");
  }

  @Test
  void aServerThatNeverAnswersIsBoundedByTheFetchTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      URL url = new URL("http", silent.getInetAddress().getHostAddress(), silent.getLocalPort(),
          "/jwks");
      JwtVerifier stuck = JwtVerifier.remote(url, ISSUER, AUDIENCE, CLOCK);

      long started = System.nanoTime();
      assertThat(rejection(stuck, token(rsa, JWSAlgorithm.RS256)))
          .isEqualTo("signing keys unavailable");
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      assertThat(elapsed).isGreaterThanOrEqualTo(JwtVerifier.FETCH_READ_TIMEOUT.minusMillis(100));
      assertThat(elapsed).isLessThan(JwtVerifier.FETCH_READ_TIMEOUT.multipliedBy(3));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{\"keys\":5}", "[]"})
  void anUnreadableKeySetMeansInvalidTokens(String body) throws Exception {
    server.serve(200, body);

    assertThat(rejection(verifier, token(rsa, JWSAlgorithm.RS256)))
        .isEqualTo("signing keys unavailable");
  }

  @Test
  void anErrorStatusMeansInvalidTokens() {
    server.serve(500, "{\"keys\":[]}");

    assertThat(rejection(verifier, token(rsa, JWSAlgorithm.RS256)))
        .isEqualTo("signing keys unavailable");
  }

  @Test
  void oneVerifierServesManyThreads() throws Exception {
    Map<String, String> expected = Map.of(
        token(rsa, JWSAlgorithm.RS256), "ok",
        token(p256, JWSAlgorithm.ES256), "ok",
        token(p384, JWSAlgorithm.ES384), "ok",
        token(unpublished, JWSAlgorithm.RS256), "unknown signing key",
        token(new RSAKey.Builder(unpublished).keyID("rsa-1").build(), JWSAlgorithm.PS256),
        "signature invalid");
    List<String> tokens = List.copyOf(expected.keySet());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Map<String, String>>> jobs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        jobs.add(() -> {
          Map<String, String> seen = new HashMap<>();
          for (int i = 0; i < 50; i++) {
            for (String token : tokens) {
              String outcome;
              try {
                verifier.verify(token);
                outcome = "ok";
              } catch (InvalidTokenException e) {
                outcome = e.getMessage();
              }
              String previous = seen.put(token, outcome);
              if (previous != null && !previous.equals(outcome)) {
                return Map.of(token, previous + " then " + outcome);
              }
            }
          }
          return seen;
        });
      }
      for (Future<Map<String, String>> result : pool.invokeAll(jobs, 60, TimeUnit.SECONDS)) {
        assertThat(result.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.requests()).isBetween(1, 3);
  }

  @Test
  void publicKeysOfALocalSigningKeyServeAsARemoteKeySet(@TempDir Path dataDir) throws Exception {
    LocalSigningKey local = LocalSigningKey.loadOrCreate(dataDir);
    server.serve(local.publicKeys());
    String token = new TokenIssuer(local, ISSUER, AUDIENCE, CLOCK)
        .issue("drgw-cli", Set.of(Role.DELETE), Duration.ofMinutes(5));

    assertThat(verifier.verify(token).roles()).containsExactly(Role.DELETE);
    assertThat(server.requests()).isEqualTo(1);
  }
}
