package io.ferrolb.adapters.k8s.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigParser;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.ParseResult;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per validation rule: a YAML snippet that breaks exactly that rule, and the exact error it
 * must produce (and no other error).
 */
class ConfigRulesTest {

  static final String POOL =
      """
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata: {name: p, namespace: metallb-system}
      spec:
      """;

  static final String PEER =
      """
      apiVersion: metallb.io/v1beta2
      kind: BGPPeer
      metadata: {name: r}
      spec:
      """;

  static final String BGP_AD =
      """
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata: {name: ad}
      spec:
      """;

  static final String L2_AD =
      """
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata: {name: l2}
      spec:
      """;

  static final String LEGACY =
      """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: config, namespace: metallb-system}
      data:
        config: |
      """;

  static Stream<Arguments> rules() {
    return Stream.of(
        row(
            "unknown kind",
            "apiVersion: metallb.io/v1beta1\nkind: IPPool\nmetadata: {name: x}\n",
            "IPPool \"x\": kind \"IPPool\": unknown kind (expected: IPAddressPool, L2Advertisement,"
                + " BGPAdvertisement, BGPPeer, BFDProfile, Community, or a MetalLB ConfigMap)"),
        row(
            "unknown apiVersion",
            "apiVersion: metallb.io/v1alpha1\nkind: IPAddressPool\nmetadata: {name: x}\n",
            "IPAddressPool \"x\": apiVersion \"metallb.io/v1alpha1\": unsupported version for"
                + " IPAddressPool (expected: metallb.io/v1beta1)"),
        row(
            "BGPPeer of an unknown version",
            "apiVersion: metallb.io/v1\nkind: BGPPeer\nmetadata: {name: x}\n",
            "BGPPeer \"x\": apiVersion \"metallb.io/v1\": unsupported version for BGPPeer"
                + " (expected: metallb.io/v1beta1 or metallb.io/v1beta2)"),
        row(
            "object outside the namespace",
            POOL.replace("metallb-system", "default") + "  addresses: [198.51.100.0/24]\n",
            "IPAddressPool \"p\": metadata.namespace \"default\": object outside ferrolb's"
                + " namespace (expected: metallb-system)"),
        row(
            "missing name",
            "apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {}\n",
            "BFDProfile \"\": metadata.name: missing (expected: a DNS-1123 subdomain name)"),
        row(
            "invalid name",
            "apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: Fast_BFD}\n",
            "BFDProfile \"Fast_BFD\": metadata.name \"Fast_BFD\": invalid name (expected: a DNS-1123"
                + " subdomain: lower case alphanumerics, '-' and '.')"),
        row(
            "duplicate name",
            "apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: b}\n---\n"
                + "apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: b}\n",
            "BFDProfile \"b\": metadata.name \"b\": duplicate BFDProfile name (first defined by"
                + " BFDProfile \"b\" at t.yaml:1)"),
        row(
            "string where a list is expected",
            POOL + "  addresses: 198.51.100.0/24\n",
            "IPAddressPool \"p\": spec.addresses \"198.51.100.0/24\": wrong type string (expected:"
                + " list of strings)"),
        row(
            "missing addresses",
            POOL + "  addresses: []\n",
            "IPAddressPool \"p\": spec.addresses: missing (expected: at least one CIDR or start-end"
                + " range)"),
        row(
            "unknown field",
            POOL + "  addresses: [198.51.100.0/24]\n  autoassign: false\n",
            "IPAddressPool \"p\": spec.autoassign: unknown field (expected one of: addresses,"
                + " autoAssign, avoidBuggyIPs, serviceAllocation)"),
        row(
            "boolean of the wrong type",
            POOL + "  addresses: [198.51.100.0/24]\n  autoAssign: \"no\"\n",
            "IPAddressPool \"p\": spec.autoAssign \"no\": wrong type string (expected: boolean true"
                + " or false)"),
        row(
            "invalid prefix length",
            POOL + "  addresses: [198.51.100.0/24, 10.0.0.0/33]\n",
            "IPAddressPool \"p\": spec.addresses[1] \"10.0.0.0/33\": invalid prefix length 33"
                + " (expected: 0..32)"),
        row(
            "not an address",
            POOL + "  addresses: [198.51.100.x/24]\n",
            "IPAddressPool \"p\": spec.addresses[0] \"198.51.100.x/24\": invalid address"
                + " \"198.51.100.x\" (expected: IPv4 or IPv6)"),
        row(
            "range start after end",
            POOL + "  addresses: [198.51.100.20-198.51.100.10]\n",
            "IPAddressPool \"p\": spec.addresses[0] \"198.51.100.20-198.51.100.10\": start is after"
                + " end (expected: start <= end)"),
        row(
            "range mixing families",
            POOL + "  addresses: [198.51.100.1-2001:db8::1]\n",
            "IPAddressPool \"p\": spec.addresses[0] \"198.51.100.1-2001:db8::1\": mixes IPv4 and"
                + " IPv6 (expected: one family)"),
        row(
            "overlap across pools names both pools and both CIDRs",
            POOL
                + "  addresses: [198.51.100.0/24]\n---\n"
                + POOL.replace("name: p", "name: q")
                + "  addresses: [198.51.100.100-198.51.100.110]\n",
            "IPAddressPool \"q\": spec.addresses[0] \"198.51.100.100-198.51.100.110\": overlaps"
                + " spec.addresses[0] \"198.51.100.0/24\" of IPAddressPool \"p\" at t.yaml:1 (pool"
                + " \"q\" vs pool \"p\"; expected: disjoint address ranges across all pools)"),
        row(
            "overlap inside one pool",
            POOL + "  addresses: [2001:db8::/64, 2001:db8::5-2001:db8::9]\n",
            "IPAddressPool \"p\": spec.addresses[1] \"2001:db8::5-2001:db8::9\": overlaps"
                + " spec.addresses[0] \"2001:db8::/64\" of the same pool (pool \"p\" vs pool \"p\";"
                + " expected: disjoint address ranges across all pools)"),
        row(
            "a /0 pool",
            POOL + "  addresses: [0.0.0.0/0]\n",
            "IPAddressPool \"p\": spec.addresses[0] \"0.0.0.0/0\": covers the whole IPv4 address"
                + " space (expected: a prefix longer than /0)"),
        row(
            "IPv4-mapped IPv6 addresses",
            POOL + "  addresses: [\"::ffff:198.51.100.0/120\"]\n",
            "IPAddressPool \"p\": spec.addresses[0] \"::ffff:198.51.100.0/120\": IPv4-mapped IPv6"
                + " addresses (::ffff:0:0/96) are not usable (expected: write IPv4 addresses as"
                + " IPv4)"),
        row(
            "duplicate serviceAllocation namespace",
            POOL + "  addresses: [198.51.100.0/24]\n  serviceAllocation: {namespaces: [a, b, a]}\n",
            "IPAddressPool \"p\": spec.serviceAllocation.namespaces[2] \"a\": duplicate namespace"
                + " (first at namespaces[0])"),
        row(
            "label selector with an unknown operator",
            POOL
                + "  addresses: [198.51.100.0/24]\n  serviceAllocation:\n"
                + "    serviceSelectors: [{matchExpressions: [{key: a, operator: Gt, values: ['1']}]}]\n",
            "IPAddressPool \"p\": spec.serviceAllocation.serviceSelectors[0].matchExpressions[0]"
                + ".operator \"Gt\": unknown operator (expected: In, NotIn, Exists, DoesNotExist)"),
        row(
            "label selector In without values",
            L2_AD + "  nodeSelectors: [{matchExpressions: [{key: zone, operator: In}]}]\n",
            "L2Advertisement \"l2\": spec.nodeSelectors[0].matchExpressions[0].values: operator In"
                + " needs values (expected: at least one)"),
        row(
            "label selector Exists with values",
            L2_AD
                + "  nodeSelectors: [{matchExpressions: [{key: zone, operator: Exists, values:"
                + " [a]}]}]\n",
            "L2Advertisement \"l2\": spec.nodeSelectors[0].matchExpressions[0].values \"a\": operator"
                + " Exists takes no values (expected: none)"),
        row(
            "label selector with an invalid key",
            L2_AD + "  nodeSelectors: [{matchLabels: {\"-zone\": a}}]\n",
            "L2Advertisement \"l2\": spec.nodeSelectors[0].matchLabels.-zone \"-zone\": invalid"
                + " label key (expected: [prefix/]name, name of at most 63 characters of"
                + " [A-Za-z0-9-_.], beginning and ending alphanumeric)"),
        row(
            "label selector with an invalid value",
            L2_AD + "  nodeSelectors: [{matchLabels: {zone: \"rack a\"}}]\n",
            "L2Advertisement \"l2\": spec.nodeSelectors[0].matchLabels.zone \"rack a\": invalid"
                + " label value (expected: at most 63 characters of [A-Za-z0-9-_.], beginning and"
                + " ending alphanumeric, or empty)"),
        row(
            "preferred node selector weight out of range",
            L2_AD + "  preferredNodeSelectors: [{weight: 0, preference: {matchLabels: {a: b}}}]\n",
            "L2Advertisement \"l2\": spec.preferredNodeSelectors[0].weight \"0\": out of range"
                + " (expected: 1..100)"),
        row(
            "aggregation length shorter than a pool prefix (IPv4, range via its CIDRs)",
            POOL
                + "  addresses: [198.51.100.0/24, 203.0.113.10-203.0.113.20]\n---\n"
                + BGP_AD
                + "  aggregationLength: 24\n",
            "BGPAdvertisement \"ad\": spec.aggregationLength \"24\": pool \"p\" has spec.addresses[1]"
                + " \"203.0.113.10-203.0.113.20\" whose largest CIDR is a /30, more specific than"
                + " /24 (expected: >= 30 for this IPv4 entry)"),
        row(
            "aggregation length v6 shorter than a pool prefix",
            POOL
                + "  addresses: [198.51.100.0/24, 2001:db8::/64]\n---\n"
                + BGP_AD
                + "  aggregationLength: 24\n  aggregationLengthV6: 56\n",
            "BGPAdvertisement \"ad\": spec.aggregationLengthV6 \"56\": pool \"p\" has"
                + " spec.addresses[1] \"2001:db8::/64\", more specific than /56 (expected: >= 64"
                + " for this IPv6 entry)"),
        row(
            "localPref conflict for the same pool, peers and nodes (MetalLB rejects)",
            POOL
                + "  addresses: [198.51.100.0/24]\n---\n"
                + BGP_AD
                + "  localPref: 100\n---\n"
                + BGP_AD.replace("name: ad", "name: ad2")
                + "  localPref: 200\n",
            "BGPAdvertisement \"ad2\": spec.localPref \"200\": conflicts with localPref 100 of"
                + " BGPAdvertisement \"ad\" for pool \"p\" on the same peers and nodes: MetalLB"
                + " rejects this (expected: equal localPref, or different aggregation, peers or"
                + " nodes)"),
        row(
            "aggregation length out of range",
            BGP_AD + "  aggregationLength: 33\n",
            "BGPAdvertisement \"ad\": spec.aggregationLength \"33\": out of range (expected: 1..32)"),
        row(
            "serviceSelectors with aggregation",
            BGP_AD + "  aggregationLength: 31\n  serviceSelectors: [{matchLabels: {a: b}}]\n",
            "BGPAdvertisement \"ad\": spec.serviceSelectors: only allowed with the default"
                + " aggregationLength 32 and aggregationLengthV6 128 (an aggregated prefix serves"
                + " more than the selected services)"),
        row(
            "community out of range",
            BGP_AD + "  communities: [\"65536:1\"]\n",
            "BGPAdvertisement \"ad\": spec.communities[0] \"65536:1\": invalid community part 65536"
                + " (expected: 0..65535)"),
        row(
            "large community with a part too big",
            BGP_AD + "  communities: [\"large:1:2:4294967296\"]\n",
            "BGPAdvertisement \"ad\": spec.communities[0] \"large:1:2:4294967296\": invalid large"
                + " community part 4294967296 (expected: 0..4294967295)"),
        row(
            "unknown community alias",
            BGP_AD + "  communities: [no-export]\n",
            "BGPAdvertisement \"ad\": spec.communities[0] \"no-export\": unknown community alias"
                + " (expected: A:B, large:A:B:C, or an alias defined by a Community)"),
        row(
            "duplicate community alias",
            "apiVersion: metallb.io/v1beta1\nkind: Community\nmetadata: {name: c}\nspec:\n"
                + "  communities: [{name: a, value: '1:1'}, {name: a, value: '1:2'}]\n",
            "Community \"c\": spec.communities[1].name \"a\": duplicate community alias name (first"
                + " defined by Community \"c\" at t.yaml:1)"),
        row(
            "invalid community value in a Community",
            "apiVersion: metallb.io/v1beta1\nkind: Community\nmetadata: {name: c}\nspec:\n"
                + "  communities: [{name: a, value: 'large:1:2'}]\n",
            "Community \"c\": spec.communities[0].value \"large:1:2\": invalid large community: 2"
                + " parts after \"large:\" (expected: large:A:B:C, each 0..4294967295)"),
        row(
            "hold time below 3s",
            PEER + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  holdTime: 2s\n",
            "BGPPeer \"r\": spec.holdTime \"2s\": hold time 2s is too short (expected: 0 or >= 3s)"),
        row(
            "hold time derived from keepalive below 3s",
            PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  keepaliveTime: 500ms\n",
            "BGPPeer \"r\": spec.keepaliveTime \"500ms\": derived hold time (3 x keepalive) 1.5s is"
                + " too short (expected: 0 or >= 3s)"),
        row(
            "keepalive longer than hold",
            PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  holdTime: 1m30s\n"
                + "  keepaliveTime: 2m\n",
            "BGPPeer \"r\": spec.keepaliveTime \"2m\": keepalive time 2m0s is longer than hold time"
                + " 1m30s (expected: keepaliveTime <= holdTime)"),
        row(
            "duration without unit",
            PEER + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  holdTime: 90\n",
            "BGPPeer \"r\": spec.holdTime \"90\": number without unit (expected: Go duration like"
                + " 90s, 1m30s, 500ms)"),
        row(
            "duration with an unknown unit",
            PEER + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  holdTime: 90sec\n",
            "BGPPeer \"r\": spec.holdTime \"90sec\": invalid duration: unknown unit \"sec\""
                + " (expected: Go duration like 90s, 1m30s, 500ms)"),
        row(
            "connectTime not whole seconds",
            PEER + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  connectTime: 1500ms\n",
            "BGPPeer \"r\": spec.connectTime \"1500ms\": out of range (expected: whole seconds"
                + " 1s..65535s)"),
        row(
            "ebgpMultiHop on iBGP",
            PEER
                + "  myASN: 64512\n  peerASN: 64512\n  peerAddress: 198.51.100.1\n"
                + "  ebgpMultiHop: true\n",
            "BGPPeer \"r\": spec.ebgpMultiHop \"true\": eBGP multi-hop on an iBGP session (peer ASN"
                + " equals my ASN) (expected: false, or a different peer ASN)"),
        row(
            "password and passwordSecret",
            PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  password: x\n"
                + "  passwordSecret: {name: s}\n",
            "BGPPeer \"r\": spec.passwordSecret: set together with password (expected: at most one"
                + " of password, passwordSecret)"),
        row(
            "passwordSecret naming a missing Secret",
            PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n"
                + "  passwordSecret: {name: s}\n",
            "BGPPeer \"r\": spec.passwordSecret.name \"s\": no Secret of that name in namespace"
                + " metallb-system (expected: a Secret of type kubernetes.io/basic-auth with key"
                + " \"password\")"),
        row(
            "passwordSecret of the wrong type",
            PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n"
                + "  passwordSecret: {name: s}\n---\napiVersion: v1\nkind: Secret\n"
                + "metadata: {name: s}\nstringData: {password: x}\n",
            "BGPPeer \"r\": spec.passwordSecret.name \"s\": Secret has type Opaque (expected:"
                + " kubernetes.io/basic-auth)"),
        row(
            "passwordSecret without the password key",
            PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n"
                + "  passwordSecret: {name: s}\n---\napiVersion: v1\nkind: Secret\n"
                + "metadata: {name: s}\ntype: kubernetes.io/basic-auth\nstringData: {username: x}\n",
            "BGPPeer \"r\": spec.passwordSecret.name \"s\": Secret has no key \"password\""
                + " (expected: the TCP MD5 password under data.password)"),
        row(
            "passwordSecret in another namespace",
            PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n"
                + "  passwordSecret: {name: s, namespace: kube-system}\n",
            "BGPPeer \"r\": spec.passwordSecret.namespace \"kube-system\": Secret outside ferrolb's"
                + " namespace (expected: metallb-system)"),
        row(
            "peerASN and dynamicASN",
            PEER
                + "  myASN: 1\n  peerASN: 2\n  dynamicASN: external\n  peerAddress: 198.51.100.1\n",
            "BGPPeer \"r\": spec.dynamicASN \"external\": set together with peerASN (expected:"
                + " exactly one of peerASN, dynamicASN)"),
        row(
            "neither peerASN nor dynamicASN",
            PEER + "  myASN: 1\n  peerAddress: 198.51.100.1\n",
            "BGPPeer \"r\": spec.peerASN: missing (expected: exactly one of peerASN, dynamicASN)"),
        row(
            "unknown dynamicASN",
            PEER + "  myASN: 1\n  dynamicASN: any\n  peerAddress: 198.51.100.1\n",
            "BGPPeer \"r\": spec.dynamicASN \"any\": unknown value (expected: internal or external)"),
        row(
            "missing myASN",
            PEER + "  peerASN: 2\n  peerAddress: 198.51.100.1\n",
            "BGPPeer \"r\": spec.myASN: missing (expected: the local AS number 1..4294967295)"),
        row(
            "ASN out of range",
            PEER + "  myASN: 4294967296\n  peerASN: 2\n  peerAddress: 198.51.100.1\n",
            "BGPPeer \"r\": spec.myASN \"4294967296\": out of range (expected: 0..4294967295)"),
        row(
            "peerAddress and interface",
            PEER + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  interface: eth1\n",
            "BGPPeer \"r\": spec.interface \"eth1\": set together with peerAddress (expected:"
                + " exactly one of peerAddress, interface)"),
        row(
            "neither peerAddress nor interface",
            PEER + "  myASN: 1\n  peerASN: 2\n",
            "BGPPeer \"r\": spec.peerAddress: missing (expected: exactly one of peerAddress,"
                + " interface)"),
        row(
            "peer address not an address",
            PEER + "  myASN: 1\n  peerASN: 2\n  peerAddress: router.example\n",
            "BGPPeer \"r\": spec.peerAddress \"router.example\": not an IP address (expected: IPv4"
                + " a.b.c.d or IPv6 text)"),
        row(
            "source address of the other family",
            PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n"
                + "  sourceAddress: 2001:db8::2\n",
            "BGPPeer \"r\": spec.sourceAddress \"2001:db8::2\": family IPv6 differs from peer"
                + " address 198.51.100.1 (expected: an IPv4 source address)"),
        row(
            "peerPort out of range",
            PEER + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  peerPort: 0\n",
            "BGPPeer \"r\": spec.peerPort \"0\": out of range (expected: 1..16384)"),
        row(
            "routerID not IPv4",
            PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n"
                + "  routerID: 2001:db8::1\n",
            "BGPPeer \"r\": spec.routerID \"2001:db8::1\": router ID must be IPv4 (expected: a"
                + " dotted quad, RFC 4271 §4.2 BGP Identifier)"),
        row(
            "dangling BFD profile",
            PEER + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  bfdProfile: fast\n",
            "BGPPeer \"r\": spec.bfdProfile \"fast\": no BFDProfile of that name (expected one of:"
                + " none defined)"),
        row(
            "v1beta2-only field in a v1beta1 BGPPeer",
            PEER.replace("v1beta2", "v1beta1")
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n  connectTime: 5s\n",
            "BGPPeer \"r\": spec.connectTime: not a BGPPeer v1beta1 field (expected: apiVersion"
                + " metallb.io/v1beta2 to use it)"),
        row(
            "two BGPPeers for the same session",
            PEER
                + "  myASN: 1\n  peerASN: 2\n  peerAddress: 198.51.100.1\n---\n"
                + PEER.replace("name: r", "name: r2")
                + "  myASN: 1\n  peerASN: 3\n  peerAddress: 198.51.100.1\n",
            "BGPPeer \"r2\": spec.peerAddress \"198.51.100.1\": same peer as BGPPeer \"r\""
                + " (198.51.100.1) on the same nodes: MetalLB rejects this (expected: one BGPPeer"
                + " per peer and node)"),
        row(
            "BFD interval out of range",
            "apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: b}\n"
                + "spec: {receiveInterval: 5}\n",
            "BFDProfile \"b\": spec.receiveInterval \"5\": out of range (expected: 10..60000)"),
        row(
            "BFD echo interval out of range",
            "apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: b}\n"
                + "spec: {echoInterval: 60001}\n",
            "BFDProfile \"b\": spec.echoInterval \"60001\": out of range (expected: 10..60000)"),
        row(
            "BFD detect multiplier out of range",
            "apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: b}\n"
                + "spec: {detectMultiplier: 256}\n",
            "BFDProfile \"b\": spec.detectMultiplier \"256\": out of range (expected: 2..255)"),
        row(
            "BFD minimum TTL out of range",
            "apiVersion: metallb.io/v1beta1\nkind: BFDProfile\nmetadata: {name: b}\n"
                + "spec: {minimumTtl: 255}\n",
            "BFDProfile \"b\": spec.minimumTtl \"255\": out of range (expected: 1..254)"),
        row(
            "legacy: unknown protocol",
            LEGACY
                + "    address-pools:\n    - {name: a, protocol: arp, addresses: [198.51.100.0/24]}\n",
            "ConfigMap \"config\": address-pools[0].protocol \"arp\": unknown protocol (expected:"
                + " layer2 or bgp)"),
        row(
            "legacy: missing protocol",
            LEGACY + "    address-pools:\n    - {name: a, addresses: [198.51.100.0/24]}\n",
            "ConfigMap \"config\": address-pools[0].protocol: missing (expected: layer2 or bgp)"),
        row(
            "legacy: bgp-advertisements on a layer2 pool",
            LEGACY
                + "    address-pools:\n    - name: a\n      protocol: layer2\n"
                + "      addresses: [198.51.100.0/24]\n      bgp-advertisements: [{localpref: 1}]\n",
            "ConfigMap \"config\": address-pools[0].bgp-advertisements: only allowed in a pool with"
                + " protocol bgp (this pool has protocol layer2)"),
        row(
            "legacy: unknown key (strict decoding)",
            LEGACY
                + "    address-pool:\n    - {name: a, protocol: bgp, addresses: [198.51.100.0/24]}\n",
            "ConfigMap \"config\": address-pool: unknown field (expected one of: address-pools,"
                + " bfd-profiles, bgp-communities, peers)"),
        row(
            "legacy: hold time below 3s",
            LEGACY
                + "    peers:\n    - {peer-address: 198.51.100.1, peer-asn: 1, my-asn: 2,"
                + " hold-time: 1s}\n",
            "ConfigMap \"config\": peers[0].hold-time \"1s\": hold time 1s is too short (expected: 0"
                + " or >= 3s)"),
        row(
            "legacy: aggregation length shorter than the pool prefix",
            LEGACY
                + "    address-pools:\n    - name: a\n      protocol: bgp\n"
                + "      addresses: [198.51.100.0/24]\n"
                + "      bgp-advertisements: [{aggregation-length: 16}]\n",
            "ConfigMap \"config\": address-pools[0].bgp-advertisements[0].aggregation-length \"16\":"
                + " pool \"a\" has address-pools[0].addresses[0] \"198.51.100.0/24\", more specific"
                + " than /16 (expected: >= 24 for this IPv4 entry)"),
        row(
            "legacy: pool name also defined as an IPAddressPool",
            POOL
                + "  addresses: [198.51.100.0/24]\n---\n"
                + LEGACY
                + "    address-pools:\n    - {name: p, protocol: layer2, addresses: [203.0.113.0/24]}\n",
            "ConfigMap \"config\": address-pools[0].name \"p\": duplicate IPAddressPool name (first"
                + " defined by IPAddressPool \"p\" at t.yaml:1)"),
        row(
            "legacy: invalid community alias value",
            LEGACY + "    bgp-communities: {bad: '1:2:3'}\n",
            "ConfigMap \"config\": bgp-communities.bad \"1:2:3\": invalid community: not A:B or"
                + " large:A:B:C (expected: A:B with A, B in 0..65535, or large:A:B:C with each in"
                + " 0..4294967295)"),
        row(
            "legacy: config is valid YAML but a string",
            LEGACY + "    just a string\n",
            "ConfigMap \"config\": data.config \"just a string\": is a string, not a mapping"
                + " (expected: MetalLB's configuration with address-pools, peers, bgp-communities,"
                + " bfd-profiles)"),
        row(
            "legacy: config is valid YAML but a list",
            LEGACY + "    - name: pool1\n",
            "ConfigMap \"config\": data.config \"[{name=pool1}]\": is a list, not a mapping"
                + " (expected: MetalLB's configuration with address-pools, peers, bgp-communities,"
                + " bfd-profiles)"),
        row(
            "legacy: config is valid YAML but a number",
            LEGACY + "    42\n",
            "ConfigMap \"config\": data.config \"42\": is a long, not a mapping (expected:"
                + " MetalLB's configuration with address-pools, peers, bgp-communities,"
                + " bfd-profiles)"));
  }

  private static Arguments row(String rule, String yaml, String expected) {
    return Arguments.of(rule, yaml, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void eachRuleYieldsExactlyItsError(String rule, String yaml, String expected) throws Exception {
    assertThat(errors(yaml)).containsExactly(expected);
  }

  static List<String> errors(String yaml) throws YamlDecodeException {
    ParseResult r =
        ConfigParser.parse(
            YamlConfigDecoder.decode("t.yaml", yaml), ParseContext.of("metallb-system"));
    if (r instanceof ParseResult.Invalid inv) {
      return inv.errors().stream().map(ConfigError::toString).toList();
    }
    return List.of();
  }
}
