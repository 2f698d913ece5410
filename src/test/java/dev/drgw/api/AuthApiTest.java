package dev.drgw.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.drgw.auth.LocalSigningKey;
import dev.drgw.auth.Role;
import dev.drgw.auth.TokenIssuer;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.ApiClient.Response;
import dev.drgw.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bearer tokens and roles, against the whole server over loopback: which tokens are refused (401
 * with a {@code WWW-Authenticate} challenge, never a 500), and which role opens which operation
 * (403 otherwise, with nothing changed).
 */
class AuthApiTest {

  private static final String TENANT = "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11";
  private static final String CHALLENGE = "Bearer realm=\"drgw\"";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private static TestServer server;
  private static LocalSigningKey serverKey;

  @BeforeAll
  static void start() throws IOException {
    server = TestServer.start(Map.of());
    serverKey = LocalSigningKey.loadOrCreate(server.config().dataDir());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void noAuthorizationHeaderIsChallenged() {
    Response r = server.anonymous().get("/accounts");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).isEqualTo(CHALLENGE);
    assertAzureError(r, "Unauthorized");
  }

  @ParameterizedTest(name = "Authorization: [{0}]")
  @ValueSource(strings = {"Basic dXNlcjpwYXNzd29yZA==", "Basic xxx", "Bearer", "Bearer    ", "Token abc", "Digest x"})
  void authorizationWithoutABearerTokenIsChallenged(String authorization) {
    Response r = server.anonymous().with("Authorization", authorization).get("/accounts");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith(CHALLENGE);
    assertAzureError(r, "Unauthorized");
  }

  @Test
  void anExpiredTokenIsRefusedSayingItExpired() {
    Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
    String token =
        new TokenIssuer(serverKey, issuer(), audience(), twoHoursAgo)
            .issue("test-client", EnumSet.of(Role.ADMIN), Duration.ofHours(1));

    Response r = bearer(token).get("/accounts");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate"))
        .startsWith(CHALLENGE)
        .contains("error=\"invalid_token\"")
        .containsPattern("error_description=\"[^\"]*expire");
    assertAzureError(r, "Unauthorized");
  }

