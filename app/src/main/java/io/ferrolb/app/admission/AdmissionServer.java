package io.ferrolb.app.admission;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ferrolb.adapters.k8s.AdmissionObjects;
import io.ferrolb.domain.config.DecodedObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validating webhook: AdmissionReview v1 over HTTPS on {@code POST /validate}, answered by
 * {@link ConfigAdmission} over the controller's cached configuration. Every replica serves (not
 * only the leader); the serving certificate can be swapped while running ({@link #use}), and the
 * next handshake presents the new one.
 */
public final class AdmissionServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionServer.class);
  public static final String PATH = "/validate";
  private static final int MAX_BODY = 3 * 1024 * 1024; // the API server's request limit

  private final HttpsServer server;
  private final SwappingKeyManager keys = new SwappingKeyManager();
  private final Supplier<List<DecodedObject>> live;
  private final String namespace;

  /**
   * @param live the configuration objects in the cluster now (the controller's cache)
   * @param namespace where ferrolb reads its configuration
   */
  public AdmissionServer(
      InetSocketAddress bind,
      WebhookCertificates.Pair serving,
      Supplier<List<DecodedObject>> live,
      String namespace)
      throws IOException {
    this.live = live;
    this.namespace = namespace;
    use(serving);
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(new javax.net.ssl.KeyManager[] {keys}, null, null);
      server = HttpsServer.create(bind, 64);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS setup failed: " + e.getMessage(), e);
    }
    server.createContext(PATH, this::handle);
    server.setExecutor(io.ferrolb.app.observability.SmallHttp.pool("ferrolb-webhook", 2));
    server.start();
    LOG.info("event=webhookServing address={} path={}", server.getAddress(), PATH);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Serves {@code pair} from the next TLS handshake on. */
  public void use(WebhookCertificates.Pair pair) {
    keys.set(pair);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"POST".equals(ex.getRequestMethod())) {
        reply(ex, 405, "{\"message\":\"POST an AdmissionReview\"}");
        return;
      }
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (body.length > MAX_BODY) {
        reply(ex, 413, "{\"message\":\"request too large\"}");
        return;
      }
      Map<String, Object> review;
      try {
        review = Serialization.unmarshal(new String(body, StandardCharsets.UTF_8), Map.class);
      } catch (RuntimeException e) {
        reply(ex, 400, "{\"message\":\"not an AdmissionReview: JSON expected\"}");
        return;
      }
      reply(ex, 200, Serialization.asJson(answer(review)));
    } catch (RuntimeException e) {
      LOG.error("event=webhookBug", e);
    }
  }

  /** The AdmissionReview response to {@code review} (admission.k8s.io/v1). */
  @SuppressWarnings("unchecked")
  Map<String, Object> answer(Map<String, Object> review) {
    Map<String, Object> request =
        review.get("request") instanceof Map<?, ?> r ? (Map<String, Object>) r : Map.of();
    String uid = String.valueOf(request.getOrDefault("uid", ""));
    String operation = String.valueOf(request.getOrDefault("operation", ""));
    Map<String, Object> object =
        request.get("object") instanceof Map<?, ?> o ? (Map<String, Object>) o : null;
    Map<String, Object> old =
        request.get("oldObject") instanceof Map<?, ?> o ? (Map<String, Object>) o : null;
    Map<String, Object> subject = object != null ? object : old;
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("uid", uid);
    Optional<DecodedObject> parsed = AdmissionObjects.of(subject);
    if (parsed.isEmpty()) {
      response.put("allowed", true); // not configuration: nothing to judge
    } else {
      DecodedObject o = parsed.get();
      ConfigAdmission.AdmissionVerdict v =
          ConfigAdmission.judge(
              live.get(),
              // the object after the change is the one already converted (none for DELETE)
              operation.equals("DELETE") || object == null ? Optional.empty() : parsed,
              o.kind(),
              o.name(),
              String.valueOf(
                  request.getOrDefault("namespace", o.namespace().isEmpty() ? "" : o.namespace())),
              namespace);
      response.put("allowed", v.allowed());
      if (!v.allowed()) {
        response.put("status", Map.of("code", 422, "reason", "Invalid", "message", v.message()));
        LOG.info("event=webhookDenied {} {}: {}", o.kind(), o.name(), v.message());
      }
      if (!v.warnings().isEmpty()) {
        response.put("warnings", v.warnings());
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("apiVersion", "admission.k8s.io/v1");
    out.put("kind", "AdmissionReview");
    out.put("response", response);
    return out;
  }

  private static void reply(HttpExchange ex, int code, String json) throws IOException {
    io.ferrolb.app.observability.SmallHttp.reply(ex, code, "application/json", json);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** A key manager whose key and chain can be replaced between handshakes. */
  private static final class SwappingKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "webhook";
    private final AtomicReference<X509KeyManager> current = new AtomicReference<>();

    void set(WebhookCertificates.Pair pair) {
      try {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "x".toCharArray();
        PrivateKey key = pair.privateKey();
        ks.setKeyEntry(
            ALIAS,
            key,
            pw,
            WebhookCertificates.parseCertificates(pair.certPem()).toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, pw);
        current.set((X509KeyManager) kmf.getKeyManagers()[0]);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalArgumentException("webhook certificate: " + e.getMessage(), e);
      }
    }

    @Override
    public String chooseEngineServerAlias(String type, Principal[] issuers, SSLEngine engine) {
      return current.get().chooseServerAlias(type, issuers, null);
    }

    @Override
    public String chooseServerAlias(String type, Principal[] issuers, Socket socket) {
      return current.get().chooseServerAlias(type, issuers, socket);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return current.get().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return current.get().getPrivateKey(alias);
    }

    @Override
    public String[] getServerAliases(String type, Principal[] issuers) {
      return current.get().getServerAliases(type, issuers);
    }

    @Override
    public String[] getClientAliases(String type, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] type, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
