package io.ferrolb.app.observability;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text format), {@code /healthz} (the process answers) and {@code
 * /readyz} (whatever {@code ready} says: for the controller, caches synced, configuration loaded or
 * known to be absent, leader known) on one port; or the probes alone ({@link #startProbes}), when
 * the metrics are served over HTTPS on a port of their own.
 */
public final class HealthServer implements AutoCloseable {
  private static final int OK = 200;
  private static final int UNAVAILABLE = 503;
  private static final int NOT_FOUND = 404;
  // probes and scrapes are a few requests a minute: two threads (the exporter's default pool has
  // ten, each with its stack and buffers resident in a process that counts its megabytes)
  private static final int THREADS = 2;

  private final HTTPServer server;

  private HealthServer(HTTPServer server) {
    this.server = server;
  }

  /** Starts on {@code port} (0 = any free port) on all interfaces. */
  public static HealthServer start(int port, PrometheusRegistry registry, Supplier<String> ready)
      throws IOException {
    return start(port, registry, ready, true);
  }

  /** The probes alone: {@code /metrics} is 404 here (it is served over HTTPS elsewhere). */
  public static HealthServer startProbes(int port, Supplier<String> ready) throws IOException {
    // the exporter's own handler gets an empty registry: nothing is readable without the token
    return start(port, new PrometheusRegistry(), ready, false);
  }

  private static HealthServer start(
      int port, PrometheusRegistry registry, Supplier<String> ready, boolean metrics)
      throws IOException {
    HTTPServer s =
        HTTPServer.builder()
            .port(port)
            .registry(registry)
            // /metrics is served by handle(): MetalLB's exposition (MetallbExposition)
            .metricsHandlerPath("/ferrolb-exporter-metrics")
            .registerHealthHandler(false)
            .defaultHandler(exchange -> handle(exchange, metrics ? registry : null, ready))
            .executorService(executor())
            .buildAndStart();
    return new HealthServer(s);
  }

  /**
   * Starts the server on a thread of its own, so that its start-up (the HTTP server's and the
   * exporter's classes) overlaps the caller's, which is usually building a Kubernetes client.
   */
  public static Starting startInBackground(
      int port, PrometheusRegistry registry, Supplier<String> ready) {
    return startInBackground(port, registry, ready, true);
  }

  /** {@link #startProbes} on a thread of its own. */
  public static Starting startProbesInBackground(int port, Supplier<String> ready) {
    return startInBackground(port, new PrometheusRegistry(), ready, false);
  }

  private static Starting startInBackground(
      int port, PrometheusRegistry registry, Supplier<String> ready, boolean metrics) {
    return new Starting(
        port,
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return start(port, registry, ready, metrics);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            r -> {
              Thread t = new Thread(r, "ferrolb-http-start");
              t.setDaemon(true);
              t.start();
            }));
  }

  /** A server being started by {@link #startInBackground}; closing it closes the server. */
  public static final class Starting implements AutoCloseable {
    private final int port;
    private final CompletableFuture<HealthServer> server;

    private Starting(int port, CompletableFuture<HealthServer> server) {
      this.port = port;
      this.server = server;
    }

    /** Waits for the server; a port in use or not permitted is thrown here, naming the port. */
    public HealthServer get() throws IOException, InterruptedException {
      try {
        return server.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UncheckedIOException u) {
          IOException named = new IOException("port " + port + ": " + u.getCause().getMessage());
          named.initCause(u.getCause());
          throw named;
        }
        throw new IllegalStateException("health server did not start", e.getCause());
      }
    }

    @Override
    public void close() {
      try {
        server.join().close();
      } catch (CompletionException | CancellationException e) {
        // it never started: nothing to close (get() reported why)
      }
    }
  }

  private static ExecutorService executor() {
    return SmallHttp.pool("ferrolb-http", THREADS);
  }

  /**
   * {@code ready} returns "" when ready, else the reason it is not (shown in the 503 body); {@code
   * registry} is null when this port serves the probes only.
   */
  private static void handle(
      HttpExchange exchange, PrometheusRegistry registry, Supplier<String> ready)
      throws IOException {
    String path = exchange.getRequestURI().getPath();
    int code;
    String body;
    if ("/metrics".equals(path) && registry != null) {
      byte[] bytes = MetallbExposition.text(registry.scrape()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", MetallbExposition.CONTENT_TYPE);
      exchange.sendResponseHeaders(OK, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
      return;
    }
    if ("/healthz".equals(path)) {
      code = OK;
      body = "ok\n";
    } else if ("/readyz".equals(path)) {
      String why = ready.get();
      code = why.isEmpty() ? OK : UNAVAILABLE;
      body = why.isEmpty() ? "ok\n" : why + "\n";
    } else if (registry == null) {
      code = NOT_FOUND;
      body =
          "not found: "
              + path
              + " (expected: /healthz, /readyz; /metrics is served over HTTPS on the metrics"
              + " port)\n";
    } else {
      code = NOT_FOUND;
      body = "not found: " + path + " (expected: /metrics, /healthz, /readyz)\n";
    }
    SmallHttp.reply(exchange, code, "text/plain; charset=utf-8", body);
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
