package io.ferrolb.app.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.ferrolb.app.observability.HealthServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
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
  /** Starts a component on the client; it runs until closed. */
  interface Starter<T extends AutoCloseable> {
    T start(KubernetesClient client) throws Exception;
  }

  private Serve() {}

  /**
   * @param notReady "" when the running component is ready, else why it is not
   */
  static <T extends AutoCloseable> void untilStopped(
      MetallbFlags.Ports ports,
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
    // --health-probe-port for the probes)
    boolean split = ports.metrics().isPresent() && ports.metrics().getAsInt() != ports.health();
    try (HealthServer.Starting health =
            HealthServer.startInBackground(ports.health(), registry, ready);
        HealthServer.Starting metrics =
            split
                ? HealthServer.startInBackground(ports.metrics().getAsInt(), registry, ready)
                : null;
        KubernetesClient client = new KubernetesClientBuilder().build()) {
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
}
