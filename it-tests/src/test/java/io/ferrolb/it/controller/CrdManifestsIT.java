package io.ferrolb.it.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** deploy/crds: every metallb.io kind, with MetalLB's field names and storage versions. */
class CrdManifestsIT {
  private static final Map<String, CustomResourceDefinition> BY_KIND = new HashMap<>();

  @BeforeAll
  static void load() throws IOException {
    try (Stream<Path> files = Files.list(Fixtures.CRDS)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().startsWith("metallb.io_")).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          CustomResourceDefinition crd =
              Serialization.unmarshal(in, CustomResourceDefinition.class);
          BY_KIND.put(crd.getSpec().getNames().getKind(), crd);
        }
      }
    }
  }

  @Test
  void everyMetallbKindHasACrdInTheMetallbGroup() {
    assertThat(BY_KIND)
        .containsOnlyKeys(
            "IPAddressPool",
            "L2Advertisement",
            "BGPAdvertisement",
            "BGPPeer",
            "BFDProfile",
            "Community",
            "ServiceL2Status",
            "ServiceBGPStatus",
            "ConfigurationState");
    for (CustomResourceDefinition crd : BY_KIND.values()) {
      assertThat(crd.getSpec().getGroup()).isEqualTo("metallb.io");
      assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
      assertThat(crd.getMetadata().getName())
          .isEqualTo(crd.getSpec().getNames().getPlural() + ".metallb.io");
    }
  }

  @Test
  void bgpPeerServesV1beta1AndStoresV1beta2() {
    List<CustomResourceDefinitionVersion> versions = BY_KIND.get("BGPPeer").getSpec().getVersions();
    assertThat(versions)
        .extracting(CustomResourceDefinitionVersion::getName)
        .containsExactly("v1beta1", "v1beta2");
    assertThat(versions)
        .filteredOn(CustomResourceDefinitionVersion::getStorage)
        .extracting(CustomResourceDefinitionVersion::getName)
        .containsExactly("v1beta2");
  }

  @Test
  void specFieldsAreMetallbs() {
    assertThat(spec("IPAddressPool", "v1beta1").getProperties())
        .containsKeys("addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation");
    assertThat(status("IPAddressPool").getProperties())
        .containsKeys("assignedIPv4", "assignedIPv6", "availableIPv4", "availableIPv6");
    assertThat(status("IPAddressPool").getProperties().get("assignedIPv6").getFormat())
        .isEqualTo("int64");
    assertThat(spec("L2Advertisement", "v1beta1").getProperties())
        .containsKeys("ipAddressPools", "ipAddressPoolSelectors", "nodeSelectors", "interfaces");
    assertThat(spec("BGPAdvertisement", "v1beta1").getProperties())
        .containsKeys(
            "aggregationLength", "aggregationLengthV6", "localPref", "communities", "peers");
    assertThat(spec("BGPPeer", "v1beta2").getProperties())
        .containsKeys(
            "myASN",
            "peerASN",
            "dynamicASN",
            "peerAddress",
            "peerPort",
            "holdTime",
            "keepaliveTime",
            "passwordSecret",
            "bfdProfile",
            "ebgpMultiHop",
            "vrf");
    assertThat(spec("BFDProfile", "v1beta1").getProperties())
        .containsKeys("receiveInterval", "transmitInterval", "detectMultiplier", "echoMode");
    assertThat(status("ConfigurationState").getProperties())
        .containsKeys("result", "errorSummary", "conditions");
  }

  @Test
  void everyVersionHasAStatusSubresource() {
    for (CustomResourceDefinition crd : BY_KIND.values()) {
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        assertThat(v.getSubresources().getStatus())
            .as(crd.getMetadata().getName() + " " + v.getName())
            .isNotNull();
      }
    }
  }

  private static JSONSchemaProps spec(String kind, String version) {
    return version(kind, version).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  private static JSONSchemaProps status(String kind) {
    return BY_KIND
        .get(kind)
        .getSpec()
        .getVersions()
        .get(0)
        .getSchema()
        .getOpenAPIV3Schema()
        .getProperties()
        .get("status");
  }

  private static CustomResourceDefinitionVersion version(String kind, String version) {
    return BY_KIND.get(kind).getSpec().getVersions().stream()
        .filter(v -> v.getName().equals(version))
        .findFirst()
        .orElseThrow();
  }
}
