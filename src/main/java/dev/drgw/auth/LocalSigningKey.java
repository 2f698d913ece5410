package dev.drgw.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;

/**
 * The embedded signing key: an EC P-256 private JWK in {@code <dataDir>/auth/signing-key.jwk},
 * created on first use, readable by the owner only.
 */
public final class LocalSigningKey {

  static final String DIRECTORY = "auth";
  static final String FILE_NAME = "signing-key.jwk";

  private final ECKey privateKey;
  private final JWKSet publicKeys;

  private LocalSigningKey(ECKey privateKey) {
    this.privateKey = privateKey;
    this.publicKeys = new JWKSet(privateKey.toPublicJWK());
  }

  /**
   * Loads the key, creating it first if absent. Safe when several processes start at once: all end
   * up with the key that reached the disk first.
   */
  public static LocalSigningKey loadOrCreate(Path dataDir) throws IOException {
    Path dir = dataDir.resolve(DIRECTORY);
    Path file = dir.resolve(FILE_NAME);
    if (Files.notExists(file)) {
      Files.createDirectories(dataDir);
      createOwnerOnlyDirectory(dir);
      publish(dir, file, generate().toJSONString());
    }
    return load(file);
  }

  /** The public half, as served to verifiers. */
  public JWKSet publicKeys() {
    return publicKeys;
  }

  ECKey privateKey() {
    return privateKey;
  }

  private static ECKey generate() {
    try {
      return new ECKeyGenerator(Curve.P_256)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256)
          .keyIDFromThumbprint(true)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an EC P-256 key", e);
    }
  }

  private static void createOwnerOnlyDirectory(Path dir) throws IOException {
    try {
      if (isPosix(dir)) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /**
   * Writes {@code json} to a temporary file next to {@code file}, then links it into place. The
   * link fails if {@code file} already exists, so a key written meanwhile by a racing process is
   * kept, never replaced.
   */
  private static void publish(Path dir, Path file, String json) throws IOException {
    FileAttribute<?>[] ownerOnly = isPosix(dir)
        ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    Path tmp = Files.createTempFile(dir, FILE_NAME + ".", ".tmp", ownerOnly);
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
        channel.force(true);
      }
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException e) {
        // Another process won the race; its key is the one to use.
      } catch (UnsupportedOperationException | FileSystemException e) {
        moveUnlessPresent(tmp, file);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Fallback for file systems without hard links; not atomic, but never replaces a key. */
  private static void moveUnlessPresent(Path tmp, Path file) throws IOException {
    try {
      Files.move(tmp, file);
    } catch (FileAlreadyExistsException e) {
      // Another process won the race.
    }
  }

  private static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  static LocalSigningKey load(Path file) throws IOException {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw unusable(file, "not UTF-8 text");
    }
    JWK jwk;
    try {
      jwk = JWK.parse(json);
    } catch (ParseException | RuntimeException e) {
      throw unusable(file, "not a JSON Web Key");
    }
    if (!(jwk instanceof ECKey key) || !Curve.P_256.equals(key.getCurve())) {
      throw unusable(file, "not an EC P-256 key");
    }
    if (!key.isPrivate()) {
      throw unusable(file, "no private key");
    }
    if (key.getKeyID() == null || key.getKeyID().isBlank()) {
      throw unusable(file, "no key id");
    }
    if (!signsAndVerifies(key)) {
      throw unusable(file, "private and public parts do not match");
    }
    return new LocalSigningKey(key);
  }

  private static boolean signsAndVerifies(ECKey key) {
    try {
      JWSObject probe = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload("probe"));
      probe.sign(new ECDSASigner(key));
      return probe.verify(new ECDSAVerifier(key.toPublicJWK()));
    } catch (JOSEException e) {
      return false;
    }
  }

  private static IOException unusable(Path file, String reason) {
    return new IOException("Signing key file " + file + " is unusable (" + reason + "). Delete it"
        + " to generate a new key; tokens signed with the old key will no longer be accepted.");
  }
}
