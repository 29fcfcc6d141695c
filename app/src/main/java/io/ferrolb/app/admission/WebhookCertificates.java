package io.ferrolb.app.admission;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The webhook's own certificate authority and serving certificate, made with the JDK alone (no
 * certificate library ships in the image): ECDSA P-256 keys, X.509 v3 certificates written in DER
 * (RFC 5280) and signed with SHA256withECDSA. The CA is its own issuer with {@code basicConstraints
 * CA:TRUE} and {@code keyCertSign}; the serving certificate names the webhook Service's DNS names
 * as subjectAltName and is for {@code serverAuth}.
 */
public final class WebhookCertificates {
  private WebhookCertificates() {}

  /** A certificate with its private key, PEM-encoded as Kubernetes Secrets hold them. */
  public record Pair(String certPem, String keyPem) {
    public Pair {
      Objects.requireNonNull(certPem, "certPem");
      Objects.requireNonNull(keyPem, "keyPem");
    }

    public X509Certificate certificate() {
      return parseCertificates(certPem).get(0);
    }

    public PrivateKey privateKey() {
      try {
        return KeyFactory.getInstance("EC")
            .generatePrivate(new PKCS8EncodedKeySpec(pemBody(keyPem, "PRIVATE KEY")));
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("not a PKCS#8 EC private key: " + e.getMessage(), e);
      }
    }
  }

