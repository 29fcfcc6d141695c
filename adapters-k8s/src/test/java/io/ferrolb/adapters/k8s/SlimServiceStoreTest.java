package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class SlimServiceStoreTest {

  /** As the informer decodes it: every model object with a map of its own. */
  private static Service decoded(String name) {
    Service s =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("team-a")
            .withResourceVersion("7")
            .addToAnnotations("metallb.io/address-pool", "blue")
            .addToAnnotations(SlimServiceStore.LAST_APPLIED, "{\"apiVersion\":\"v1\"}")
            .addToLabels("app", name)
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withLoadBalancerIP("198.51.100.7")
            .withIpFamilies("IPv4")
            .withIpFamilyPolicy("SingleStack")
            .withExternalTrafficPolicy("Local")
            .addNewPort()
            .withName("http")
            .withProtocol("TCP")
            .withPort(80)
            .endPort()
            .endSpec()
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("198.51.100.7")
            .withIpMode("VIP")
            .endIngress()
            .endLoadBalancer()
            .addNewCondition()
            .withType("metallb.io/Announced")
            .withStatus("True")
            .withReason("Announced")
            .withMessage("by node-1")
            .endCondition()
            .endStatus()
            .build();
    return Serialization.unmarshal(Serialization.asJson(s), Service.class);
  }

  @Test
  void whatEveryReaderTakesFromAServiceIsUnchanged() {
    Service slim = SlimServiceStore.slim(decoded("web"));
    Service full = decoded("web");
    full.getMetadata().getAnnotations().remove(SlimServiceStore.LAST_APPLIED); // kubectl's own copy

    assertThat(Conversions.service(slim)).isEqualTo(Conversions.service(full));
    assertThat(Conversions.request(slim)).isEqualTo(Conversions.request(full));
    assertThat(slim.getMetadata().getAnnotations())
        .containsEntry("metallb.io/address-pool", "blue")
        .doesNotContainKey(SlimServiceStore.LAST_APPLIED);
    assertThat(slim.getMetadata().getLabels()).containsEntry("app", "web");
    assertThat(slim.getMetadata().getManagedFields()).isNullOrEmpty();
    // and it still serializes (a writer or a log may)
    assertThat(Serialization.unmarshal(Serialization.asJson(slim), Service.class).getSpec())
        .isEqualTo(full.getSpec());
  }

  @Test
  void repeatingValuesAreOneCopyAndUnknownFieldsAreKept() {
    Service a = SlimServiceStore.slim(decoded("a"));
    Service b = SlimServiceStore.slim(decoded("b"));
    assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace());
    assertThat(a.getSpec().getType()).isSameAs(b.getSpec().getType());
    assertThat(a.getSpec().getPorts().get(0).getProtocol())
        .isSameAs(b.getSpec().getPorts().get(0).getProtocol());
    assertThat(a.getSpec().getAdditionalProperties())
        .isSameAs(b.getSpec().getAdditionalProperties());
    assertThat(a.getSpec().getAdditionalProperties()).isEmpty();

    Service unknown = decoded("c");
    unknown.getSpec().setAdditionalProperty("futureField", "x");
    assertThat(SlimServiceStore.slim(unknown).getSpec().getAdditionalProperties())
        .containsEntry("futureField", "x");
  }

  @Test
  void theStoreHoldsTheSlimObject() {
    SlimServiceStore store = new SlimServiceStore();
    Service s = decoded("web");
    store.put(store.getKey(s), s);
    assertThat(store.get("team-a/web").getMetadata().getAnnotations())
        .doesNotContainKey(SlimServiceStore.LAST_APPLIED);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.remove("team-a/web")).isSameAs(s);
    assertThat(store.size()).isZero();
  }
}
