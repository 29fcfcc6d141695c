package io.ferrolb.app.observability.secure;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a certificate chain and its private key from PEM files, as Kubernetes TLS Secrets hold them
 * ({@code tls.crt}, {@code tls.key}), with the JDK alone. Keys: PKCS#8 ({@code PRIVATE KEY}, RSA,
 * EC or EdDSA), PKCS#1 ({@code RSA PRIVATE KEY}) and SEC 1 ({@code EC PRIVATE KEY}, RFC 5915); the
 * last two are wrapped in a PKCS#8 structure (RFC 5208) for the JDK's key factories. Encrypted keys
 * are refused.
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----", Pattern.DOTALL);

  // DER tags (X.690)
  private static final int INTEGER = 0x02;
  private static final int OCTET_STRING = 0x04;
  private static final int NULL = 0x05;
  private static final int OID = 0x06;
  private static final int SEQUENCE = 0x30;
  private static final int CONTEXT_0 = 0xA0;

  // rsaEncryption 1.2.840.113549.1.1.1 and id-ecPublicKey 1.2.840.10045.2.1, DER content octets
  private static final byte[] RSA_ENCRYPTION = {
    0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01
  };
  private static final byte[] EC_PUBLIC_KEY = {
    0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01
  };

  private static final List<String> PKCS8_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private PemFiles() {}

  /** The certificates of {@code file}, leaf first. */
  public static List<X509Certificate> certificates(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      for (var c : f.generateCertificates(new ByteArrayInputStream(bytes))) {
        out.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new IOException(file + ": not a PEM certificate chain: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IOException(file + ": no certificate (expected: -----BEGIN CERTIFICATE-----)");
    }
    return List.copyOf(out);
  }

  /** The private key of {@code file}: the first key block in it. */
  public static PrivateKey privateKey(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": " + type + " block is not base64", e);
      }
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(file, der);
        case "RSA PRIVATE KEY":
          return pkcs8(
              file,
              der(
                  SEQUENCE,
                  der(INTEGER, new byte[] {0}),
                  der(SEQUENCE, der(OID, RSA_ENCRYPTION), der(NULL)),
                  der(OCTET_STRING, der)));
        case "EC PRIVATE KEY":
          return pkcs8(
              file,
              der(
                  SEQUENCE,
                  der(INTEGER, new byte[] {0}),
                  der(SEQUENCE, der(OID, EC_PUBLIC_KEY), curve(file, der)),
                  der(OCTET_STRING, der)));
        case "ENCRYPTED PRIVATE KEY":
          throw new IOException(
              file
                  + ": the key is encrypted (expected: an unencrypted PKCS#8, PKCS#1 or SEC 1 key)");
        default:
          // EC PARAMETERS before the key (openssl ecparam -genkey), a certificate: skip
      }
    }
    throw new IOException(
        file
            + ": no private key (expected: -----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC"
            + " PRIVATE KEY)");
  }

  private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
    for (String algorithm : PKCS8_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new IOException(file + ": not an RSA, EC or EdDSA private key the JDK can read");
  }

  /**
   * The named curve of a SEC 1 key, {@code ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey
   * OCTET STRING, parameters [0] ECParameters OPTIONAL, publicKey [1] BIT STRING OPTIONAL }}: the
   * whole OID element inside {@code [0]}.
   */
  private static byte[] curve(Path file, byte[] der) throws IOException {
    try {
      Der seq = Der.read(der, 0);
      if (seq.tag() != SEQUENCE) {
        throw new IOException(file + ": EC PRIVATE KEY is not a DER SEQUENCE");
      }
      int at = seq.contentStart();
      while (at < seq.end()) {
        Der e = Der.read(der, at);
        if (e.tag() == CONTEXT_0) {
          Der oid = Der.read(der, e.contentStart());
          if (oid.tag() != OID) {
            break;
          }
          return Arrays.copyOfRange(der, e.contentStart(), oid.end());
        }
        at = e.end();
      }
    } catch (IndexOutOfBoundsException e) {
      throw new IOException(file + ": EC PRIVATE KEY is truncated", e);
    }
    throw new IOException(
        file + ": EC PRIVATE KEY names no curve (expected: parameters [0] with a named curve)");
  }

  /** One DER element's header: where its content starts and where the element ends. */
  private record Der(int tag, int contentStart, int end) {
    static Der read(byte[] b, int at) {
      int tag = b[at] & 0xFF;
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
      if (start + len > b.length) {
        throw new IndexOutOfBoundsException("DER length " + len + " beyond " + b.length);
      }
      return new Der(tag, start, start + len);
    }
  }

  /** A DER element of {@code tag} holding the concatenated {@code parts}. */
  private static byte[] der(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      content.writeBytes(p);
    }
    int n = content.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream(n + 6);
    out.write(tag);
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }
}