  static Stream<Arguments> refusedTokens() {
    return Stream.of(
        arguments(named("signed by another key", otherKeyIssuer(issuer(), audience())
            .issue("test-client", EnumSet.of(Role.ADMIN), Duration.ofHours(1)))),
        arguments(named("signed by another key under the server key's kid", forgedWithServerKid())),
        arguments(named("alg none, empty signature", unsecured())),
        arguments(named("HS256 keyed with the server's public key", hs256())),
        arguments(named("wrong audience", new TokenIssuer(serverKey, issuer(), "someone-else",
            Clock.systemUTC()).issue("test-client", EnumSet.of(Role.ADMIN), Duration.ofHours(1)))),
        arguments(named("wrong issuer", new TokenIssuer(serverKey, "someone-else", audience(),
            Clock.systemUTC()).issue("test-client", EnumSet.of(Role.ADMIN), Duration.ofHours(1)))),
        arguments(named("issued an hour in the future", new TokenIssuer(serverKey, issuer(),
            audience(), Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC))
            .issue("test-client", EnumSet.of(Role.ADMIN), Duration.ofHours(2)))),
        arguments(named("signature cut off", withoutSignature(validAdminToken()))),
        arguments(named("garbage", "garbage")),
        arguments(named("three dots of garbage", "a.b.c")),
        arguments(named("base64 of nothing", "eyJ9.eyJ9.")),
        arguments(named("only dots", "...")),
        arguments(named("five parts, shaped like a JWE", "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d")),
        arguments(named("RS256 header, payload not JSON", b64("{\"alg\":\"RS256\"}") + "." + b64("not json") + ".c2ln")),
        arguments(named("header not JSON", b64("not json") + "." + b64("{}") + ".c2ln")),
        arguments(named("two words", "abc def")),
        arguments(named("20 KB of letters", "a".repeat(20 * 1024))),
        arguments(named("a valid token padded to 20 KB", validAdminToken() + "A".repeat(20 * 1024))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedTokens")
  void invalidTokensAreRefusedWith401(String token) {
    Response r = bearer(token).get("/accounts");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate"))
        .startsWith(CHALLENGE)
        .contains("error=\"invalid_token\"");
    assertAzureError(r, "Unauthorized");
  }

  @Test
  void theValidTokenTheRefusalsAreBuiltFromIsAccepted() {
    assertThat(bearer(validAdminToken()).get("/accounts").status()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bearer", "BEARER", "Bearer"})
  void theSchemeNameIsCaseInsensitive(String scheme) {
    Response r = server.anonymous().with("Authorization", scheme + " " + validAdminToken()).get("/accounts");

    assertThat(r.status()).as("%s", brief(r)).isEqualTo(200);
  }

  /** The operation classes of the API, each with the role it needs and its success status. */
  enum Operation {
    LIST_ACCOUNTS(Role.READ, 200) {
      @Override
      Response send(ApiClient c, Fixture f) {
        return c.get("/accounts");
      }
    },
    LIST_NUMBERS(Role.READ, 200) {
      @Override
      Response send(ApiClient c, Fixture f) {
        return c.get("/numbers");
      }
    },
    PUT_ACCOUNT(Role.WRITE, 200) {
      @Override
      Response send(ApiClient c, Fixture f) {
        return c.put("/accounts/" + f.account(), accountBody(f.account(), "changed"));
      }
    },
    PUT_NUMBER(Role.WRITE, 200) {
      @Override
      Response send(ApiClient c, Fixture f) {
        return c.put(f.numberPath(), numberBody(f.account(), f.number(), "changed"));
      }
    },
    CREATE_OR_UPDATE_NUMBERS(Role.WRITE, 200) {
      @Override
      Response send(ApiClient c, Fixture f) {
        return c.post(
            "/accounts/" + f.account() + ":createOrUpdateNumbers",
            "{\"numbers\":[" + numberBody(f.account(), f.number(), "changed") + "]}");
      }
    },
    DELETE_ACCOUNT(Role.DELETE, 204) {
      @Override
      Response send(ApiClient c, Fixture f) {
        return c.delete("/accounts/" + f.account() + "?deleteNumbers=true");
      }
    },
    DELETE_NUMBER(Role.DELETE, 204) {
      @Override
      Response send(ApiClient c, Fixture f) {
        return c.delete(f.numberPath());
      }
    },
    DELETE_NUMBERS(Role.DELETE, 204) {
      @Override
      Response send(ApiClient c, Fixture f) {
        return c.post(
            "/accounts/" + f.account() + ":deleteNumbers",
            "{\"numbers\":[{\"telephoneNumber\":\"" + f.number() + "\"}]}");
      }
    };

    final Role needs;
    final int success;

    Operation(Role needs, int success) {
      this.needs = needs;
      this.success = success;
    }

    abstract Response send(ApiClient client, Fixture fixture);
  }

  /** A fresh account holding one number, made by an admin for one case. */
  record Fixture(String account, String number) {
    String numberPath() {
      return "/accounts/" + account + "/numbers/" + number.replace("+", "%2B");
    }
  }

  static Stream<Arguments> roleMatrix() {
    List<Arguments> cases = new ArrayList<>();
    for (Role role : Role.values()) {
      for (Operation op : Operation.values()) {
        cases.add(arguments(role, op, role == Role.ADMIN || role == op.needs));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}: allowed = {2}")
  @MethodSource("roleMatrix")
  void eachRoleOpensExactlyItsOperations(Role role, Operation op, boolean allowed) {
    Fixture f = fixture();
    List<String> before = etags(f);

    Response r = op.send(server.client(role), f);

    if (allowed) {
      assertThat(r.status()).as("%s", brief(r)).isEqualTo(op.success);
    } else {
      assertThat(r.status()).as("%s", brief(r)).isEqualTo(403);
      assertAzureError(r, "Forbidden");
      assertThat(etags(f)).as("a refused request changes nothing").isEqualTo(before);
    }
  }

  @ParameterizedTest
  @EnumSource(Operation.class)
  void aTokenWithoutRolesIsForbiddenEverything(Operation op) {
    Fixture f = fixture();
    List<String> before = etags(f);

    Response r = op.send(bearer(server.token()), f);

    assertThat(r.status()).as("%s", brief(r)).isEqualTo(403);
    assertAzureError(r, "Forbidden");
    assertThat(etags(f)).isEqualTo(before);
  }

  @Test
  void tokensAreCheckedAgainstAConfiguredJwksUrl() throws IOException {
    LocalSigningKey entraKey = LocalSigningKey.loadOrCreate(TestServer.newDataDir());
    byte[] jwks = entraKey.publicKeys().toString(true).getBytes(StandardCharsets.UTF_8);
    AtomicInteger fetches = new AtomicInteger();
    HttpServer jwksServer =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    jwksServer.createContext(
        "/keys",
        exchange -> {
          fetches.incrementAndGet();
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, jwks.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(jwks);
          }
        });
    jwksServer.start();
    String url = "http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/keys";
    try (TestServer remote =
        TestServer.start(
            Map.of(
                "DRGW_AUTH_JWKS_URL", url,
                "DRGW_AUTH_ISSUER", "https://login.example/tenant",
                "DRGW_AUTH_AUDIENCE", "api://drgw"))) {
      String entraToken =
          new TokenIssuer(entraKey, "https://login.example/tenant", "api://drgw", Clock.systemUTC())
              .issue("entra-app", EnumSet.of(Role.READ), Duration.ofHours(1));
      ApiClient entra = remote.anonymous().with("Authorization", "Bearer " + entraToken);

      Response accepted = entra.get("/accounts");
      Response local = remote.client(Role.READ).get("/accounts");

      assertThat(accepted.status()).as("%s", accepted).isEqualTo(200);
      assertThat(fetches.get()).as("JWKS fetches").isPositive();
      assertThat(local.status()).as("token signed with the local key").isEqualTo(401);
      assertThat(local.header("WWW-Authenticate")).startsWith(CHALLENGE);
    } finally {
      jwksServer.stop(0);
    }
  }

  // --- helpers

  private static String issuer() {
    return server.config().auth().issuer();
  }

  private static String audience() {
    return server.config().auth().audience();
  }

  private static ApiClient bearer(String token) {
    return server.anonymous().with("Authorization", "Bearer " + token);
  }

  private static void assertAzureError(Response r, String code) {
    assertThat(r.errorCode()).as("%s", r).isEqualTo(code);
    assertThat(r.header("x-ms-error-code")).isEqualTo(code);
  }

  private static String validAdminToken() {
    return new TokenIssuer(serverKey, issuer(), audience(), Clock.systemUTC())
        .issue("test-client", EnumSet.of(Role.ADMIN), Duration.ofHours(1));
  }

  private static TokenIssuer otherKeyIssuer(String issuer, String audience) {
    try {
      return new TokenIssuer(
          LocalSigningKey.loadOrCreate(TestServer.newDataDir()), issuer, audience, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JWTClaimsSet adminClaims() {
    Instant now = Instant.now();
    return new JWTClaimsSet.Builder()
        .issuer(issuer())
        .audience(audience())
        .subject("test-client")
        .claim("roles", List.of(Role.ADMIN.claimValue()))
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
        .build();
  }

  private static String serverKid() {
    return serverKey.publicKeys().getKeys().get(0).getKeyID();
  }

  private static String forgedWithServerKid() {
    try {
      ECKey forger = new ECKeyGenerator(Curve.P_256).keyID(serverKid()).generate();
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(serverKid()).type(JOSEObjectType.JWT).build(),
              adminClaims());
      jwt.sign(new ECDSASigner(forger));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String unsecured() {
    return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(adminClaims().toString()) + ".";
  }

  private static String hs256() {
    try {
      byte[] secret = serverKey.publicKeys().toString(true).getBytes(StandardCharsets.UTF_8);
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(serverKid()).type(JOSEObjectType.JWT).build(),
              adminClaims());
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String brief(Response r) {
    String text = r.toString();
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }

  private static String withoutSignature(String token) {
    return token.substring(0, token.lastIndexOf('.') + 1);
  }

  private static String b64(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static Fixture fixture() {
    int n = SEQUENCE.incrementAndGet();
    String account = "auth-" + n + "-" + UUID.randomUUID().toString().substring(0, 8);
    String number = "+1555" + String.format("%07d", n);
    ApiClient admin = server.client(Role.ADMIN);
    Response a = admin.put("/accounts/" + account, accountBody(account, "original"));
    assertThat(a.status()).as("%s", a).isEqualTo(201);
    Fixture f = new Fixture(account, number);
    Response num = admin.put(f.numberPath(), numberBody(account, number, "original"));
    assertThat(num.status()).as("%s", num).isEqualTo(201);
    return f;
  }

  /** The ETags of the fixture's account and number as an admin sees them (null when absent). */
  private static List<String> etags(Fixture f) {
    ApiClient admin = server.client(Role.ADMIN);
    Response a = admin.get("/accounts/" + f.account());
    Response n = admin.get(f.numberPath());
    return List.of(a.status() + " " + a.header("ETag"), n.status() + " " + n.header("ETag"));
  }

  private static String accountBody(String name, String correlationId) {
    return """
        {"name":"%s","correlationId":"%s","serviceDetails":{"teamsTenantId":"%s",
         "teamsDirectRouting":{"syncEnabled":false,"enabled":false}}}
        """
        .formatted(name, correlationId, TENANT);
  }

  private static String numberBody(String account, String number, String header) {
    return """
        {"telephoneNumber":"%s","accountName":"%s",
         "serviceDetails":{"teamsDirectRouting":{"enabled":false}},
         "configuration":{"customSipHeader":"%s"}}
        """
        .formatted(number, account, header);
  }
}
