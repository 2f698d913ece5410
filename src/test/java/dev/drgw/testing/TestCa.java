package dev.drgw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for TLS tests: EC P-256 keys, SHA256withECDSA signatures,
 * certificates valid from an hour ago until a day from now. Certificates are built with
 * BouncyCastle's builder but keys, signatures and TLS come from the JDK's own providers (no
 * provider is registered), so what a test proves also holds for JSSE in production.
 */
public final class TestCa {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration BACKDATE = Duration.ofHours(1);
  private static final Duration LIFETIME = Duration.ofDays(1);
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final char[] KEY_STORE_PASSWORD = "changeit".toCharArray();
  private static final Base64.Encoder PEM_BASE64 =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private final X509Certificate certificate;
  private final PrivateKey privateKey;

  private TestCa(X509Certificate certificate, PrivateKey privateKey) {
    this.certificate = certificate;
    this.privateKey = privateKey;
  }

  /** A new self-signed CA with subject {@code CN=name}, allowed to sign certificates and CRLs. */
  public static TestCa create(String name) {
    KeyPair keys = newKeyPair();
    X500Name subject = cn(name);
    X509v3CertificateBuilder builder = builder(subject, subject, keys.getPublic());
    addExtension(builder, Extension.basicConstraints, true, new BasicConstraints(true));
    addExtension(builder, Extension.keyUsage, true,
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    addExtension(builder, Extension.subjectKeyIdentifier, false,
        extensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
    return new TestCa(sign(builder, keys.getPrivate()), keys.getPrivate());
  }

  /**
   * A leaf certificate for {@code CN=commonName}, signed by this CA, with the given DNS names
   * (wildcards such as {@code *.example.net} allowed) and IP addresses as subject alternative
   * names, and the extended key usages asked for.
   */
  public Issued issue(
      String commonName,
      List<String> dnsNames,
      List<String> ipAddresses,
      boolean serverAuth,
      boolean clientAuth) {
    KeyPair keys = newKeyPair();
    X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    X509v3CertificateBuilder builder = builder(cn(commonName), issuer, keys.getPublic());
    addLeafExtensions(builder, keys.getPublic(), dnsNames, ipAddresses, serverAuth, clientAuth);
    addExtension(builder, Extension.authorityKeyIdentifier, false,
        authorityKeyIdentifier(certificate));
    return new Issued(sign(builder, privateKey), keys.getPrivate(), certificate);
  }

  /**
   * A self-signed leaf certificate (server and client authentication) that no {@code TestCa}
   * issued, for tests where a peer must be refused. Its {@link Issued#caCertificate()} is
   * itself.
   */
  public static Issued selfSigned(String commonName, List<String> dnsNames) {
    KeyPair keys = newKeyPair();
    X500Name name = cn(commonName);
    X509v3CertificateBuilder builder = builder(name, name, keys.getPublic());
    addLeafExtensions(builder, keys.getPublic(), dnsNames, List.of(), true, true);
    X509Certificate certificate = sign(builder, keys.getPrivate());
    return new Issued(certificate, keys.getPrivate(), certificate);
  }

  /** The CA's own certificate, the trust anchor of everything it issues. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** Writes the CA certificate as PEM to {@code file} (creating parent directories). */
  public Path writeCaPem(Path file) {
    return write(file, pem("CERTIFICATE", encoded(certificate)));
  }

  /**
   * A TLS context (TLSv1.3 and TLSv1.2: the JDK's {@code "TLS"} context with older versions
   * disabled by {@code jdk.tls.disabledAlgorithms}) for a test client or server.
   *
   * @param identity the certificate and key this side presents, or {@code null} for none. It is
   *     presented whatever issuers the peer asks for, so a peer can be shown a certificate it
   *     does not trust (the JDK's key managers would silently send none).
   * @param trustThisCa trust exactly this CA; if {@code false}, the JDK's default trust store,
   *     which does not know it
   */
  public SSLContext sslContext(Issued identity, boolean trustThisCa) {
    try {
      KeyManager[] keyManagers = identity == null ? null : keyManagers(identity);
      TrustManager[] trustManagers = trustThisCa ? trustManagers(certificate) : null;
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, trustManagers, RANDOM);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context", e);
    }
  }

  /** A certificate with its private key and the certificate of the CA that issued it. */
  public record Issued(
      X509Certificate certificate, PrivateKey privateKey, X509Certificate caCertificate) {

    /** The leaf, then the CA unless the leaf is self-signed. */
    public List<X509Certificate> chain() {
      return certificate.equals(caCertificate)
          ? List.of(certificate)
          : List.of(certificate, caCertificate);
    }

    /** Writes {@link #chain()} as PEM to {@code file}, leaf first (creating parent directories). */
    public Path writeCertChainPem(Path file) {
      StringBuilder text = new StringBuilder();
      for (X509Certificate each : chain()) {
        text.append(pem("CERTIFICATE", encoded(each)));
      }
      return write(file, text.toString());
    }

    /**
     * Writes the private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}) to
     * {@code file} (creating parent directories).
     */
    public Path writeKeyPkcs8Pem(Path file) {
      return write(file, pem("PRIVATE KEY", privateKey.getEncoded()));
    }
  }

  private static void addLeafExtensions(
      X509v3CertificateBuilder builder,
      PublicKey publicKey,
      List<String> dnsNames,
      List<String> ipAddresses,
      boolean serverAuth,
      boolean clientAuth) {
    addExtension(builder, Extension.basicConstraints, true, new BasicConstraints(false));
    addExtension(builder, Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    addExtension(builder, Extension.extendedKeyUsage, false, extendedKeyUsage(serverAuth, clientAuth));
    addExtension(builder, Extension.subjectAlternativeName, false,
        subjectAlternativeNames(dnsNames, ipAddresses));
    addExtension(builder, Extension.subjectKeyIdentifier, false,
        extensionUtils().createSubjectKeyIdentifier(publicKey));
  }

  private static ExtendedKeyUsage extendedKeyUsage(boolean serverAuth, boolean clientAuth) {
    List<KeyPurposeId> purposes = new ArrayList<>();
    if (serverAuth) {
      purposes.add(KeyPurposeId.id_kp_serverAuth);
    }
    if (clientAuth) {
      purposes.add(KeyPurposeId.id_kp_clientAuth);
    }
    if (purposes.isEmpty()) {
      throw new IllegalArgumentException("a leaf needs serverAuth, clientAuth or both");
    }
    return new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new));
  }

