package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.ClusterWriteException;
import io.ferrolb.ports.out.ServiceSnapshot;
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

  /**
   * Two replicas leading at once for a moment (a Lease lost under load): the one that decided on an
   * older version of the Service cannot overwrite the other's address.
   */
  @Test
  void aDecisionOnAnOlderVersionOfTheServiceIsRefused() {
    Service created = client.services().resource(web()).create();
    ServiceSnapshot read = Conversions.service(created); // both replicas read this version
    Fabric8ServiceStatusWriter writer = new Fabric8ServiceStatusWriter(client);
    assertThat(writer.write(read, List.of(IpAddress.parse("198.51.100.7")), Optional.of("blue")))
        .isTrue();

    assertThatThrownBy(
            () -> writer.write(read, List.of(IpAddress.parse("198.51.100.9")), Optional.of("blue")))
        .isInstanceOf(ClusterWriteException.class)
        .hasMessageContaining("HTTP 409");

    Service now = client.services().inNamespace("default").withName("web").get();
    assertThat(now.getStatus().getLoadBalancer().getIngress())
        .extracting(i -> i.getIp())
        .containsExactly("198.51.100.7");
  }

  /** A status-only change on the version the annotation patch just made goes through. */
  @Test
  void theStatusPatchFollowsTheVersionItsOwnAnnotationPatchMade() {
    Service created = client.services().resource(web()).create();
    Fabric8ServiceStatusWriter writer = new Fabric8ServiceStatusWriter(client);

    assertThat(
            writer.write(
                Conversions.service(created),
                List.of(IpAddress.parse("198.51.100.7")),
                Optional.of("blue")))
        .isTrue();
    Service now = client.services().inNamespace("default").withName("web").get();
    assertThat(now.getStatus().getLoadBalancer().getIngress()).hasSize(1);
    assertThat(now.getMetadata().getAnnotations()).containsKey(ServiceSnapshot.POOL_ANNOTATION);
  }

  /** A Service deleted after the cache read it: a 404 is no failure to retry (ChaosIT saw 300). */
  @Test
  void aServiceDeletedMeanwhileIsNotRetried() {
    boolean wrote = writeAddressAndPool();
    assertThat(wrote).isFalse();
    assertThat(client.services().inNamespace("default").withName("web").get()).isNull();
  }
}
