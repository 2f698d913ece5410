package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drgw.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Teams side's PEM files: good ones load, bad ones are refused naming the file and the fix. */
class TlsMaterialTest {

  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void aChainAndAPkcs8KeyFromTheTestCaLoadAndMakeAContext() throws Exception {
    TestCa ca = TestCa.create("drgw test CA");
    TestCa.Issued drgw = ca.issue("drgw", List.of("*.1r1.gw.example.net"), List.of(), true, true);
    Path cert = drgw.writeCertChainPem(dir.resolve("cert.pem"));
    Path key = drgw.writeKeyPkcs8Pem(dir.resolve("key.pem"));
    Path trust = ca.writeCaPem(dir.resolve("ca.pem"));

    TlsMaterial tls = TlsMaterial.load(cert, key, Optional.of(trust));

    assertThat(tls.chain()).hasSize(2);
    assertThat(tls.trusted().orElseThrow()).hasSize(1);
    assertThat(tls.sslContext().getProtocol()).isEqualTo("TLS");
    assertThat(tls.toString()).contains("CN=drgw").contains("key=***").doesNotContain(tls.key().toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      empty                | ''                                                                | holds no "-----BEGIN PRIVATE KEY-----" block
      PKCS#1 RSA           | -----BEGIN RSA PRIVATE KEY-----\\nAAAA\\n-----END RSA PRIVATE KEY----- | is not in PKCS#8 form; convert it with: openssl pkcs8
      SEC1 EC              | -----BEGIN EC PRIVATE KEY-----\\nAAAA\\n-----END EC PRIVATE KEY-----   | is not in PKCS#8 form
      encrypted            | -----BEGIN ENCRYPTED PRIVATE KEY-----\\nAAAA\\n-----END ENCRYPTED PRIVATE KEY----- | is encrypted
      bad base64           | -----BEGIN PRIVATE KEY-----\\n!!!!\\n-----END PRIVATE KEY-----       | the key is not valid base64
      not a key            | -----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----       | is neither EC, RSA nor Ed25519
      """)
  void badKeyFilesAreRefusedWithTheFix(String what, String text, String message) throws Exception {
    TestCa ca = TestCa.create("drgw test CA");
    Path cert = ca.issue("drgw", List.of("x.example.net"), List.of(), true, true).writeCertChainPem(dir.resolve("c.pem"));
    Path key = write("key.pem", text.replace("\\n", "\n"));

    assertThatThrownBy(() -> TlsMaterial.load(cert, key, Optional.empty()))
        .isInstanceOf(TlsMaterial.BadTlsFile.class)
        .hasMessageStartingWith(key.toString())
        .hasMessageContaining(message);
  }

  @Test
  void aMissingOrNonPemCertificateFileIsRefusedNamingIt() throws Exception {
    Path key = write("key.pem", "");
    assertThatThrownBy(() -> TlsMaterial.load(dir.resolve("nope.pem"), key, Optional.empty()))
        .isInstanceOf(TlsMaterial.BadTlsFile.class)
        .hasMessageContaining("nope.pem: cannot be read");
    Path junk = write("junk.pem", "hello\n");
    assertThatThrownBy(() -> TlsMaterial.load(junk, key, Optional.empty()))
        .isInstanceOf(TlsMaterial.BadTlsFile.class)
        .hasMessageStartingWith(junk.toString());
    Path empty = write("empty.pem", "");
    assertThatThrownBy(() -> TlsMaterial.load(empty, key, Optional.empty()))
        .isInstanceOf(TlsMaterial.BadTlsFile.class)
        .hasMessageStartingWith(empty.toString());
  }
}