  private static GeneralNames subjectAlternativeNames(List<String> dnsNames, List<String> ips) {
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
    ips.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a leaf needs at least one DNS name or IP address");
    }
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }

  private static X509v3CertificateBuilder builder(X500Name subject, X500Name issuer, PublicKey key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(128, RANDOM).add(BigInteger.ONE),
        Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(LIFETIME)),
        subject,
        key);
  }

  private static X500Name cn(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
  }

  private static void addExtension(
      X509v3CertificateBuilder builder,
      ASN1ObjectIdentifier oid,
      boolean critical,
      ASN1Encodable value) {
    try {
      builder.addExtension(oid, critical, value);
    } catch (CertIOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate issuer) {
    try {
      return extensionUtils().createAuthorityKeyIdentifier(issuer);
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signer)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate", e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyManager[] keyManagers(Issued identity) throws GeneralSecurityException {
    KeyStore store = emptyPkcs12();
    store.setKeyEntry("identity", identity.privateKey(), KEY_STORE_PASSWORD,
        identity.chain().toArray(Certificate[]::new));
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, KEY_STORE_PASSWORD);
    for (KeyManager each : factory.getKeyManagers()) {
      if (each instanceof X509ExtendedKeyManager manager) {
        return new KeyManager[] {new AnyIssuerKeyManager(manager)};
      }
    }
    throw new IllegalStateException("no X509ExtendedKeyManager from " + factory.getAlgorithm());
  }

  private static TrustManager[] trustManagers(X509Certificate ca) throws GeneralSecurityException {
    KeyStore store = emptyPkcs12();
    store.setCertificateEntry("ca", ca);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    return factory.getTrustManagers();
  }

  private static KeyStore emptyPkcs12() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return store;
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + PEM_BASE64.encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static Path write(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The JDK's key manager, told to ignore the certificate authorities a server names in its
   * certificate request: a test peer presents its certificate whoever issued it.
   */
  private static final class AnyIssuerKeyManager extends X509ExtendedKeyManager {

    private final X509ExtendedKeyManager delegate;

    AnyIssuerKeyManager(X509ExtendedKeyManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return delegate.getClientAliases(keyType, null);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
      return delegate.chooseClientAlias(keyTypes, null, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
      return delegate.chooseEngineClientAlias(keyTypes, null, engine);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return delegate.getServerAliases(keyType, null);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return delegate.chooseServerAlias(keyType, null, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return delegate.chooseEngineServerAlias(keyType, null, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }
}
