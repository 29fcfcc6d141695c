package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.ferrolb.ports.out.ClusterView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Whether a Service the cache does not hold is gone, against the CRUD mock API server. */
@EnableKubernetesMockClient(crud = true)
class Fabric8ClusterViewTest {
  KubernetesClient client;
  KubernetesMockServer server;

  private final List<String> changed = new CopyOnWriteArrayList<>();
  private Fabric8ClusterView view;

  @AfterEach
  void close() {
    if (view != null) {
      view.close();
    }
  }

  private void start() {
    view = new Fabric8ClusterView(client, "ferrolb-system");
    view.start(
        new ClusterView.Listener() {
          @Override
          public void serviceChanged(String key) {
            changed.add(key);
          }

          @Override
          public void configChanged() {}

          @Override
          public void namespaceChanged(String name) {}
        });
    await().atMost(Duration.ofSeconds(10)).until(view::synced);
  }

  private void create(String name) {
    create(name, Map.of());
  }

  private void create(String name, Map<String, String> annotations) {
    client
        .services()
        .inNamespace("default")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .endSpec()
                .build())
        .create();
  }

  @Test
  void aServiceTheCacheSawDeletedIsGone() {
    create("web");
    start();
    await().atMost(Duration.ofSeconds(10)).until(() -> view.service("default/web").isPresent());
    assertThat(view.gone("default/web")).isFalse();

    client.services().inNamespace("default").withName("web").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> view.service("default/web").isEmpty());

    assertThat(view.gone("default/web")).isTrue();
  }

  @Test
  void aServiceTheCacheNeverSawIsAskedForOnTheServer() {
    start();

    assertThat(view.gone("default/never")).as("404 on the server").isTrue();
  }

  @Test
  void aServiceCreatedAgainAfterItsDeletionIsNotGone() {
    create("web");
    start();
    client.services().inNamespace("default").withName("web").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> view.service("default/web").isEmpty());
    create("web");
    await().atMost(Duration.ofSeconds(10)).until(() -> view.service("default/web").isPresent());

    assertThat(view.gone("default/web")).isFalse();
  }

  @Test
  void theServicesAreListedInPagesAndCachedSlim() throws InterruptedException {
    create("applied", Map.of(SlimStore.LAST_APPLIED, "{}"));
    int before = server.getRequestCount();
    start();
    await().atMost(Duration.ofSeconds(10)).until(() -> view.service("default/applied").isPresent());

    List<String> paths = new ArrayList<>();
    for (int i = before; i < server.getRequestCount(); i++) {
      paths.add(server.takeRequest().getPath());
    }
    assertThat(paths)
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("/api/v1/services?")
                    .contains("limit=500")
                    .doesNotContain("watch"));
    assertThat(view.service("default/applied").orElseThrow().request().annotations())
        .doesNotContainKey(SlimStore.LAST_APPLIED);
  }
}
