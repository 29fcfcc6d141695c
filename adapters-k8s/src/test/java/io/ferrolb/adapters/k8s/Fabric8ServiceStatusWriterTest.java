package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class Fabric8ServiceStatusWriterTest {
  KubernetesClient client;

  static Service web() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("default")
        .withUid("u1")
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .endSpec()
        .build();
  }

  /** 198.51.100.7 from pool "blue", for web() as read before any write. */
  private boolean writeAddressAndPool() {
    return new Fabric8ServiceStatusWriter(client)
        .write(
            Conversions.service(web()),
            List.of(IpAddress.parse("198.51.100.7")),
            Optional.of("blue"));
  }

  @Test
  void writesTheAddressAndThePool() {
    client.services().resource(web()).create();
    boolean wrote = writeAddressAndPool();
    assertThat(wrote).isTrue();
    Service now = client.services().inNamespace("default").withName("web").get();
    assertThat(now.getStatus().getLoadBalancer().getIngress().get(0).getIp())
        .isEqualTo("198.51.100.7");
    assertThat(now.getMetadata().getAnnotations())
        .containsEntry("metallb.io/ip-allocated-from-pool", "blue");
  }

  /** A Service deleted after the cache read it: a 404 is no failure to retry (ChaosIT saw 300). */
  @Test
  void aServiceDeletedMeanwhileIsNotRetried() {
    boolean wrote = writeAddressAndPool();
    assertThat(wrote).isFalse();
    assertThat(client.services().inNamespace("default").withName("web").get()).isNull();
  }
}
