package io.ferrolb.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void startedInBackgroundItAnswersLivenessAndSaysWhyNotReadyUntilTheComponentIs()
      throws Exception {
    AtomicReference<String> why = new AtomicReference<>("not ready: starting");
    try (HealthServer.Starting starting =
        HealthServer.startInBackground(0, new PrometheusRegistry(), why::get)) {
      int port = starting.get().port();

      assertThat(get(port, "/healthz")).isEqualTo("200 ok\n");
      assertThat(get(port, "/readyz")).isEqualTo("503 not ready: starting\n");
      why.set("");
      assertThat(get(port, "/readyz")).isEqualTo("200 ok\n");
      assertThat(get(port, "/nope")).startsWith("404 not found: /nope");
    }
  }

  @Test
  void theProbesPortOfHttpsMetricsServesNoMetricsNeitherPath() throws Exception {
    try (HealthServer.Starting starting = HealthServer.startProbesInBackground(0, () -> "")) {
      int port = starting.get().port();

      assertThat(get(port, "/healthz")).isEqualTo("200 ok\n");
      assertThat(get(port, "/readyz")).isEqualTo("200 ok\n");
      assertThat(get(port, "/metrics")).startsWith("404 ").contains("served over HTTPS");
      assertThat(get(port, "/ferrolb-exporter-metrics")).doesNotContain("metallb_");
    }
  }

  @Test
  void aPortInUseIsThrownByGetAndClosingAFailedStartIsQuiet() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
      HealthServer.Starting starting =
          HealthServer.startInBackground(taken.getLocalPort(), new PrometheusRegistry(), () -> "");

      assertThatThrownBy(starting::get)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("port " + taken.getLocalPort() + ": ")
          .hasCauseInstanceOf(BindException.class);
      starting.close();
    }
  }

  @Test
  void closingStopsServing() throws Exception {
    HealthServer.Starting starting =
        HealthServer.startInBackground(0, new PrometheusRegistry(), () -> "");
    int port = starting.get().port();
    assertThat(get(port, "/healthz")).isEqualTo("200 ok\n");

    starting.close();

    assertThatThrownBy(() -> get(port, "/healthz")).isInstanceOf(IOException.class);
  }

  private String get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }
}
