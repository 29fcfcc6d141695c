package io.ferrolb.app.observability.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys in the three PEM shapes TLS Secrets hold, generated at test time. */
class PemFilesTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"));
    return g.generateKeyPair();
  }

  @Test
  void pkcs8RsaAndEcKeysAreRead() throws Exception {
    for (KeyPair kp : new KeyPair[] {rsa(), ec()}) {
      Path p = write("k.pem", TestCerts.pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
      assertThat(PemFiles.privateKey(p)).isEqualTo(kp.getPrivate());
    }
  }

  @Test
  void aPkcs1RsaKeyIsRead() throws Exception {
    KeyPair kp = rsa();
    // PKCS#8 = SEQUENCE { version, algorithm, OCTET STRING { PKCS#1 } }: the last element
    byte[] pkcs1 = Der.children(kp.getPrivate().getEncoded()).get(2).content();
    Path p = write("rsa.pem", TestCerts.pem("RSA PRIVATE KEY", pkcs1));

    assertThat(PemFiles.privateKey(p)).isEqualTo(kp.getPrivate());
  }

  @Test
  void aSec1EcKeyIsReadAfterItsParametersBlock() throws Exception {
    KeyPair kp = ec();
    var pkcs8 = Der.children(kp.getPrivate().getEncoded());
    byte[] curveOid = Der.children(pkcs8.get(1).encoded()).get(1).encoded();
    var inner = Der.children(pkcs8.get(2).content()); // SEQUENCE { version, privateKey, ... }
    // as openssl writes it: version 1, the key, [0] the named curve
    byte[] sec1 =
        Der.encode(
            0x30, inner.get(0).encoded(), inner.get(1).encoded(), Der.encode(0xA0, curveOid));
    Path p =
        write(
            "ec.pem",
            TestCerts.pem("EC PARAMETERS", curveOid) + TestCerts.pem("EC PRIVATE KEY", sec1));

    // the same key (its encoding differs: it now carries the curve twice)
    ECPrivateKey read = (ECPrivateKey) PemFiles.privateKey(p);
    ECPrivateKey want = (ECPrivateKey) kp.getPrivate();
    assertThat(read.getS()).isEqualTo(want.getS());
    assertThat(read.getParams().getCurve()).isEqualTo(want.getParams().getCurve());
  }

  @Test
  void anEncryptedKeyIsRefusedSayingSo() throws Exception {
    Path p = write("enc.pem", TestCerts.pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x00}));

    assertThatThrownBy(() -> PemFiles.privateKey(p))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("encrypted");
  }

  @Test
  void aFileWithoutKeyOrCertificateNamesTheFileAndWhatWasExpected() throws Exception {
    Path p = write("tls.crt", "hello\n");

    assertThatThrownBy(() -> PemFiles.privateKey(p))
        .hasMessageContaining(p.toString())
        .hasMessageContaining("expected: -----BEGIN PRIVATE KEY-----");
    assertThatThrownBy(() -> PemFiles.certificates(p)).hasMessageContaining(p.toString());
  }

  /** Just enough DER to take the JDK's encodings apart in a test. */
  record Der(byte[] encoded, byte[] content) {
    static java.util.List<Der> children(byte[] seq) {
      java.util.List<Der> out = new java.util.ArrayList<>();
      int[] h = header(seq, 0);
      int at = h[0];
      while (at < h[0] + h[1]) {
        int[] c = header(seq, at);
        out.add(
            new Der(
                Arrays.copyOfRange(seq, at, c[0] + c[1]),
                Arrays.copyOfRange(seq, c[0], c[0] + c[1])));
        at = c[0] + c[1];
      }
      return out;
    }

    /** {content start, content length} of the element at {@code at}. */
    private static int[] header(byte[] b, int at) {
      int len = b[at + 1] & 0xFF;
      int start = at + 2;
      if (len > 0x80) {
        int n = len & 0x7F;
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (b[start + i] & 0xFF);
        }
        start += n;
      }
      return new int[] {start, len};
    }

    static byte[] encode(int tag, byte[]... parts) {
      ByteArrayOutputStream c = new ByteArrayOutputStream();
      for (byte[] p : parts) {
        c.writeBytes(p);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(tag);
      int n = c.size();
      if (n >= 0x80) {
        out.write(0x81);
      }
      out.write(n);
      out.writeBytes(c.toByteArray());
      return out.toByteArray();
    }
  }
}
