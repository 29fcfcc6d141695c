package io.ferrolb.app.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.ferrolb.adapters.k8s.RequestRateLimit;
import io.ferrolb.adapters.k8s.RetryAfter;
import io.ferrolb.app.observability.HealthServer;
import io.ferrolb.app.observability.secure.Fabric8MetricsAccess;
import io.ferrolb.app.observability.secure.SecureMetricsServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How the controller and the speaker run: the health port starts on its own thread while the
 * Kubernetes client is built (so {@code /healthz} answers while the caches fill and {@code /readyz}
 * says what is missing), then the component starts and runs until SIGTERM/SIGINT; the JVM waits
 * until everything is closed.
 */
final class Serve {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Serve.class);

  /** Starts a component on the client; it runs until closed. */
  interface Starter<T extends AutoCloseable> {
    T start(KubernetesClient client) throws Exception;
  }

  private Serve() {}

  /**
   * @param apiLimit the client-side limit on requests to the API server (--kube-api-qps/-burst)
   * @param notReady "" when the running component is ready, else why it is not
   */
  static <T extends AutoCloseable> void untilStopped(
      MetallbFlags.Ports ports,
      RequestRateLimit.Settings apiLimit,
      PrometheusRegistry registry,
      Starter<T> starter,
      Function<T, String> notReady)
      throws Exception {
    ShutdownSignal shutdown = ShutdownSignal.install();
    AtomicReference<T> running = new AtomicReference<>();
    Supplier<String> ready =
        () -> {
          T component = running.get();
          return component == null ? "not ready: starting" : notReady.apply(component);
        };
    // one port for everything (ferrolb's --metrics-port), or MetalLB's two (--port for metrics,
    // --health-probe-port for the probes); with --metrics-cert-dir the metrics port is HTTPS, with
    // each scrape's token reviewed by the API server, and the probes port serves only the probes
    boolean split = ports.metrics().isPresent() && ports.metrics().getAsInt() != ports.health();
    boolean secure = ports.secure().isPresent();
    try (HealthServer.Starting health =
            secure
                ? HealthServer.startProbesInBackground(ports.health(), ready)
                : HealthServer.startInBackground(ports.health(), registry, ready);
        HealthServer.Starting metrics =
            split && !secure
                ? HealthServer.startInBackground(ports.metrics().getAsInt(), registry, ready)
                : null;
        KubernetesClient client =
            RequestRateLimit.install(
                    new KubernetesClientBuilder()
                        .withConfig(RetryAfter.boundRetries(Config.autoConfigure(null))),
                    apiLimit)
                .build();
        SecureMetricsServer https = secure ? https(ports, registry, client) : null) {
      health.get(); // a port in use fails here, before the component starts
      if (metrics != null) {
        metrics.get();
      }
      try (T component = starter.start(client)) {
        running.set(component);
        shutdown.awaitRequest();
      }
    } finally {
      shutdown.closed();
    }
  }

  private static SecureMetricsServer https(
      MetallbFlags.Ports ports, PrometheusRegistry registry, KubernetesClient client)
      throws IOException {
    MetallbFlags.SecureMetrics s = ports.secure().orElseThrow();
    int port = ports.metrics().orElseThrow();
    try {
      SecureMetricsServer server =
          SecureMetricsServer.start(
              port,
              registry,
              s.certificate(),
              s.tls(),
              new Fabric8MetricsAccess(
                  client, Clock.systemUTC(), Fabric8MetricsAccess.DEFAULT_TTL));
      LOG.info(
          "event=metricsServing scheme=https port={} protocols={} certificate=\"{}\" notAfter={}",
          port,
          s.tls().protocols(),
          s.certificate().certificate().getSubjectX500Principal().getName(),
          s.certificate().certificate().getNotAfter().toInstant());
      return server;
    } catch (IOException e) {
      IOException named = new IOException("port " + port + ": " + e.getMessage());
      named.initCause(e);
      throw named;
    }
  }
}
