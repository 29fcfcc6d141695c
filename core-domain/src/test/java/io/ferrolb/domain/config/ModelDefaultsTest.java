package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.pool.IpAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The defaults of the Immutables model are MetalLB's. */
class ModelDefaultsTest {

  @Test
  void bgpAdvertisementDefaultsToHostRoutes() {
    BgpAdvertisement ad = BgpAdvertisement.builder().name("a").build();
    assertThat(ad.aggregationLength()).isEqualTo(32);
    assertThat(ad.aggregationLengthV6()).isEqualTo(128);
    assertThat(ad.localPref()).isEmpty();
    assertThat(ad.communities()).isEmpty();
    assertThat(ad.peers()).isEmpty();
    assertThat(ad.fromLegacyConfig()).isFalse();
  }

  @Test
  void bfdProfileDefaultsAreFrrs() {
    BfdProfile p = BfdProfile.builder().name("p").build();
    assertThat(p.receiveInterval()).isEqualTo(300);
    assertThat(p.transmitInterval()).isEqualTo(300);
    assertThat(p.echoInterval()).isEqualTo(50);
    assertThat(p.detectMultiplier()).isEqualTo(3);
    assertThat(p.minimumTtl()).isEqualTo(254);
    assertThat(p.echoMode()).isFalse();
    assertThat(p.passiveMode()).isFalse();
  }

  @Test
  void bgpPeerDefaultsToPort179AndNinetySecondHold() {
    BgpPeer p =
        BgpPeer.builder()
            .name("r")
            .myAsn(64512)
            .peerAsn(64512)
            .peerAddress(IpAddress.parse("198.51.100.1"))
            .password("s3cret")
            .build();
    assertThat(p.peerPort()).isEqualTo(179);
    assertThat(p.holdTime()).isEmpty();
    assertThat(p.effectiveHoldTime()).isEqualTo(Duration.ofSeconds(90));
    assertThat(p.isIbgp()).isTrue();
    assertThat(p.ebgpMultiHop()).isFalse();
    assertThat(p.sourceVersion()).isEqualTo("metallb.io/v1beta2");
    assertThat(p.toString()).doesNotContain("s3cret");
  }

  @Test
  void dynamicAsnInternalIsIbgpAndExternalIsNot() {
    var b = BgpPeer.builder().name("r").myAsn(1).interfaceName("eth1");
    assertThat(b.dynamicAsn(DynamicAsn.INTERNAL).build().isIbgp()).isTrue();
    assertThat(b.dynamicAsn(DynamicAsn.EXTERNAL).build().isIbgp()).isFalse();
  }

  @Test
  void emptyConfigHasNothing() {
    Config c = Config.empty();
    assertThat(c.pools()).isEmpty();
    assertThat(c.l2Advertisements()).isEmpty();
    assertThat(c.bgpAdvertisements()).isEmpty();
    assertThat(c.bgpPeers()).isEmpty();
    assertThat(c.bfdProfiles()).isEmpty();
    assertThat(c.communities()).isEmpty();
  }

  @Test
  void configErrorPrintsObjectFieldValueAndMessage() {
    ConfigError e =
        new ConfigError(
            "x.yaml:2",
            "IPAddressPool \"blue\"",
            "spec.addresses[1]",
            "10.0.0.0/33",
            "invalid prefix length 33 (expected: 0..32)");
    assertThat(e)
        .hasToString(
            "IPAddressPool \"blue\": spec.addresses[1] \"10.0.0.0/33\": invalid prefix length 33"
                + " (expected: 0..32)");
    assertThat(e.withOrigin()).startsWith("x.yaml:2: IPAddressPool");
    assertThat(new ConfigError("", "Community \"c\"", "spec.x", "", "unknown field"))
        .hasToString("Community \"c\": spec.x: unknown field");
  }

  @Test
  void secretDataNeverPrintsValues() {
    assertThat(new SecretData(SecretData.BASIC_AUTH, java.util.Map.of("password", "hunter2")))
        .hasToString("SecretData[type=kubernetes.io/basic-auth, keys=[password]]");
  }
}
