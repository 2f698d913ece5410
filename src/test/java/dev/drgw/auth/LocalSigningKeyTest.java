package dev.drgw.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LocalSigningKeyTest {

  private static final Clock CLOCK = Clock.fixed(TestTokens.NOW, ZoneOffset.UTC);

  @TempDir Path dataDir;

  private Path keyFile() {
    return dataDir.resolve("auth").resolve("signing-key.jwk");
  }

  @Test
  void createsAPrivateP256KeyWithAKeyId() throws Exception {
    LocalSigningKey.loadOrCreate(dataDir);

    JWK stored = JWK.parse(Files.readString(keyFile()));
    assertThat(stored).isInstanceOf(ECKey.class);
    assertThat(((ECKey) stored).getCurve()).isEqualTo(Curve.P_256);
    assertThat(stored.isPrivate()).isTrue();
    assertThat(stored.getKeyID()).isNotBlank();
  }

  @Test
  void createsTheFileOwnerOnly() throws Exception {
    if (System.getenv("CI") != null) {
      // CI runs on Linux: a file system without POSIX permissions there is a fault, not a skip.
      assertThat(dataDir.getFileSystem().supportedFileAttributeViews()).contains("posix");
    }
    assumeThat(dataDir.getFileSystem().supportedFileAttributeViews()).contains("posix");

    LocalSigningKey.loadOrCreate(dataDir);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile().getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void publishesOnlyThePublicHalf() throws Exception {
    LocalSigningKey key = LocalSigningKey.loadOrCreate(dataDir);

    assertThat(key.publicKeys().getKeys()).singleElement()
        .satisfies(jwk -> assertThat(jwk.isPrivate()).isFalse())
        .satisfies(jwk -> assertThat(jwk.getKeyID()).isEqualTo(key.privateKey().getKeyID()));
    assertThat(key.publicKeys().toString()).doesNotContain("\"d\"");
  }

  @Test
  void reloadsTheSameKey() throws Exception {
    LocalSigningKey first = LocalSigningKey.loadOrCreate(dataDir);
    LocalSigningKey second = LocalSigningKey.loadOrCreate(dataDir);

    assertThat(second.publicKeys().toJSONObject()).isEqualTo(first.publicKeys().toJSONObject());
    String token = new TokenIssuer(first, TestTokens.ISSUER, TestTokens.AUDIENCE, CLOCK)
        .issue("someone", Set.of(Role.READ), Duration.ofMinutes(5));
    Principal principal =
        JwtVerifier.local(second, TestTokens.ISSUER, TestTokens.AUDIENCE, CLOCK).verify(token);
    assertThat(principal.subject()).isEqualTo("someone");
  }

  @Test
  void aNewDataDirGetsANewKey() throws Exception {
    LocalSigningKey first = LocalSigningKey.loadOrCreate(dataDir.resolve("a"));
    LocalSigningKey second = LocalSigningKey.loadOrCreate(dataDir.resolve("b"));

    assertThat(second.publicKeys().toJSONObject()).isNotEqualTo(first.publicKeys().toJSONObject());
  }

  static Stream<Arguments> unusableFiles() throws Exception {
    ECKey p256 = new ECKeyGenerator(Curve.P_256).keyIDFromThumbprint(true).generate();
    ECKey otherP256 = new ECKeyGenerator(Curve.P_256).generate();
    ECKey mismatched = new ECKey.Builder(p256.toPublicJWK()).d(otherP256.getD()).build();
    return Stream.of(
        Arguments.of("empty", ""),
        Arguments.of("not json", "this is not a key"),
        Arguments.of("truncated", p256.toJSONString().substring(0, 40)),
        Arguments.of("json but not a key", "{\"hello\":\"world\"}"),
        Arguments.of("public key only", p256.toPublicJWK().toJSONString()),
        Arguments.of("no key id", new ECKeyGenerator(Curve.P_256).generate().toJSONString()),
        Arguments.of("P-384", new ECKeyGenerator(Curve.P_384).keyID("k").generate().toJSONString()),
        Arguments.of("RSA", new RSAKeyGenerator(2048).keyID("k").generate().toJSONString()),
        Arguments.of("mismatched private part", mismatched.toJSONString()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unusableFiles")
  void anUnusableFileIsAnIoErrorNamingTheFile(String name, String content) throws Exception {
    Files.createDirectories(keyFile().getParent());
    Files.writeString(keyFile(), content);

    assertThatThrownBy(() -> LocalSigningKey.loadOrCreate(dataDir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(keyFile().toString())
        .hasMessageContaining("Delete it");
    assertThat(Files.readString(keyFile())).as("never overwritten").isEqualTo(content);
  }

  @Test
  void binaryGarbageIsAnIoErrorNamingTheFile() throws Exception {
    Files.createDirectories(keyFile().getParent());
    Files.write(keyFile(), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3});

    assertThatThrownBy(() -> LocalSigningKey.loadOrCreate(dataDir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(keyFile().toString());
  }

  @Test
  void racingCreatorsEndWithTheSameKey() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 25; round++) {
        Path dir = dataDir.resolve("round-" + round);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<LocalSigningKey>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          results.add(pool.submit(() -> {
            start.await();
            return LocalSigningKey.loadOrCreate(dir);
          }));
        }
        Object expected = results.get(0).get(30, TimeUnit.SECONDS).publicKeys().toJSONObject();
        for (Future<LocalSigningKey> result : results) {
          assertThat(result.get(30, TimeUnit.SECONDS).publicKeys().toJSONObject())
              .as("round %d", round).isEqualTo(expected);
        }
        assertThat(LocalSigningKey.loadOrCreate(dir).publicKeys().toJSONObject())
            .isEqualTo(expected);
        try (Stream<Path> files = Files.list(dir.resolve("auth"))) {
          assertThat(files).as("no temporary files left").singleElement()
              .isEqualTo(dir.resolve("auth").resolve("signing-key.jwk"));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theStoredKeyIsForEs256Signatures() throws Exception {
    LocalSigningKey.loadOrCreate(dataDir);

    JWK stored = JWK.parse(Files.readString(keyFile(), StandardCharsets.UTF_8));
    assertThat(stored.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(stored.getKeyUse()).isEqualTo(KeyUse.SIGNATURE);
  }
}
