package io.ferrolb.app.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.ferrolb.app.observability.HealthServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

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
      int metricsPort,
      PrometheusRegistry registry,
      Starter<T> starter,
      Function<T, String> notReady)
      throws Exception {
    ShutdownSignal shutdown = ShutdownSignal.install();
    AtomicReference<T> running = new AtomicReference<>();
    try (HealthServer.Starting health =
            HealthServer.startInBackground(
                metricsPort,
                registry,
                () -> {
                  T component = running.get();
                  return component == null ? "not ready: starting" : notReady.apply(component);
                });
        KubernetesClient client = new KubernetesClientBuilder().build()) {
      health.get(); // a port in use fails here, before the component starts
      try (T component = starter.start(client)) {
        running.set(component);
        shutdown.awaitRequest();
      }
    } finally {
      shutdown.closed();
    }
  }
}
