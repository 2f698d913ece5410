package dev.drgw.auth;

import static dev.drgw.auth.TestTokens.AUDIENCE;
import static dev.drgw.auth.TestTokens.ISSUER;
import static dev.drgw.auth.TestTokens.b64;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Whatever arrives as a bearer token, the verifier answers with a principal or a safe reason. */
class JwtVerifierFuzzTest {

  private static final Clock CLOCK = Clock.fixed(TestTokens.NOW, ZoneOffset.UTC);
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \"\\\u00e9\n";

  @TempDir static Path dataDir;

  private static JwtVerifier verifier;
  private static String valid;
  private static Principal validPrincipal;

  @BeforeAll
  static void setUp() throws Exception {
    LocalSigningKey key = LocalSigningKey.loadOrCreate(dataDir);
    verifier = JwtVerifier.local(key, ISSUER, AUDIENCE, CLOCK);
    valid = new TokenIssuer(key, ISSUER, AUDIENCE, CLOCK)
        .issue("fuzz", Set.of(Role.READ), Duration.ofMinutes(5));
    validPrincipal = verifier.verify(valid);
  }

  static Stream<String> garbage() throws IOException {
    String claims = TestTokens.validClaims().build().toString();
    String deep = "[".repeat(5000) + "]".repeat(5000);
    return Stream.of(
        "", " ", ".", "..", "...", "....", "a.b.c", "a.b.c.d.e", "eyJ.eyJ.", "eyJhbGciOiJFUzI1NiJ9",
        "Bearer " + valid, valid + " ", " " + valid, valid + ".", valid.replace('.', ','),
        "\u00fc.\u00fc.\u00fc", "\u0000\u0000.\u0000.\u0000",
        b64("{}") + "." + b64(claims) + ".c2ln",
        b64("null") + "." + b64(claims) + ".c2ln",
        b64("[]") + "." + b64(claims) + ".c2ln",
        b64("{\"alg\":5}") + "." + b64(claims) + ".c2ln",
        b64("{\"alg\":\"ES256\"}") + "." + b64("not json") + ".c2ln",
        b64("{\"alg\":\"ES256\"}") + "." + b64("[1,2]") + ".c2ln",
        b64("{\"alg\":\"ES256\"}") + "." + b64(claims) + ".!!!",
        b64("{\"alg\":\"ES256\",\"x\":" + deep + "}") + "." + b64(claims) + ".c2ln",
        b64("{\"alg\":\"ES256\"}") + "." + b64("{\"x\":" + deep + "}") + ".c2ln",
        b64("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\"}") + ".a.b.c.d",
        b64("{\"alg\":\"none\"}") + "." + b64(claims) + ".c2ln",
        "x".repeat(JwtVerifier.MAX_TOKEN_CHARS),
        "a.".repeat(JwtVerifier.MAX_TOKEN_CHARS / 2),
        ".".repeat(JwtVerifier.MAX_TOKEN_CHARS + 1),
        "x".repeat(JwtVerifier.MAX_TOKEN_CHARS * 8));
  }

  @ParameterizedTest
  @MethodSource("garbage")
  void garbageIsAnInvalidToken(String token) {
    assertSafeRejection(token, JwtVerifierTest.rejection(verifier, token));
  }

  @Test
  void nullIsAnInvalidToken() {
    assertThat(JwtVerifierTest.rejection(verifier, null)).isEqualTo("token missing");
  }

  @Test
  void randomStrings() {
    Random random = new Random(20300101);
    for (int i = 0; i < 5_000; i++) {
      StringBuilder token = new StringBuilder();
      int length = random.nextInt(200);
      for (int j = 0; j < length; j++) {
        token.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      outcome(token.toString());
    }
  }

  @Test
  void singleCharacterChangesAtEveryPositionOfAValidToken() {
    String replacements = "AQgw_-.x0";
    Random random = new Random(7);
    for (int i = 0; i < valid.length(); i++) {
      char c = replacements.charAt(random.nextInt(replacements.length()));
      if (valid.charAt(i) != c) {
        outcome(valid.substring(0, i) + c + valid.substring(i + 1));
      }
      outcome(valid.substring(0, i) + valid.substring(i + 1));
      outcome(valid.substring(0, i));
    }
  }

  /** Accepts only the untouched claims; any other outcome must be a safe rejection. */
  private static void outcome(String token) {
    try {
      assertThat(verifier.verify(token)).as(token).isEqualTo(validPrincipal);
    } catch (InvalidTokenException e) {
      assertSafeRejection(token, e.getMessage());
    }
  }

  private static void assertSafeRejection(String token, String message) {
    assertThat(message).as(token).matches("[\\x20-\\x7e&&[^\"\\\\]]{1,200}");
    if (token != null && token.length() > 12) {
      assertThat(message).as(token).doesNotContain(token);
    }
  }
}
