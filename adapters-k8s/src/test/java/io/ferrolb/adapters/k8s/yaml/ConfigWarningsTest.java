package io.ferrolb.adapters.k8s.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigParser;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.ParseResult;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Problems that leave the configuration valid but that an operator wants to hear about. */
class ConfigWarningsTest {

  static final String POOL = ConfigRulesTest.POOL;
  static final String L2 = "---\n" + ConfigRulesTest.L2_AD + "  ipAddressPools: [p]\n";

  static Stream<Arguments> warnings() {
    return Stream.of(
        Arguments.of(
            "invalid interface name",
            ConfigRulesTest.L2_AD + "  interfaces: [eth0, averyveryverylongname]\n",
            "L2Advertisement \"l2\": spec.interfaces[1] \"averyveryverylongname\": no Linux interface can have this name, so none is chosen by it (expected: 1..15 characters, no whitespace, '/' or ':')"),
        Arguments.of(
            "BFD echo mode with an IPv6 peer",
            ConfigRulesTest.PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 2001:db8::1\n  bfdProfile: echo\n---\n"
                + "apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: echo}\n"
                + "spec: {echoMode: true}\n",
            "BGPPeer \"r\": spec.bfdProfile \"echo\": BFD echo mode does not work on the IPv6 session to 2001:db8::1: echo is not used there (expected: a profile with echoMode false)"),
        Arguments.of(
            "ebgpMultiHop with dynamicASN internal",
            ConfigRulesTest.PEER
                + "  myASN: 64512\n  dynamicASN: internal\n  peerAddress: 198.51.100.1\n"
                + "  ebgpMultiHop: true\n",
            "BGPPeer \"r\": spec.ebgpMultiHop \"true\": has no effect on an iBGP session (dynamicASN internal) (expected: false)"),
        Arguments.of(
            "negative priority",
            POOL + "  addresses: [198.51.100.0/24]\n  serviceAllocation: {priority: -5}\n" + L2,
            "IPAddressPool \"p\": spec.serviceAllocation.priority \"-5\": negative priority is treated as unset: this pool is tried last (expected: >= 0; lower is tried first, 0 or unset last)"),
        Arguments.of(
            "every address filtered by avoidBuggyIPs",
            POOL
                + "  addresses: [198.51.100.255-198.51.101.0, 203.0.113.0/32]\n"
                + "  avoidBuggyIPs: true\n"
                + L2,
            "IPAddressPool \"p\": spec.addresses \"198.51.100.255-198.51.101.0\": every address of the pool ends in .0 or .255 and avoidBuggyIPs skips them all: this pool assigns nothing (expected: at least one usable address)"),
        Arguments.of(
            "pool that no advertisement selects",
            POOL + "  addresses: [198.51.100.0/24]\n",
            "IPAddressPool \"p\": metadata.name \"p\": no L2Advertisement or BGPAdvertisement"
                + " selects this pool: its addresses are assigned but never announced"),
        Arguments.of(
            "avoidBuggyIPs on an IPv6-only pool",
            POOL + "  addresses: [2001:db8::/120]\n  avoidBuggyIPs: true\n" + L2,
            "IPAddressPool \"p\": spec.avoidBuggyIPs \"true\": has no effect: the pool has no IPv4"
                + " addresses"),
        Arguments.of(
            "pool selector matching nothing",
            POOL
                + "  addresses: [198.51.100.0/24]\n"
                + L2
                + "---\n"
                + ConfigRulesTest.L2_AD.replace("name: l2", "name: l2b")
                + "  ipAddressPoolSelectors: [{matchLabels: {tier: gold}}]\n",
            "L2Advertisement \"l2b\": spec.ipAddressPoolSelectors: matches no IPAddressPool: this"
                + " L2Advertisement announces nothing"),
        Arguments.of(
            "localPref towards eBGP peers only",
            POOL
                + "  addresses: [198.51.100.0/24]\n---\n"
                + ConfigRulesTest.BGP_AD
                + "  localPref: 100\n---\n"
                + ConfigRulesTest.PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n",
            "BGPAdvertisement \"ad\": spec.localPref: has no effect: LOCAL_PREF is sent on iBGP"
                + " sessions only, and every peer of this advertisement is eBGP"),
        Arguments.of(
            "deprecated v1beta1 BGPPeer",
            ConfigRulesTest.PEER.replace("v1beta2", "v1beta1")
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n",
            "BGPPeer \"r\": apiVersion \"metallb.io/v1beta1\": BGPPeer v1beta1 is deprecated"
                + " (expected: metallb.io/v1beta2; same fields, plus dynamicASN, interface,"
                + " connectTime, ...)"),
        Arguments.of(
            "dangling pool reference (MetalLB skips it)",
            POOL
                + "  addresses: [198.51.100.0/24]\n---\n"
                + ConfigRulesTest.L2_AD
                + "  ipAddressPools: [p, nope]\n",
            "L2Advertisement \"l2\": spec.ipAddressPools[1] \"nope\": no IPAddressPool of that"
                + " name: skipped until one is created, as MetalLB does (expected one of: p)"),
        Arguments.of(
            "dangling peer reference (MetalLB does not check it)",
            POOL
                + "  addresses: [198.51.100.0/24]\n---\n"
                + ConfigRulesTest.BGP_AD
                + "  peers: [ghost]\n",
            "BGPAdvertisement \"ad\": spec.peers[0] \"ghost\": no BGPPeer of that name: nothing is"
                + " announced to it until one is created, as MetalLB does (expected one of: none"
                + " defined)"),
        Arguments.of(
            "objects that are not MetalLB configuration",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: controller}\n",
            "Deployment \"controller\": apiVersion \"apps/v1\": not MetalLB configuration,"
                + " ignored (expected: metallb.io objects, a ConfigMap or a Secret)"),
        Arguments.of(
            "a ConfigMap without a config key",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: metallb-excludel2}\n"
                + "data: {excludel2.yaml: 'announcedInterfacesToExclude: [veth]'}\n",
            "ConfigMap \"metallb-excludel2\": data: no \"config\" key: not MetalLB's"
                + " configuration, ignored (expected: MetalLB's configuration under data.config)"),
        Arguments.of(
            "disableMP",
            ConfigRulesTest.PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  disableMP: true\n",
            "BGPPeer \"r\": spec.disableMP \"true\": deprecated and ignored since MetalLB v0.15.0"
                + " (expected: remove it; use dualStackAddressFamily to control address"
                + " families)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("warnings")
  void eachWarningIsReportedAndTheConfigStaysValid(String rule, String yaml, String expected)
      throws Exception {
    ParseResult r =
        ConfigParser.parse(
            YamlConfigDecoder.decode("w.yaml", yaml), ParseContext.of("metallb-system"));

    assertThat(r).isInstanceOf(ParseResult.Valid.class);
    assertThat(r.warnings()).extracting(ConfigError::toString).containsExactly(expected);
  }
}
