package io.ferrolb.app.observability.secure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA and server certificates signed by it, made at test time with the JDK's keytool, and
 * written as a Kubernetes TLS Secret mounts them ({@code tls.crt}: leaf then CA; {@code tls.key}:
 * PKCS#8 PEM).
 */
public final class TestCerts {
  static final String PASS = "changeit";
  private final Path dir;
  private int servers;

  public TestCerts(Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=ferrolb-test-ca",
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        dir.resolve("ca.p12").toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASS);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        dir.resolve("ca.p12").toString(),
        "-storepass",
        PASS,
        "-file",
        dir.resolve("ca.pem").toString());
  }

  /** A new server key pair ({@code keyalg} RSA or EC) and its certificate, into {@code certDir}. */
  public void server(Path certDir, String keyalg) throws Exception {
    String name = "server" + (++servers);
    Path store = dir.resolve(name + ".p12");
    List<String> gen =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                keyalg,
                "-dname",
                "CN=localhost",
                "-validity",
                "2",
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASS));
    gen.addAll(
        keyalg.equals("RSA") ? List.of("-keysize", "2048") : List.of("-groupname", "secp256r1"));
    keytool(gen.toArray(String[]::new));
    Path csr = dir.resolve(name + ".csr");
    Path pem = dir.resolve(name + ".pem");
    keytool(
        "-certreq",
        "-alias",
        name,
        "-keystore",
        store.toString(),
        "-storepass",
        PASS,
        "-file",
        csr.toString());
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        dir.resolve("ca.p12").toString(),
        "-storepass",
        PASS,
        "-infile",
        csr.toString(),
        "-outfile",
        pem.toString(),
        "-ext",
        "san=dns:localhost,ip:127.0.0.1",
        "-validity",
        "2");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASS.toCharArray());
    }
    PrivateKey key = (PrivateKey) ks.getKey(name, PASS.toCharArray());
    Files.createDirectories(certDir);
    Files.writeString(
        certDir.resolve("tls.crt"),
        Files.readString(pem) + Files.readString(dir.resolve("ca.pem")));
    Files.writeString(certDir.resolve("tls.key"), pem("PRIVATE KEY", key.getEncoded()));
  }

  public static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** A client context that trusts the test CA only. */
  public SSLContext clientContext() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
      Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
      trust.setCertificateEntry("ca", ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed:\n" + out);
    }
  }
}
