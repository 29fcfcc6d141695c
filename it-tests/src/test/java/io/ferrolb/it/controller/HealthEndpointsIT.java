package io.ferrolb.it.controller;

import static io.ferrolb.it.controller.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.controller.Controller;
import io.ferrolb.app.observability.HealthServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** /metrics, /healthz and /readyz of a running controller, over HTTP. */
@EnableKubernetesMockClient(crud = true)
class HealthEndpointsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  KubernetesClient client;
  KubernetesMockServer server;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsUseMetallbNamesAndReadinessMeansLeaderAndConfigKnown() throws Exception {
    Fixtures.installCrds(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Fixtures.applyPool(client, "blue", "198.51.100.0/29", "2001:db8::/64");
    PrometheusRegistry registry = new PrometheusRegistry();
    KubernetesClient own = server.createClient();
    try (Controller c =
            Controller.start(
                own,
                new Controller.Options(
                    NS, "", "solo", LeaseLeadership.Timing.FAST, true, Optional.empty()),
                registry);
        HealthServer health =
            HealthServer.start(0, registry, () -> c.loop().ready() ? "" : "not ready")) {
      assertThat(get(health.port(), "/healthz").statusCode()).isEqualTo(200);
      await().atMost(WAIT).until(() -> get(health.port(), "/readyz").statusCode() == 200);
      client.resource(Fixtures.lb("default", "web", 1)).create();
      await()
          .atMost(WAIT)
          .until(
              () -> Fixtures.ingress(client, "default", "web"),
              i -> i.equals(List.of("198.51.100.0")));
      await()
          .atMost(WAIT)
          .until(
              () -> get(health.port(), "/metrics").body(),
              m ->
                  m.contains("metallb_allocator_addresses_in_use_total{pool=\"blue\"} 1.0")
                      && m.contains("metallb_allocator_ipv4_addresses_total{pool=\"blue\"} 8.0"));
      String metrics = get(health.port(), "/metrics").body();
      assertThat(metrics)
          .contains("metallb_k8s_client_config_loaded_bool 1.0")
          .contains("metallb_k8s_client_config_stale_bool 0.0")
          .contains("metallb_k8s_client_updates_total")
          .contains("metallb_k8s_client_update_errors_total")
          .contains("ferrolb_controller_leader_bool 1.0")
          // exact IPv6 capacity of a /64: 2^64, beyond a double's exact range
          .contains("total=\"18446744073709551616\"");
      io.ferrolb.it.support.MetallbMetrics.assertMatches(
          metrics,
          "controller",
          io.ferrolb.it.support.MetallbMetrics.list().values().stream()
              .filter(f -> f.components().contains("controller"))
              .map(io.ferrolb.it.support.MetallbMetrics.Family::name)
              .collect(java.util.stream.Collectors.toSet()));
      assertThat(metrics).contains("metallb_allocator_services_allocated_total{pool=\"blue\"} 1.0");
      assertThat(get(health.port(), "/nope").statusCode()).isEqualTo(404);
    } finally {
      own.close();
    }
  }
}
