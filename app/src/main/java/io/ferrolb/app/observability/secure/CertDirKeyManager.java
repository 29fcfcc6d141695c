package io.ferrolb.app.observability.secure;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving certificate of {@code tls.crt} and {@code tls.key} in a directory (a mounted TLS
 * Secret, MetalLB's {@code --metrics-cert-dir}), read again when either file changes: a handshake
 * looks at the files' modification times at most once per {@link #CHECK_EVERY}. A rotated Secret
 * (cert-manager, the kubelet's atomic symlink swap) is therefore served from the next handshake,
 * without a restart; a pair that does not load (half written, key and certificate not matching) is
 * logged and the previous one kept.
 */
public final class CertDirKeyManager extends X509ExtendedKeyManager {
  public static final String CERT_FILE = "tls.crt";
  public static final String KEY_FILE = "tls.key";
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);
  // one alias per loaded pair, so that a handshake that chose an alias gets that pair's chain and
  // key even when a reload happens in between
  private static final String ALIAS = "metrics-";
  private static final Logger LOG = LoggerFactory.getLogger(CertDirKeyManager.class);

  private final Path cert;
  private final Path key;
  private final Clock clock;
  private volatile Loaded loaded;
  private volatile Loaded previous;
  private volatile Instant checked;

  private record Loaded(
      long generation,
      List<X509Certificate> chain,
      PrivateKey key,
      FileTime certTime,
      FileTime keyTime) {
    String alias() {
      return ALIAS + generation;
    }
  }

  private CertDirKeyManager(Path dir, Clock clock, Loaded first) {
    this.cert = dir.resolve(CERT_FILE);
    this.key = dir.resolve(KEY_FILE);
    this.clock = clock;
    this.loaded = first;
    this.previous = first;
    this.checked = clock.instant();
  }

  /** Loads the pair now: a missing or unreadable file fails here, at start-up. */
  public static CertDirKeyManager load(Path dir, Clock clock) throws IOException {
    Objects.requireNonNull(dir, "dir");
    return new CertDirKeyManager(
        dir, clock, read(0, dir.resolve(CERT_FILE), dir.resolve(KEY_FILE)));
  }

  private static Loaded read(long generation, Path cert, Path key) throws IOException {
    FileTime certTime = Files.getLastModifiedTime(cert);
    FileTime keyTime = Files.getLastModifiedTime(key);
    List<X509Certificate> chain = PemFiles.certificates(cert);
    PrivateKey k = PemFiles.privateKey(key);
    if (!matches(chain.get(0), k)) {
      throw new IOException(key + " is not the key of the certificate in " + cert);
    }
    return new Loaded(generation, chain, k, certTime, keyTime);
  }

  /**
   * Whether {@code k} is the key of {@code c}: a signature made with it verifies with the
   * certificate's public key. A mismatched pair would fail every handshake.
   */
  private static boolean matches(X509Certificate c, PrivateKey k) {
    String algorithm =
        switch (k.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> k.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
    try {
      byte[] probe = "ferrolb metrics key check".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(k);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(c.getPublicKey());
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The pair to serve, read again first when a file changed since the last look. */
  private Loaded current() {
    Instant now = clock.instant();
    if (now.isBefore(checked.plus(CHECK_EVERY))) {
      return loaded;
    }
    checked = now;
    Loaded l = loaded;
    try {
      if (!Files.getLastModifiedTime(cert).equals(l.certTime())
          || !Files.getLastModifiedTime(key).equals(l.keyTime())) {
        Loaded next = read(l.generation() + 1, cert, key);
        previous = l;
        loaded = next;
        LOG.info(
            "event=metricsCertReloaded subject=\"{}\" notAfter={}",
            loaded.chain().get(0).getSubjectX500Principal().getName(),
            loaded.chain().get(0).getNotAfter().toInstant());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "event=metricsCertReloadFailed the previous certificate is served: {}", e.getMessage());
    }
    return loaded;
  }

  /** The leaf certificate served now. */
  public X509Certificate certificate() {
    return current().chain().get(0);
  }

  private String alias(String keyType) {
    Loaded l = current();
    String algorithm = l.key().getAlgorithm();
    boolean fits =
        keyType.equals(algorithm)
            || keyType.startsWith(algorithm + "_")
            || (algorithm.equals("RSA") && keyType.equals("RSASSA-PSS"))
            || (algorithm.startsWith("Ed") && keyType.equals("EdDSA"));
    return fits ? l.alias() : null;
  }

  private Loaded byAlias(String alias) {
    Loaded l = loaded;
    if (l.alias().equals(alias)) {
      return l;
    }
    Loaded p = previous;
    return p.alias().equals(alias) ? p : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String a = alias(keyType);
    return a == null ? null : new String[] {a};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Loaded l = byAlias(alias);
    return l == null ? null : l.chain().toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Loaded l = byAlias(alias);
    return l == null ? null : l.key();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
