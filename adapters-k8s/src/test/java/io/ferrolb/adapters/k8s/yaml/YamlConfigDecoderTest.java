package io.ferrolb.adapters.k8s.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrolb.domain.config.RawObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlConfigDecoderTest {

  static final Path DIR = Path.of("src/test/resources/yaml");

  @Test
  void listItemsAndLaterDocumentsKeepTheirDocumentIndexAndEmptyDocumentsAreSkipped()
      throws Exception {
    List<RawObject> objects = YamlConfigDecoder.decode(DIR.resolve("crds-list.yaml"));

    assertThat(objects)
        .extracting(RawObject::kind, RawObject::name, RawObject::origin)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "IPAddressPool", "a", "src/test/resources/yaml/crds-list.yaml:1"),
            org.assertj.core.groups.Tuple.tuple(
                "L2Advertisement", "edge", "src/test/resources/yaml/crds-list.yaml:1"),
            org.assertj.core.groups.Tuple.tuple(
                "BGPAdvertisement", "b", "src/test/resources/yaml/crds-list.yaml:3"));
    RawObject pool = objects.get(0);
    assertThat(pool.apiVersion()).isEqualTo("metallb.io/v1beta1");
    assertThat(pool.namespace()).isEqualTo("metallb-system");
    assertThat(pool.labels()).containsExactly(Map.entry("tier", "edge"));
    // autoAssign: ~ (null) is dropped, as Go treats it as absent
    assertThat(pool.spec()).containsOnlyKeys("addresses");
    assertThat(objects.get(2).spec().get("localPref")).isEqualTo(50L);
  }

  @Test
  void wholeConfigMapBecomesOneLegacyConfigWithIntegersAsLong() throws Exception {
    List<RawObject> objects = YamlConfigDecoder.decode(DIR.resolve("legacy-v0.9.yaml"));

    assertThat(objects).hasSize(1);
    RawObject o = objects.get(0);
    assertThat(o.kind()).isEqualTo(RawObject.LEGACY_CONFIG_KIND);
    assertThat(o.name()).isEqualTo("config");
    assertThat(o.namespace()).isEqualTo("metallb-system");
    assertThat(o.spec()).containsOnlyKeys("peers", "bgp-communities", "address-pools");
    @SuppressWarnings("unchecked")
    Map<String, Object> peer = ((List<Map<String, Object>>) o.spec().get("peers")).get(0);
    assertThat(peer.get("peer-asn")).isEqualTo(64501L);
  }

  @Test
  void bareConfigDataWithoutKindIsALegacyConfig() throws Exception {
    RawObject o = YamlConfigDecoder.decode(DIR.resolve("legacy-v0.12-data.yaml")).get(0);

    assertThat(o.kind()).isEqualTo(RawObject.LEGACY_CONFIG_KIND);
    assertThat(o.namespace()).isEmpty();
    assertThat(o.origin()).isEqualTo("src/test/resources/yaml/legacy-v0.12-data.yaml:1");
  }

  @Test
  void secretDataIsBase64DecodedAndStringDataMerged() throws Exception {
    List<RawObject> objects =
        YamlConfigDecoder.decode(
            "s.yaml",
            """
            apiVersion: v1
            kind: Secret
            metadata: {name: pw, namespace: metallb-system}
            type: kubernetes.io/basic-auth
            data: {password: c2VjcmV0}
            stringData: {username: bgp}
            """);

    assertThat(objects.get(0).spec())
        .isEqualTo(
            Map.of(
                "type",
                "kubernetes.io/basic-auth",
                "data",
                Map.of("password", "secret", "username", "bgp")));
  }

  @Test
  void plainYaml11BooleansAreBooleansAsInKubectlButQuotedOnesStayStrings() throws Exception {
    RawObject o =
        YamlConfigDecoder.decode(
                "b.yaml",
                "a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: \"yes\"\ng: 'no'\nh: true\ni: nope\n")
            .get(0);

    assertThat(o.spec())
        .isEqualTo(
            Map.of(
                "a", true, "b", false, "c", true, "d", false, "e", true, "f", "yes", "g", "no", "h",
                true, "i", "nope"));
  }

  @Test
  void invalidYamlNamesFileAndLine() {
    assertThatThrownBy(() -> YamlConfigDecoder.decode(DIR.resolve("invalid.yaml")))
        .isInstanceOf(YamlDecodeException.class)
        .hasMessageStartingWith("src/test/resources/yaml/invalid.yaml:5:")
        .hasMessageContaining("invalid YAML");
  }

  @Test
  void invalidYamlInsideTheConfigMapNamesTheDocument() {
    assertThatThrownBy(
            () ->
                YamlConfigDecoder.decode(
                    "cm.yaml",
                    "kind: ConfigMap\napiVersion: v1\nmetadata: {name: config}\n"
                        + "data:\n  config: \"peers: [\"\n"))
        .isInstanceOf(YamlDecodeException.class)
        .hasMessageStartingWith("cm.yaml:1 data.config:")
        .hasMessageContaining("invalid YAML");
  }

  @Test
  void duplicateKeysAreRejected() {
    assertThatThrownBy(() -> YamlConfigDecoder.decode("d.yaml", "peers: []\npeers: []\n"))
        .isInstanceOf(YamlDecodeException.class)
        .hasMessageStartingWith("d.yaml:2:");
  }

  @Test
  void aDocumentThatIsNotAMappingIsRejected() {
    assertThatThrownBy(() -> YamlConfigDecoder.decode("l.yaml", "---\n{}\n---\n- a\n- b\n"))
        .isInstanceOf(YamlDecodeException.class)
        .hasMessage(
            "l.yaml:2: document is a list (expected: a mapping: a metallb.io object, a ConfigMap,"
                + " or MetalLB config data)");
  }

  @Test
  void configMapWithoutConfigKeyPassesThroughForTheParserToReport() throws Exception {
    List<RawObject> objects =
        YamlConfigDecoder.decode(
            "c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {other: a}\n");

    assertThat(objects)
        .containsExactly(new RawObject("v1", "ConfigMap", "", "x", Map.of(), Map.of(), "c.yaml:1"));
  }

  @Test
  void missingFileIsUnreadable(@TempDir Path tmp) {
    Path missing = tmp.resolve("nope.yaml");
    assertThatThrownBy(() -> YamlConfigDecoder.decode(missing))
        .isInstanceOf(YamlDecodeException.class)
        .hasMessageStartingWith(missing + ": cannot read (NoSuchFileException");
  }

  @Test
  void binaryFileIsUnreadable(@TempDir Path tmp) throws Exception {
    Path bin = tmp.resolve("bin.yaml");
    Files.write(bin, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    assertThatThrownBy(() -> YamlConfigDecoder.decode(bin))
        .isInstanceOf(YamlDecodeException.class)
        .hasMessage(bin + ": not UTF-8 text");
  }

  @Test
  void aliasBombIsRejected() {
    StringBuilder y = new StringBuilder("a: &a [x, x]\n");
    for (int i = 0; i < 60; i++) {
      y.append("b").append(i).append(": [*a, *a]\n");
    }
    assertThatThrownBy(() -> YamlConfigDecoder.decode("bomb.yaml", y.toString()))
        .isInstanceOf(YamlDecodeException.class);
  }
}
