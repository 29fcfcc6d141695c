package io.ferrolb.app.observability;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text format), {@code /healthz} (the process answers) and {@code
 * /readyz} (whatever {@code ready} says: for the controller, caches synced, configuration loaded or
 * known to be absent, leader known) on one port.
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
    HTTPServer s =
        HTTPServer.builder()
            .port(port)
            .registry(registry)
            .metricsHandlerPath("/metrics")
            .registerHealthHandler(false)
            .defaultHandler(exchange -> handle(exchange, ready))
            .executorService(executor())
            .buildAndStart();
    return new HealthServer(s);
  }

  private static ExecutorService executor() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "ferrolb-http");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** {@code ready} returns "" when ready, else the reason it is not (shown in the 503 body). */
  private static void handle(HttpExchange exchange, Supplier<String> ready) throws IOException {
    String path = exchange.getRequestURI().getPath();
    int code;
    String body;
    if ("/healthz".equals(path)) {
      code = OK;
      body = "ok\n";
    } else if ("/readyz".equals(path)) {
      String why = ready.get();
      code = why.isEmpty() ? OK : UNAVAILABLE;
      body = why.isEmpty() ? "ok\n" : why + "\n";
    } else {
      code = NOT_FOUND;
      body = "not found: " + path + " (expected: /metrics, /healthz, /readyz)\n";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
