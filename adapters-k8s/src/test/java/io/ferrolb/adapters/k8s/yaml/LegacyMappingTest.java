package io.ferrolb.adapters.k8s.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.config.BfdProfile;
import io.ferrolb.domain.config.BgpAdvertisement;
import io.ferrolb.domain.config.BgpCommunity;
import io.ferrolb.domain.config.BgpPeer;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.ConfigParser;
import io.ferrolb.domain.config.L2Advertisement;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.ParseResult;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The legacy ConfigMap shapes of MetalLB v0.9 and v0.12 map onto the same model as the CRDs. */
class LegacyMappingTest {

  static Config parse(String... files) throws Exception {
    var objects = new java.util.ArrayList<io.ferrolb.domain.config.RawObject>();
    for (String f : files) {
      objects.addAll(YamlConfigDecoder.decode(Path.of("src/test/resources/yaml", f)));
    }
    ParseResult r = ConfigParser.parse(objects, ParseContext.of("metallb-system"));
    assertThat(r).isInstanceOf(ParseResult.Valid.class);
    return ((ParseResult.Valid) r).config();
  }

  @Test
  void v09ConfigMapBecomesPoolsPeersAndAdvertisements() throws Exception {
    Config c = parse("legacy-v0.9.yaml");

    assertThat(c.pools())
        .containsExactly(
            new Pool(
                "gold",
                List.of(IpRange.parse("198.51.100.0/26")),
                true,
                true,
                java.util.Optional.empty(),
                Map.of()),
            new Pool(
                "silver",
                List.of(IpRange.parse("203.0.113.10-203.0.113.19")),
                false,
                false,
                java.util.Optional.empty(),
                Map.of()),
            Pool.of("l2", List.of(IpRange.parse("203.0.113.128/25"))));

    BgpPeer first = c.bgpPeers().get(0);
    assertThat(first.name()).isEqualTo("legacy-peer-1");
    assertThat(first.sourceVersion()).isEqualTo("legacy");
    assertThat(first.myAsn()).isEqualTo(64500);
    assertThat(first.peerAsn()).hasValue(64501);
    assertThat(first.peerAddress()).contains(IpAddress.parse("198.51.100.1"));
    assertThat(first.routerId()).contains(IpAddress.parse("198.51.100.10"));
    assertThat(first.password()).contains("md5-secret");
    assertThat(first.toString()).doesNotContain("md5-secret");
    assertThat(first.peerPort()).isEqualTo(179);
    // legacy default: hold 90s, keepalive hold/3
    assertThat(first.holdTime()).contains(Duration.ofSeconds(90));
    assertThat(first.keepaliveTime()).contains(Duration.ofSeconds(30));
    assertThat(first.isIbgp()).isFalse();
    assertThat(first.nodeSelectors()).hasSize(1);
    LabelSelector sel = first.nodeSelectors().get(0);
    assertThat(sel.matches(Map.of("rack", "frontend", "network-speed", "fast"))).isTrue();
    assertThat(sel.matches(Map.of("rack", "frontend", "network-speed", "slow"))).isFalse();

    BgpPeer second = c.bgpPeers().get(1);
    assertThat(second.name()).isEqualTo("legacy-peer-2");
    assertThat(second.peerPort()).isEqualTo(1179);
    assertThat(second.holdTime()).contains(Duration.ofSeconds(120));
    assertThat(second.keepaliveTime()).contains(Duration.ofSeconds(40));
    assertThat(second.isIbgp()).isTrue();

    assertThat(c.communities()).containsExactly(Map.entry("no-advertise", "65535:65282"));

    List<BgpAdvertisement> ads = c.bgpAdvertisements();
    assertThat(ads)
        .extracting(BgpAdvertisement::name)
        .containsExactly("gold-1", "gold-2", "silver");
    assertThat(ads.get(0).localPref()).hasValue(100);
    assertThat(ads.get(0).communities())
        .containsExactly(
            new BgpCommunity.Standard(65535, 65282), new BgpCommunity.Standard(64500, 7));
    assertThat(ads.get(1).aggregationLength()).isEqualTo(26);
    assertThat(ads.get(2).aggregationLength()).isEqualTo(32);
    assertThat(ads.get(2).aggregationLengthV6()).isEqualTo(128);
    assertThat(ads.get(2).localPref()).isEmpty();
    assertThat(ads).allMatch(BgpAdvertisement::fromLegacyConfig);
    assertThat(c.bgpAdvertisementsFor("gold")).hasSize(2);
    assertThat(c.bgpAdvertisementsFor("l2")).isEmpty();

    assertThat(c.l2Advertisements()).hasSize(1);
    L2Advertisement l2 = c.l2Advertisements().get(0);
    assertThat(l2.name()).isEqualTo("l2");
    assertThat(l2.pools()).containsExactly("l2");
    assertThat(l2.ipAddressPools()).containsExactly("l2");
    assertThat(l2.nodeSelectors()).isEmpty();
    assertThat(l2.fromLegacyConfig()).isTrue();
  }

  @Test
  void v012ConfigDataWithoutConfigMapCarriesBfdKeepaliveAndV6Aggregation() throws Exception {
    Config c = parse("legacy-v0.12-data.yaml");

    BgpPeer peer = c.bgpPeers().get(0);
    assertThat(peer.sourceAddress()).contains(IpAddress.parse("2001:db8::2"));
    assertThat(peer.holdTime()).contains(Duration.ofSeconds(30));
    assertThat(peer.keepaliveTime()).contains(Duration.ofSeconds(5));
    assertThat(peer.bfdProfile()).contains("quick");
    assertThat(peer.ebgpMultiHop()).isTrue();

    assertThat(c.bfdProfiles())
        .containsExactly(
            BfdProfile.builder()
                .name("quick")
                .receiveInterval(280)
                .transmitInterval(270)
                .echoInterval(62)
                .echoMode(false)
                .passiveMode(true)
                .minimumTtl(254)
                .detectMultiplier(4)
                .build(),
            BfdProfile.builder().name("defaults").build());

    BgpAdvertisement ad = c.bgpAdvertisements().get(0);
    assertThat(ad.aggregationLengthV6()).isEqualTo(64);
    assertThat(ad.communities()).containsExactly(new BgpCommunity.Large(64500, 1, 2));
    assertThat(ad.pools()).containsExactly("v6");
  }

  @Test
  void legacyConfigMapAndCrdsMergeIntoOneModelInOrder() throws Exception {
    Config c = parse("legacy-v0.9.yaml", "crds-list.yaml");

    assertThat(c.pools()).extracting(Pool::name).containsExactly("gold", "silver", "l2", "a");
    // the CRD L2Advertisement selects pools by label: only "a" has tier=edge
    assertThat(c.l2Advertisements())
        .extracting(L2Advertisement::name, L2Advertisement::pools)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("l2", List.of("l2")),
            org.assertj.core.groups.Tuple.tuple("edge", List.of("a")));
    // a CRD BGPAdvertisement without pools applies to every pool, legacy ones included
    assertThat(c.bgpAdvertisements().get(3).pools()).containsExactly("gold", "silver", "l2", "a");
  }
}
