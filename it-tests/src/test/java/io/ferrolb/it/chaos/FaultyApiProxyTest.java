package io.ferrolb.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy itself, with its faults off: it must forward what the clients under test open. */
class FaultyApiProxyTest {
  private KubernetesMockServer server;
  private FaultyApiProxy proxy;
  private KubernetesClient direct;
  private KubernetesClient proxied;

  @BeforeEach
  void start() throws Exception {
    DeletionAwareDispatcher dispatcher = new DeletionAwareDispatcher();
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    direct = server.createClient();
    proxy =
        FaultyApiProxy.start(
            FaultyApiProxy.Options.defaults(1),
            InetAddress.getLoopbackAddress().getHostAddress(),
            server.getPort(),
            dispatcher);
    proxy.stopFaults();
    proxied =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl(proxy.url()).withNamespace("t").build())
            .build();
  }

  @AfterEach
  void stop() {
    proxy.close(); // first: it ends any watch still waiting in it
    proxied.close();
    direct.close();
    server.destroy();
  }

  /**
   * Vert.x's WebSocket client opens 50 at most and queues the rest until one closes: with the
   * defaults, the 51st watch of ChaosIT's clients never started once the faults stopped.
   */
  @Test
  void moreWatchesThanAClientPoolHoldsAllGetTheirEvents() {
    // fabric8's watch() waits for its WebSocket: one queued in the proxy would hang the test
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        this::eightyWatches,
        "80 watches opened through the proxy and each told of one ConfigMap");
  }

  private void eightyWatches() {
    int watches = 80;
    List<AtomicInteger> seen = new ArrayList<>();
    List<Watch> open = new ArrayList<>();
    try {
      for (int i = 0; i < watches; i++) {
        AtomicInteger n = new AtomicInteger();
        seen.add(n);
        open.add(
            proxied
                .configMaps()
                .inNamespace("t")
                .watch(
                    new Watcher<ConfigMap>() {
                      @Override
                      public void eventReceived(Action action, ConfigMap resource) {
                        n.incrementAndGet();
                      }

                      @Override
                      public void onClose(WatcherException cause) {}
                    }));
      }
      direct
          .configMaps()
          .inNamespace("t")
          .resource(new ConfigMapBuilder().withNewMetadata().withName("one").endMetadata().build())
          .create();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(seen.stream().filter(n -> n.get() == 0).count())
                      .as("watches (of %d) that got no event", watches)
                      .isZero());
    } finally {
      open.forEach(Watch::close);
    }
  }
}
