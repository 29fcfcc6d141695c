package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.ferrolb.domain.allocation.IpFamilyPolicy;
import io.ferrolb.domain.allocation.ServicePort;
import io.ferrolb.domain.allocation.ServiceRequest;
import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.announce.ServiceState;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.RawObject;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.ports.out.ServiceSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConversionsTest {

  @Test
  void aServiceBecomesASnapshotWithParsedAddressesAndPorts() {
    var svc =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("web")
            .withUid("u1")
            .addToAnnotations("metallb.io/ip-allocated-from-pool", "blue")
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withClusterIPs("10.96.0.1", "None")
            .withIpFamilies("IPv4")
            .withIpFamilyPolicy("SingleStack")
            .withExternalTrafficPolicy("Local")
            .addNewPort()
            .withProtocol("udp")
            .withPort(53)
            .endPort()
            .endSpec()
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("198.51.100.1")
            .endIngress()
            .addNewIngress()
            .withHostname("lb.example")
            .endIngress()
            .endLoadBalancer()
            .endStatus()
            .build();
    ServiceSnapshot s = Conversions.service(svc);
    assertThat(s.key()).isEqualTo("ns/web");
    assertThat(s.request().ports()).containsExactly(ServicePort.udp(53));
    assertThat(s.request().clusterIps()).containsExactly(IpAddress.parse("10.96.0.1"));
    assertThat(s.request().ipFamilies()).containsExactly(IpFamily.IPV4);
    assertThat(s.ingress()).containsExactly(IpAddress.parse("198.51.100.1"));
    assertThat(s.allocatedFromPool()).contains("blue");
    assertThat(s.request().loadBalancerClass()).isEmpty();
    assertThat(s.request().externalTrafficPolicy()).isEqualTo(TrafficPolicy.LOCAL);
  }

  @Test
  void theSpeakersServiceStateIsTheControllersRequestWithItsEndpoints() {
    var svc =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName("web")
            .addToLabels("app", "web")
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withExternalTrafficPolicy("Local")
            .addNewPort()
            .withPort(443)
            .endPort()
            .addNewPort()
            .withProtocol("QUIC") // a protocol Kubernetes might add: no sharing conflict with it
            .withPort(443)
            .endPort()
            .endSpec()
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("198.51.100.1")
            .endIngress()
            .endLoadBalancer()
            .endStatus()
            .build();
    var slice =
        new EndpointSliceBuilder()
            .addNewEndpoint()
            .withNodeName("n1")
            .withNewConditions()
            .withReady(true)
            .endConditions()
            .endEndpoint()
            .build();

    ServiceRequest request = Conversions.request(svc);
    ServiceState state = Fabric8SpeakerView.state(svc, List.of(slice));

    assertThat(request.ports()).containsExactly(ServicePort.tcp(443));
    assertThat(request.ipFamilyPolicy()).isEqualTo(IpFamilyPolicy.SINGLE_STACK);
    assertThat(state.key()).isEqualTo(request.key());
    assertThat(state.ingress()).isEqualTo(request.currentIngress());
    assertThat(state.labels()).isEqualTo(request.labels());
    assertThat(state.externalTrafficPolicy()).isEqualTo(TrafficPolicy.LOCAL);
    assertThat(state.hasServingEndpointOn("n1")).isTrue();
  }

  @Test
  void aLegacyConfigMapWithoutItsKeyIsUndecodableWithTheReason() {
    var empty =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withNamespace("metallb-system")
            .withName("config")
            .endMetadata()
            .build();

    assertThat(Conversions.legacy(empty))
        .isInstanceOfSatisfying(
            DecodedObject.Undecodable.class,
            u ->
                assertThat(u.error().toString())
                    .isEqualTo(
                        "ConfigMap \"config\": data: no key \"config\" (expected: the YAML"
                            + " config)"));
  }

  @Test
  void aCustomResourceSpecBecomesAPlainTreeWithoutNulls() {
    Map<String, Object> spec = new HashMap<>();
    spec.put("addresses", new ArrayList<>(java.util.Arrays.asList("198.51.100.0/24", null)));
    spec.put("autoAssign", null);
    spec.put("serviceAllocation", Map.of("priority", 5));
    var r =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("metallb.io/v1beta1")
            .withKind("IPAddressPool")
            .withNewMetadata()
            .withNamespace("ferrolb-system")
            .withName("blue")
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", spec))
            .build();
    RawObject o = Conversions.raw(MetallbKind.IP_ADDRESS_POOL, r);
    assertThat(o.origin()).isEqualTo("IPAddressPool ferrolb-system/blue");
    assertThat(o.spec())
        .containsOnlyKeys("addresses", "serviceAllocation")
        .containsEntry("addresses", List.of("198.51.100.0/24"))
        .containsEntry("serviceAllocation", Map.of("priority", 5L));
  }

  @Test
  void theLegacyConfigMapIsDecodedAndBrokenYamlIsReportedNotThrown() {
    var good =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withNamespace("metallb-system")
            .withName("config")
            .endMetadata()
            .withData(
                Map.of(
                    "config",
                    "address-pools:\n- name: a\n  protocol: layer2\n  addresses: [198.51.100.0/30]\n"))
            .build();
    RawObject o = ((DecodedObject.Decoded) Conversions.legacy(good)).object();
    assertThat(o.kind()).isEqualTo(RawObject.LEGACY_CONFIG_KIND);
    assertThat(o.origin()).isEqualTo("ConfigMap metallb-system/config");
    assertThat(o.spec()).containsKey("address-pools");

    var broken =
        new ConfigMapBuilder(good).withData(Map.of("config", "address-pools: [\n")).build();
    assertThat(Conversions.legacy(broken))
        .isInstanceOfSatisfying(
            DecodedObject.Undecodable.class,
            u ->
                assertThat(u.error().withOrigin())
                    .startsWith(
                        "ConfigMap metallb-system/config: ConfigMap \"config\": data.config: "));
  }

  @Test
  void statusPatchesReplaceTheIngressListAndEscapeTheAnnotationKey() {
    ServiceSnapshot withStatus =
        new ServiceSnapshot(
            ServiceRequest.builder("ns", "web").annotation("a", "b").build(), "", true, "");
    assertThat(
            Fabric8ServiceStatusWriter.statusPatch(
                withStatus, List.of(IpAddress.parse("198.51.100.1")), ""))
        .contains("\"op\":\"add\"")
        .contains("\"path\":\"/status/loadBalancer\"")
        .contains("{\"ingress\":[{\"ip\":\"198.51.100.1\"}]}");
    assertThat(Fabric8ServiceStatusWriter.annotationPatch(withStatus, Optional.of("blue"), ""))
        .contains("/metadata/annotations/metallb.io~1ip-allocated-from-pool")
        .doesNotContain("resourceVersion");
    String onVersion =
        Fabric8ServiceStatusWriter.annotationPatch(withStatus, Optional.of("blue"), "41");
    assertThat(onVersion)
        .contains("\"path\":\"/metadata/resourceVersion\"")
        .contains("\"value\":\"41\"");
    assertThat(onVersion.indexOf("resourceVersion"))
        .as("the precondition comes first")
        .isLessThan(onVersion.indexOf("annotations"));
  }
}
