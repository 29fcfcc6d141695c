package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.Pool;
import io.ferrolb.domain.pool.ServiceAllocation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parser over generic trees (no YAML here: core-domain stays pure). */
class ConfigParserTest {

  static final ParseContext CTX = ParseContext.of("metallb-system");

  static RawObject crd(String kind, String name, Map<String, Object> spec) {
    return new RawObject(
        "metallb.io/v1beta1", kind, "metallb-system", name, Map.of(), spec, "t:" + name);
  }

  @Test
  void emptyInputIsAValidEmptyConfig() {
    ParseResult r = ConfigParser.parse(List.of(), CTX);
    assertThat(r).isEqualTo(new ParseResult.Valid(Config.empty(), List.of()));
  }

  @Test
  void poolWithServiceAllocationMapsOntoThePoolRecord() {
    Map<String, Object> spec =
        Map.of(
            "addresses",
            List.of("198.51.100.0/28", "2001:db8::1-2001:db8::4"),
            "autoAssign",
            false,
            "serviceAllocation",
            Map.of(
                "priority",
                5L,
                "namespaces",
                List.of("web"),
                "namespaceSelectors",
                List.of(Map.of("matchLabels", Map.of("team", "a")))));
    RawObject pool =
        new RawObject(
            "metallb.io/v1beta1", "IPAddressPool", "", "p", Map.of("tier", "gold"), spec, "t:1");
    RawObject l2 = crd("L2Advertisement", "l2", Map.of());

    ParseResult r = ConfigParser.parse(List.of(pool, l2), CTX);

    assertThat(r).isInstanceOf(ParseResult.Valid.class);
    Config c = ((ParseResult.Valid) r).config();
    assertThat(c.pools())
        .containsExactly(
            new Pool(
                "p",
                List.of(IpRange.parse("198.51.100.0/28"), IpRange.parse("2001:db8::1-2001:db8::4")),
                false,
                false,
                Optional.of(
                    new ServiceAllocation(
                        5,
                        List.of("web"),
                        List.of(LabelSelector.ofLabels(Map.of("team", "a"))),
                        List.of())),
                Map.of("tier", "gold")));
    assertThat(c.l2Advertisements().get(0).pools()).containsExactly("p");
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void everyErrorOfEveryObjectIsCollectedInOnePassInObjectOrder() {
    RawObject bad1 = crd("IPAddressPool", "a", Map.of("addresses", List.of("x", "1.2.3.4/40")));
    RawObject bad2 = crd("BFDProfile", "b", Map.of("detectMultiplier", 1L, "minimumTtl", 0L));
    RawObject bad3 = crd("BGPAdvertisement", "c", Map.of("peers", List.of("none", "none")));

    ParseResult r = ConfigParser.parse(List.of(bad1, bad2, bad3), CTX);

    assertThat(r).isInstanceOf(ParseResult.Invalid.class);
    assertThat(((ParseResult.Invalid) r).errors())
        .extracting(ConfigError::origin, ConfigError::field)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("t:a", "spec.addresses[0]"),
            org.assertj.core.groups.Tuple.tuple("t:a", "spec.addresses[1]"),
            org.assertj.core.groups.Tuple.tuple("t:b", "spec.detectMultiplier"),
            org.assertj.core.groups.Tuple.tuple("t:b", "spec.minimumTtl"),
            org.assertj.core.groups.Tuple.tuple("t:c", "spec.peers[1]"));
  }

  @Test
  void passwordSecretIsResolvedFromTheContext() {
    RawObject peer =
        new RawObject(
            "metallb.io/v1beta2",
            "BGPPeer",
            "metallb-system",
            "r",
            Map.of(),
            Map.of(
                "myASN",
                1L,
                "peerASN",
                2L,
                "peerAddress",
                "198.51.100.1",
                "passwordSecret",
                Map.of("name", "pw")),
            "t:1");
    ParseContext ctx =
        new ParseContext(
            "metallb-system",
            Map.of("pw", new SecretData(SecretData.BASIC_AUTH, Map.of("password", "s"))));

    ParseResult r = ConfigParser.parse(List.of(peer), ctx);

    BgpPeer p = ((ParseResult.Valid) r).config().bgpPeers().get(0);
    assertThat(p.password()).contains("s");
    assertThat(p.passwordSecret()).contains("pw");
  }

  @Test
  void communityAliasesResolveInAdvertisements() {
    RawObject community =
        crd(
            "Community",
            "c",
            Map.of("communities", List.of(Map.of("name", "big", "value", "large:1:2:3"))));
    RawObject ad =
        crd("BGPAdvertisement", "a", Map.of("communities", List.of("big", "1:2", "large:1:2:3")));

    Config c = ((ParseResult.Valid) ConfigParser.parse(List.of(ad, community), CTX)).config();

    assertThat(c.communities()).containsExactly(Map.entry("big", "large:1:2:3"));
    assertThat(c.bgpAdvertisements().get(0).communities())
        .containsExactly(new BgpCommunity.Large(1, 2, 3), new BgpCommunity.Standard(1, 2));
  }

  @Test
  void aLegacyConfigThatIsNotAMappingIsOneErrorNamingDataConfigAndTheValue() {
    RawObject legacy =
        new RawObject(
            "v1",
            RawObject.LEGACY_CONFIG_KIND,
            "metallb-system",
            "config",
            Map.of(),
            Map.of(),
            "cm.yaml:1",
            Optional.of(new RawObject.NotAMapping("string", "just a string")));

    ParseResult r = ConfigParser.parse(List.of(legacy), CTX);

    assertThat(r).isInstanceOf(ParseResult.Invalid.class);
    assertThat(((ParseResult.Invalid) r).errors())
        .containsExactly(
            new ConfigError(
                "cm.yaml:1",
                "ConfigMap \"config\"",
                "data.config",
                "just a string",
                "is a string, not a mapping (expected: MetalLB's configuration with address-pools,"
                    + " peers, bgp-communities, bfd-profiles)"));
  }
}
