package io.ferrolb.app.observability.secure;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.ferrolb.app.observability.MetallbExposition;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} over HTTPS with authentication and authorization, as MetalLB 0.16 serves it
 * (controller-runtime's secure metrics server with {@code WithAuthenticationAndAuthorization}): the
 * request's bearer token is authenticated and its user authorized for {@code get} on the path; no
 * token or a rejected one is 401, a user without the permission 403, a review that could not be
 * made 500. The probes stay plain HTTP on the health port. Every path is checked before it is
 * looked up, so an unauthorized client learns nothing about which paths exist.
 */
public final class SecureMetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecureMetricsServer.class);
  private static final int THREADS = 2;
  private static final String BEARER = "bearer ";

  private final HttpsServer server;
  private final ExecutorService executor;

  private SecureMetricsServer(HttpsServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts on {@code port} (0 = any free port) on all interfaces. */
  public static SecureMetricsServer start(
      int port,
      PrometheusRegistry registry,
      KeyManager certificate,
      TlsOptions tls,
      MetricsAccess access)
      throws IOException {
    SSLContext context;
    try {
      context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {certificate}, null, null);
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS for the metrics port: " + e.getMessage(), e);
    }
    HttpsServer s = HttpsServer.create(new InetSocketAddress(port), 0);
    s.setHttpsConfigurator(
        new HttpsConfigurator(context) {
          @Override
          public void configure(HttpsParameters params) {
            SSLParameters p = context.getDefaultSSLParameters();
            p.setProtocols(tls.protocols().toArray(String[]::new));
            tls.cipherSuites().ifPresent(c -> p.setCipherSuites(c.toArray(String[]::new)));
            params.setSSLParameters(p);
          }
        });
    s.createContext("/", exchange -> handle(exchange, registry, access));
    ExecutorService executor = executor();
    s.setExecutor(executor);
    s.start();
    return new SecureMetricsServer(s, executor);
  }

  private static ExecutorService executor() {
    return io.ferrolb.app.observability.SmallHttp.pool("ferrolb-https", THREADS);
  }

  static Optional<String> bearerToken(String authorization) {
    if (authorization == null
        || authorization.length() <= BEARER.length()
        || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return Optional.empty();
    }
    return Optional.of(authorization.substring(BEARER.length()).strip());
  }

  private static void handle(
      HttpExchange exchange, PrometheusRegistry registry, MetricsAccess access) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String verb = exchange.getRequestMethod().toLowerCase(Locale.ROOT);
      MetricsAccess.AccessDecision d =
          access.decide(
              bearerToken(exchange.getRequestHeaders().getFirst("Authorization")), verb, path);
      if (d instanceof MetricsAccess.Unauthenticated u) {
        LOG.debug("metrics request from {} unauthenticated: {}", exchange.getRemoteAddress(), u);
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        text(exchange, 401, "Unauthorized\n");
      } else if (d instanceof MetricsAccess.Forbidden f) {
        LOG.debug("metrics request from {} forbidden: {}", exchange.getRemoteAddress(), f);
        text(exchange, 403, "Authorization denied for user " + f.user() + "\n");
      } else if (d instanceof MetricsAccess.Failed f) {
        LOG.warn("event=metricsAuthFailed {}", f.reason());
        text(exchange, 500, "Authentication or authorization failed\n");
      } else if (!"/metrics".equals(path)) {
        text(exchange, 404, "not found: " + path + " (expected: /metrics)\n");
      } else {
        byte[] bytes = MetallbExposition.text(registry.scrape()).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", MetallbExposition.CONTENT_TYPE);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  private static void text(HttpExchange exchange, int code, String body) throws IOException {
    io.ferrolb.app.observability.SmallHttp.reply(exchange, code, "text/plain; charset=utf-8", body);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
