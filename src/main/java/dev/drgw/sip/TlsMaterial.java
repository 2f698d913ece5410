package dev.drgw.sip;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The Teams side's TLS identity and trust, read from PEM files: a certificate chain (leaf first),
 * an unencrypted PKCS#8 private key, and optionally the CA certificates to trust (without them,
 * the JDK's trusted CAs, which include the ones Microsoft's proxies use).
 */
public record TlsMaterial(List<X509Certificate> chain, PrivateKey key, Optional<List<X509Certificate>> trusted) {

  /** A file that cannot be used, with the reason in plain words. */
  public static final class BadTlsFile extends Exception {
    BadTlsFile(Path file, String problem) {
      super(file + ": " + problem);
    }

    BadTlsFile(Path file, String problem, Throwable cause) {
      super(file + ": " + problem, cause);
    }
  }

  public TlsMaterial {
    chain = List.copyOf(chain);
    trusted = trusted.map(List::copyOf);
  }

  /** Reads the files; fails with a message naming the file and what is wrong with it. */
  public static TlsMaterial load(Path certificate, Path privateKey, Optional<Path> trust) throws BadTlsFile {
    List<X509Certificate> chain = certificates(certificate);
    PrivateKey key = privateKey(privateKey);
    Optional<List<X509Certificate>> trusted = trust.isPresent() ? Optional.of(certificates(trust.get())) : Optional.empty();
    return new TlsMaterial(chain, key, trusted);
  }

  /** A TLS 1.2/1.3 context presenting this identity (as server and client) and trusting the CAs. */
  public SSLContext sslContext() throws GeneralSecurityException {
    char[] password = new char[32];
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < password.length; i++) {
      password[i] = (char) ('a' + random.nextInt(26));
    }
    try {
      KeyStore identity = KeyStore.getInstance("PKCS12");
      identity.load(null, null);
      identity.setKeyEntry("drgw", key, password, chain.toArray(new Certificate[0]));
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(identity, password);
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (trusted.isPresent()) {
        KeyStore cas = KeyStore.getInstance("PKCS12");
        cas.load(null, null);
        int n = 0;
        for (X509Certificate ca : trusted.get()) {
          cas.setCertificateEntry("ca" + n++, ca);
        }
        trust.init(cas);
      } else {
        trust.init((KeyStore) null);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trust.getTrustManagers(), random);
      return context;
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static List<X509Certificate> certificates(Path file) throws BadTlsFile {
    byte[] bytes = read(file);
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new BadTlsFile(file, "holds no certificate (expected PEM blocks \"-----BEGIN CERTIFICATE-----\")");
      }
      return out;
    } catch (java.security.cert.CertificateException e) {
      throw new BadTlsFile(file, "is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path file) throws BadTlsFile {
    String text = new String(read(file), StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      String hint = text.contains("ENCRYPTED PRIVATE KEY") ? "is encrypted"
          : text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY") ? "is not in PKCS#8 form"
          : "holds no \"" + begin + "\" block";
      throw new BadTlsFile(file, hint + "; convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem");
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(text.substring(from + begin.length(), to).replaceAll("\\s", ""));
    } catch (IllegalArgumentException e) {
      throw new BadTlsFile(file, "the key is not valid base64", e);
    }
    for (String algorithm : List.of("EC", "RSA", "Ed25519", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // try the next algorithm
      }
    }
    throw new BadTlsFile(file, "the key is neither EC, RSA nor Ed25519 PKCS#8");
  }

  private static byte[] read(Path file) throws BadTlsFile {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BadTlsFile(file, "cannot be read (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  @Override
  public String toString() {
    return "TlsMaterial[" + chain.get(0).getSubjectX500Principal() + ", key=***]";
  }
}
