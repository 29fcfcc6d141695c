package io.ferrolb.it.controller;

import static io.ferrolb.it.controller.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.cli.IndexedCrudDispatcher;
import io.ferrolb.app.controller.Controller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 1,000 Services and a controller restart in the middle, on a standalone CRUD mock server with an
 * indexed store (the stock one scans every object on each request, which makes a thousand-object
 * test slow enough to time out its own shutdown on a busy machine).
 */
class ControllerRestartIT {
  private static final Duration LONG_WAIT = Duration.ofSeconds(60);
  private static final Duration SLOW_POLL = Duration.ofMillis(500);

  private KubernetesMockServer server;
  private KubernetesClient client;
  private final List<Controller> running = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @BeforeEach
  void startServer() throws Exception {
    server = IndexedCrudDispatcher.serve(new IndexedCrudDispatcher());
    client = server.createClient();
    Fixtures.installCrds(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  @AfterEach
  void stopAll() {
    running.forEach(Controller::close);
    clients.forEach(KubernetesClient::close);
    client.close();
    server.destroy();
  }

  private Controller controller(String identity) {
    KubernetesClient own = server.createClient();
    clients.add(own);
    Controller c =
        Controller.start(
            own,
            new Controller.Options(
                NS, "", identity, LeaseLeadership.Timing.FAST, true, Optional.empty()),
            new PrometheusRegistry());
    running.add(c);
    return c;
  }

  private void create(io.fabric8.kubernetes.api.model.Service s) {
    client.resource(s).create();
  }

  @Test
  void aThousandServicesKeepEveryAddressAcrossARestartInTheMiddle() {
    Fixtures.applyPool(client, "big", "198.18.0.0/20");
    Controller first = controller("a");
    for (int i = 0; i < 500; i++) {
      create(Fixtures.lb("team" + (i % 5), "svc-" + i, i));
    }
    await()
        .atMost(LONG_WAIT)
        .pollInterval(SLOW_POLL)
        .until(() -> Fixtures.allIngress(client).values().stream().allMatch(l -> l.size() == 1));
    Map<String, List<String>> before = Fixtures.allIngress(client);
    first.close();
    running.remove(first);
    for (int i = 500; i < 1000; i++) {
      create(Fixtures.lb("team" + (i % 5), "svc-" + i, i));
    }
    controller("b");
    await()
        .atMost(LONG_WAIT)
        .pollInterval(SLOW_POLL)
        .until(
            () -> Fixtures.allIngress(client),
            m -> m.size() == 1000 && m.values().stream().allMatch(l -> l.size() == 1));
    Map<String, List<String>> after = Fixtures.allIngress(client);
    for (var e : before.entrySet()) {
      assertThat(after.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(after.values().stream().map(l -> l.get(0)).distinct().count()).isEqualTo(1000);
  }
}