  /** A new self-signed CA valid from {@code now} for {@code validity}. */
  public static Pair newCa(String commonName, Instant now, Duration validity, SecureRandom random) {
    KeyPair kp = ecKeyPair(random);
    byte[] name = name(commonName);
    byte[] ext =
        extensions(
            extension(OID_BASIC_CONSTRAINTS, true, seq(bool(true))),
            extension(OID_KEY_USAGE, true, keyUsage(KU_KEY_CERT_SIGN | KU_CRL_SIGN)));
    byte[] der = sign(tbs(serial(random), name, name, now, validity, kp, ext), kp.getPrivate());
    return new Pair(pem("CERTIFICATE", der), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
  }

  /** A serving certificate for {@code dnsNames}, signed by {@code ca}. */
  public static Pair newServing(
      Pair ca, List<String> dnsNames, Instant now, Duration validity, SecureRandom random) {
    if (dnsNames.isEmpty()) {
      throw new IllegalArgumentException("dnsNames: empty (expected: the webhook Service's names)");
    }
    KeyPair kp = ecKeyPair(random);
    X509Certificate caCert = ca.certificate();
    byte[] issuer = caCert.getSubjectX500Principal().getEncoded();
    List<byte[]> sans = new ArrayList<>();
    for (String dns : dnsNames) {
      sans.add(tlv(0x82, dns.getBytes(StandardCharsets.US_ASCII))); // [2] IMPLICIT IA5String
    }
    byte[] ext =
        extensions(
            extension(OID_BASIC_CONSTRAINTS, true, seq()),
            extension(OID_KEY_USAGE, true, keyUsage(KU_DIGITAL_SIGNATURE)),
            extension(OID_EXT_KEY_USAGE, false, seq(oid(OID_SERVER_AUTH))),
            extension(OID_SUBJECT_ALT_NAME, false, seq(sans.toArray(byte[][]::new))));
    byte[] der =
        sign(
            tbs(serial(random), issuer, name(dnsNames.get(0)), now, validity, kp, ext),
            ca.privateKey());
    return new Pair(pem("CERTIFICATE", der), pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
  }

  /** Every certificate of a PEM bundle, in order. */
  public static List<X509Certificate> parseCertificates(String pem) {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> out = new ArrayList<>();
      for (var c :
          cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("no certificate in the PEM text");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
  }

  // ---- DER (X.690) ----

  private static final String OID_EC_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final String OID_CN = "2.5.4.3";
  private static final String OID_BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String OID_KEY_USAGE = "2.5.29.15";
  private static final String OID_EXT_KEY_USAGE = "2.5.29.37";
  private static final String OID_SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final int KU_DIGITAL_SIGNATURE = 0x80;
  private static final int KU_KEY_CERT_SIGN = 0x04;
  private static final int KU_CRL_SIGN = 0x02;

  private static byte[] tbs(
      BigInteger serial,
      byte[] issuer,
      byte[] subject,
      Instant now,
      Duration validity,
      KeyPair kp,
      byte[] extensions) {
    Instant notBefore = now.minus(Duration.ofMinutes(5)); // tolerate clock skew between nodes
    return seq(
        tlv(0xa0, integer(BigInteger.TWO)), // [0] EXPLICIT version v3
        integer(serial),
        seq(oid(OID_EC_WITH_SHA256)),
        issuer,
        seq(time(notBefore), time(now.plus(validity))),
        subject,
        kp.getPublic().getEncoded(), // SubjectPublicKeyInfo, already DER
        tlv(0xa3, extensions)); // [3] EXPLICIT extensions
  }

  private static byte[] sign(byte[] tbs, PrivateKey key) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(tbs);
      return seq(tbs, seq(oid(OID_EC_WITH_SHA256)), bitString(s.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA256withECDSA is part of every JDK", e);
    }
  }

  private static KeyPair ecKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is part of every JDK", e);
    }
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(126, random).add(BigInteger.ONE); // positive, at most 20 octets
  }

  private static byte[] name(String cn) {
    return seq(set(seq(oid(OID_CN), tlv(0x0c, cn.getBytes(StandardCharsets.UTF_8)))));
  }

  private static byte[] extensions(byte[]... exts) {
    return seq(exts);
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical ? seq(oid(oid), bool(true), tlv(0x04, value)) : seq(oid(oid), tlv(0x04, value));
  }

  private static byte[] keyUsage(int bits) {
    int unused = Integer.numberOfTrailingZeros(bits);
    return tlv(0x03, new byte[] {(byte) unused, (byte) bits});
  }

  /** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
  private static byte[] time(Instant t) {
    var utc = t.atZone(ZoneOffset.UTC);
    if (utc.getYear() < 2050) {
      return tlv(
          0x17,
          DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
              .format(utc)
              .getBytes(StandardCharsets.US_ASCII));
    }
    return tlv(
        0x18,
        DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'")
            .format(utc)
            .getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] bool(boolean b) {
    return tlv(0x01, new byte[] {(byte) (b ? 0xff : 0)});
  }

  private static byte[] integer(BigInteger v) {
    return tlv(0x02, v.toByteArray());
  }

  private static byte[] bitString(byte[] bytes) {
    byte[] v = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, v, 1, bytes.length); // no unused bits
    return tlv(0x03, v);
  }

  private static byte[] oid(String dotted) {
    String[] parts = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
    for (int i = 2; i < parts.length; i++) {
      long v = Long.parseLong(parts[i]);
      int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 6) / 7);
      for (int g = groups - 1; g >= 0; g--) {
        int b = (int) ((v >> (7 * g)) & 0x7f);
        out.write(g > 0 ? b | 0x80 : b);
      }
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] seq(byte[]... items) {
    return tlv(0x30, concat(items));
  }

  private static byte[] set(byte[]... items) {
    return tlv(0x31, concat(items));
  }

  private static byte[] concat(byte[]... items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] i : items) {
      out.writeBytes(i);
    }
    return out.toByteArray();
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((n >> (8 * i)) & 0xff);
      }
    }
    out.writeBytes(value);
    return out.toByteArray();
  }

  // ---- PEM ----

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static byte[] pemBody(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int a = pem.indexOf(begin);
    int b = pem.indexOf(end);
    if (a < 0 || b < a) {
      throw new IllegalArgumentException("no " + type + " block in the PEM text");
    }
    return Base64.getMimeDecoder().decode(pem.substring(a + begin.length(), b));
  }
}
