package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
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
    assertThat(s.ports()).containsExactly("UDP/53");
    assertThat(s.clusterIps()).containsExactly(IpAddress.parse("10.96.0.1"));
    assertThat(s.ipFamilies()).containsExactly(IpFamily.IPV4);
    assertThat(s.ingress()).containsExactly(IpAddress.parse("198.51.100.1"));
    assertThat(s.allocatedFromPool()).contains("blue");
    assertThat(s.loadBalancerClass()).isEmpty();
    assertThat(s.externalTrafficPolicy()).isEqualTo("Local");
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
    RawObject o = Conversions.legacy(good);
    assertThat(o.kind()).isEqualTo(RawObject.LEGACY_CONFIG_KIND);
    assertThat(o.origin()).isEqualTo("ConfigMap metallb-system/config");
    assertThat(o.spec()).containsKey("address-pools");

    var broken =
        new ConfigMapBuilder(good).withData(Map.of("config", "address-pools: [\n")).build();
    assertThat(Conversions.legacy(broken).spec()).containsOnlyKeys(Conversions.DECODE_ERROR);
  }

  @Test
  void statusPatchesReplaceTheIngressListAndEscapeTheAnnotationKey() {
    ServiceSnapshot withStatus =
        new ServiceSnapshot(
            "ns",
            "web",
            "",
            "LoadBalancer",
            Optional.empty(),
            Map.of(),
            Map.of("a", "b"),
            Optional.empty(),
            "",
            Map.of(),
            List.of(),
            "",
            List.of(),
            List.of(),
            List.of(),
            true,
            "");
    assertThat(
            Fabric8ServiceStatusWriter.statusPatch(
                withStatus, List.of(IpAddress.parse("198.51.100.1"))))
        .contains("\"op\":\"add\"")
        .contains("\"path\":\"/status/loadBalancer\"")
        .contains("{\"ingress\":[{\"ip\":\"198.51.100.1\"}]}");
    assertThat(Fabric8ServiceStatusWriter.annotationPatch(withStatus, Optional.of("blue")))
        .contains("/metadata/annotations/metallb.io~1ip-allocated-from-pool");
  }
}
