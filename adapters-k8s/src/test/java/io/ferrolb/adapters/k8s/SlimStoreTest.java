package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlimStoreTest {

  /** As the informer decodes it: every model object with a map of its own. */
  private static Service decoded(String name) {
    Service s =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("team-a")
            .withResourceVersion("7")
            .withCreationTimestamp("2026-12-07T10:00:00Z")
            .addToAnnotations("metallb.io/address-pool", "blue")
            .addToAnnotations(SlimStore.LAST_APPLIED, "{\"apiVersion\":\"v1\"}")
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
    Service slim = SlimStore.service(decoded("web"));
    Service full = decoded("web");
    full.getMetadata().getAnnotations().remove(SlimStore.LAST_APPLIED); // kubectl's own copy

    assertThat(Conversions.service(slim)).isEqualTo(Conversions.service(full));
    assertThat(Conversions.request(slim)).isEqualTo(Conversions.request(full));
    assertThat(slim.getMetadata().getAnnotations())
        .containsEntry("metallb.io/address-pool", "blue")
        .doesNotContainKey(SlimStore.LAST_APPLIED);
    assertThat(slim.getMetadata().getLabels()).containsEntry("app", "web");
    assertThat(slim.getMetadata().getManagedFields()).isNullOrEmpty();
    // and it still serializes (a writer or a log may)
    assertThat(Serialization.unmarshal(Serialization.asJson(slim), Service.class).getSpec())
        .isEqualTo(full.getSpec());
  }

  @Test
  void repeatingValuesAreOneCopyAndUnknownFieldsAreKept() {
    Service a = SlimStore.service(decoded("a"));
    Service b = SlimStore.service(decoded("b"));
    assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace());
    assertThat(a.getSpec().getType()).isSameAs(b.getSpec().getType());
    assertThat(a.getSpec().getPorts().get(0).getProtocol())
        .isSameAs(b.getSpec().getPorts().get(0).getProtocol());
    assertThat(a.getSpec().getAdditionalProperties())
        .isSameAs(b.getSpec().getAdditionalProperties());
    assertThat(a.getSpec().getAdditionalProperties()).isEmpty();

    Service unknown = decoded("c");
    unknown.getSpec().setAdditionalProperty("futureField", "x");
    assertThat(SlimStore.service(unknown).getSpec().getAdditionalProperties())
        .containsEntry("futureField", "x");
  }

  @Test
  void eachVersionOfAServiceReusesTheStringsOfTheLast() {
    Service v1 = SlimStore.service(decoded("web"));
    Service v2 = SlimStore.service(decoded("web"));

    assertThat(v2.getMetadata().getName()).isSameAs(v1.getMetadata().getName());
    assertThat(v2.getMetadata().getCreationTimestamp())
        .isSameAs(v1.getMetadata().getCreationTimestamp());
    assertThat(v2.getMetadata().getLabels().get("app"))
        .isSameAs(v1.getMetadata().getLabels().get("app"));
    assertThat(v2.getMetadata().getAnnotations().get("metallb.io/address-pool"))
        .isSameAs(v1.getMetadata().getAnnotations().get("metallb.io/address-pool"));
    assertThat(v2.getStatus().getConditions().get(0).getReason())
        .isSameAs(v1.getStatus().getConditions().get(0).getReason());
  }

  @Test
  void listsAndMapsAreUnmodifiableSoACachedObjectCannotBeChangedByMistake() {
    Service slim = SlimStore.service(decoded("web"));

    assertThat(slim.getMetadata().getFinalizers()).isEmpty();
    assertThatThrownBy(() -> slim.getMetadata().getFinalizers().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> slim.getMetadata().getLabels().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> slim.getSpec().getPorts().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> slim.getStatus().getLoadBalancer().getIngress().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    EndpointSlice e = SlimStore.endpointSlice(slice("web", "node-1"));
    assertThatThrownBy(() -> e.getEndpoints().get(0).getAddresses().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aLongAnnotationValueIsNotShared() {
    String value = "x".repeat(200);
    Service a = decoded("a");
    a.getMetadata().getAnnotations().put("note", value);
    Service b = decoded("b");
    b.getMetadata().getAnnotations().put("note", new String(value));

    assertThat(SlimStore.service(a).getMetadata().getAnnotations().get("note"))
        .isNotSameAs(SlimStore.service(b).getMetadata().getAnnotations().get("note"))
        .isEqualTo(value);
  }

  @Test
  void theStoreHoldsTheSlimObject() {
    SlimStore<Service> store = SlimStore.services();
    Service s = decoded("web");
    store.put(store.getKey(s), s);
    assertThat(store.get("team-a/web").getMetadata().getAnnotations())
        .doesNotContainKey(SlimStore.LAST_APPLIED);
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.remove("team-a/web")).isSameAs(s);
    assertThat(store.size()).isZero();
  }

  private static EndpointSlice slice(String service, String node) {
    EndpointSlice e =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(service + "-abcde")
            .withNamespace("team-a")
            .addToLabels(Fabric8SpeakerView.SERVICE_NAME_LABEL, service)
            .addToLabels("endpointslice.kubernetes.io/managed-by", "endpointslice-controller")
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kcm").build())
            .endMetadata()
            .withAddressType("IPv4")
            .addNewEndpoint()
            .withAddresses("198.51.100.20")
            .withNodeName(node)
            .withNewConditions()
            .withReady(true)
            .withServing(true)
            .endConditions()
            .withNewTargetRef()
            .withKind("Pod")
            .withName(service + "-pod")
            .withUid("0b5e9c4e-1111-2222-3333-444455556666")
            .endTargetRef()
            .endEndpoint()
            .addNewPort()
            .withName("http")
            .withPort(8080)
            .withProtocol("TCP")
            .endPort()
            .build();
    return Serialization.unmarshal(Serialization.asJson(e), EndpointSlice.class);
  }

  @Test
  void whatTheSpeakerViewTakesFromAnEndpointSliceIsUnchanged() {
    Service web = decoded("web");
    EndpointSlice slim = SlimStore.endpointSlice(slice("web", "node-1"));

    assertThat(Fabric8SpeakerView.state(web, List.of(slim)))
        .isEqualTo(Fabric8SpeakerView.state(web, List.of(slice("web", "node-1"))));
    assertThat(slim.getMetadata().getLabels())
        .containsEntry(Fabric8SpeakerView.SERVICE_NAME_LABEL, "web");
    assertThat(slim.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(slim.getEndpoints().get(0).getTargetRef()).isNull();
  }

  @Test
  void repeatedNodeNamesAndLabelKeysAreOneCopy() {
    EndpointSlice a = SlimStore.endpointSlice(slice("a", "node-1"));
    EndpointSlice b = SlimStore.endpointSlice(slice("b", "node-1"));

    assertThat(a.getEndpoints().get(0).getNodeName())
        .isSameAs(b.getEndpoints().get(0).getNodeName());
    String keyA = a.getMetadata().getLabels().keySet().iterator().next();
    String keyB = b.getMetadata().getLabels().keySet().iterator().next();
    assertThat(keyA).isSameAs(keyB);
  }
}
