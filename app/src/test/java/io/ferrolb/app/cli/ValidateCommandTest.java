package io.ferrolb.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {

  static final Path EXAMPLES = Path.of("..", "examples");

  record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static String ex(String name) {
    return EXAMPLES.resolve(name).toString();
  }

  @Test
  void tutorialConfigMapValidatesWithOneLinePerPool() {
    Run r = run("validate", ex("tutorial-configmap.yaml"));

    assertThat(r.exit()).isZero();
    assertThat(r.lines()).containsExactly("pool metallb-ip-space: IPv4, 51 addresses");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void completeCrdSetValidatesCleanly() {
    Run r = run("validate", ex("metallb-crds.yaml"));

    assertThat(r.exit()).isZero();
    assertThat(r.lines())
        .containsExactly(
            ex("metallb-crds.yaml")
                + ":9: warning: BGPPeer \"edge-b\": spec.vrf \"red\": host VRFs are not supported"
                + " by ferrolb's native speaker: the session opens in the default VRF (expected:"
                + " remove vrf, peer from the default VRF)",
            ex("metallb-crds.yaml")
                + ":9: warning: BGPPeer \"edge-b\": spec.routerID: differs from routerID"
                + " \"198.51.100.253\" of BGPPeer \"edge-a\" on shared nodes: accepted by ferrolb's"
                + " native speaker, rejected by MetalLB in FRR mode",
            ex("metallb-crds.yaml")
                + ":10: warning: BGPPeer \"reflector\": apiVersion \"metallb.io/v1beta1\": BGPPeer"
                + " v1beta1 is deprecated (expected: metallb.io/v1beta2; same fields, plus"
                + " dynamicASN, interface, connectTime, ...)",
            ex("metallb-crds.yaml")
                + ":10: warning: BGPPeer \"reflector\": spec.routerID: differs from routerID"
                + " \"198.51.100.253\" of BGPPeer \"edge-a\" on shared nodes: accepted by ferrolb's"
                + " native speaker, rejected by MetalLB in FRR mode",
            "pool web-v4: IPv4, 95 addresses",
            "pool reserved-v6: IPv6, 256 addresses",
            "pool general-dual: IPv4 + IPv6, 256 + 18446744073709551616 addresses"
                + " (18446744073709551872 in total)");
  }

  @Test
  void crdExampleUsesEveryKindAndBothPeerVersions() throws Exception {
    var kinds =
        io.ferrolb.adapters.k8s.yaml.YamlConfigDecoder.decode(EXAMPLES.resolve("metallb-crds.yaml"))
            .stream()
            .map(o -> o.apiVersion() + " " + o.kind())
            .collect(java.util.stream.Collectors.toSet());

    assertThat(kinds)
        .contains(
            "metallb.io/v1beta1 IPAddressPool",
            "metallb.io/v1beta1 L2Advertisement",
            "metallb.io/v1beta1 BGPAdvertisement",
            "metallb.io/v1beta1 BGPPeer",
            "metallb.io/v1beta2 BGPPeer",
            "metallb.io/v1beta1 BFDProfile",
            "metallb.io/v1beta1 Community");
  }

  @Test
  void brokenConfigYieldsEveryExpectedErrorWithFileAndDocument() {
    String f = ex("broken-config.yaml");
    Run r = run("validate", f);

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.lines())
        .contains(
            f
                + ":1: IPAddressPool \"blue\": spec.addresses[1] \"198.51.100.0/33\": invalid prefix"
                + " length 33 (expected: 0..32)",
            f
                + ":2: IPAddressPool \"green\": spec.addresses[0] \"198.51.100.128/25\": overlaps"
                + " spec.addresses[0] \"198.51.100.0/24\" of IPAddressPool \"blue\" at "
                + f
                + ":1 (pool \"green\" vs pool \"blue\"; expected: disjoint address ranges across"
                + " all pools)",
            f
                + ":2: IPAddressPool \"green\": spec.addresses[1] \"203.0.113.50-203.0.113.10\":"
                + " start is after end (expected: start <= end)",
            f
                + ":3: IPAddressPool \"red\": spec.autoassign: unknown field (expected one of:"
                + " addresses, autoAssign, avoidBuggyIPs, serviceAllocation)",
            f
                + ":3: warning: IPAddressPool \"red\": spec.serviceAllocation.priority \"-1\":"
                + " negative priority is treated as unset: this pool is tried last (expected: >= 0;"
                + " lower is tried first, 0 or unset last)",
            f
                + ":4: BGPAdvertisement \"red-ads\": spec.aggregationLength \"24\": pool \"red\" has"
                + " spec.addresses[0] \"203.0.113.64/27\", more specific than /24 (expected: >= 27"
                + " for this IPv4 entry)",
            f
                + ":4: BGPAdvertisement \"red-ads\": spec.communities[0] \"no-exprot\": unknown"
                + " community alias (expected: A:B, large:A:B:C, or an alias defined by a"
                + " Community)",
            f
                + ":4: warning: BGPAdvertisement \"red-ads\": spec.peers[0] \"nowhere\": no BGPPeer"
                + " of that name: nothing is announced to it until one is created, as MetalLB does"
                + " (expected one of: router, router2)",
            f
                + ":5: BGPPeer \"router\": spec.holdTime \"2s\": hold time 2s is too short"
                + " (expected: 0 or >= 3s)",
            f
                + ":5: BGPPeer \"router\": spec.ebgpMultiHop \"true\": eBGP multi-hop on an iBGP"
                + " session (peer ASN equals my ASN) (expected: false, or a different peer ASN)",
            f
                + ":5: BGPPeer \"router\": spec.routerID \"2001:db8::1\": router ID must be IPv4"
                + " (expected: a dotted quad, RFC 4271 §4.2 BGP Identifier)",
            f
                + ":6: BGPPeer \"router2\": spec.passwordSecret: set together with password"
                + " (expected: at most one of password, passwordSecret)",
            f
                + ":6: BGPPeer \"router2\": spec.bfdProfile \"missing\": no BFDProfile of that name"
                + " (expected one of: tight)",
            f
                + ":7: BFDProfile \"tight\": spec.detectMultiplier \"1\": out of range (expected:"
                + " 2..255)",
            f
                + ":8: L2Advertisement \"elsewhere\": metadata.namespace \"default\": object outside"
                + " ferrolb's namespace (expected: metallb-system)",
            f
                + ":9: L2Advertisement \"l2\": spec.nodeSelectors[0].matchExpressions[0].operator"
                + " \"Equals\": unknown operator (expected: In, NotIn, Exists, DoesNotExist)",
            f
                + ":10: Community \"aliases\": spec.communities[0].value \"large:1:2\": invalid large"
                + " community: 2 parts after \"large:\" (expected: large:A:B:C, each"
                + " 0..4294967295)",
            f
                + ":11: ConfigMap \"config\": address-pools[0].protocol \"arp\": unknown protocol"
                + " (expected: layer2 or bgp)",
            f
                + ":11: ConfigMap \"config\": address-pools[1].bgp-advertisements: only allowed in a"
                + " pool with protocol bgp (this pool has protocol layer2)",
            f
                + ":11: ConfigMap \"config\": address-pools[2].name \"blue\": duplicate IPAddressPool"
                + " name (first defined by IPAddressPool \"blue\" at "
                + f
                + ":1)");
    assertThat(r.lines()).last().isEqualTo("18 errors");
  }

  @Test
  void filesAreValidatedTogetherSoOverlapsAcrossFilesAreFound(@TempDir Path tmp) throws Exception {
    Path other = tmp.resolve("other.yaml");
    Files.writeString(
        other,
        "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: more}\n"
            + "spec: {addresses: [203.0.113.250/32]}\n");

    Run r = run("validate", ex("tutorial-configmap.yaml"), other.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.lines())
        .contains(
            other
                + ":1: IPAddressPool \"more\": spec.addresses[0] \"203.0.113.250/32\": overlaps"
                + " address-pools[0].addresses[0] \"203.0.113.200-203.0.113.250\" of ConfigMap"
                + " \"config\" at "
                + ex("tutorial-configmap.yaml")
                + ":1 (pool \"more\" vs pool \"metallb-ip-space\"; expected: disjoint address"
                + " ranges across all pools)");
  }

  @Test
  void missingFileExitsTwoWithAClearMessage(@TempDir Path tmp) {
    Path missing = tmp.resolve("absent.yaml");
    Run r = run("validate", missing.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("ferrolb validate: " + missing + ": cannot read");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void invalidYamlExitsTwoNamingFileAndLine(@TempDir Path tmp) throws Exception {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, "address-pools:\n- name: a\n  protocol: [layer2\n");

    Run r = run("validate", bad.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("ferrolb validate: " + bad + ":4:");
  }

  static final String PEER_WITH_SECRET =
      "apiVersion: metallb.io/v1beta2\nkind: BGPPeer\nmetadata: {name: r}\nspec:\n"
          + "  myASN: 64500\n  peerASN: 64501\n  peerAddress: 198.51.100.1\n"
          + "  passwordSecret: {name: bgp-auth}\n";

  @Test
  void aSecretThatIsNotAmongTheFilesIsAWarningOrWithStrictAnError(@TempDir Path tmp)
      throws Exception {
    Path peer = tmp.resolve("peer.yaml");
    Files.writeString(peer, PEER_WITH_SECRET);
    String warning =
        peer
            + ":1: warning: BGPPeer \"r\": spec.passwordSecret.name \"bgp-auth\": not checked:"
            + " Secret bgp-auth is not among the files (in the cluster it must exist in namespace"
            + " metallb-system, type kubernetes.io/basic-auth with key \"password\"; --strict"
            + " makes this an error)";

    Run lax = run("validate", peer.toString());
    Run strict = run("validate", "--strict", peer.toString());

    assertThat(lax.exit()).isZero();
    assertThat(lax.lines()).contains(warning);
    assertThat(strict.exit()).isEqualTo(1);
    assertThat(strict.lines())
        .contains(
            peer
                + ":1: BGPPeer \"r\": spec.passwordSecret.name \"bgp-auth\": no Secret of that"
                + " name in namespace metallb-system (expected: a Secret of type"
                + " kubernetes.io/basic-auth with key \"password\")");
  }

  @Test
  void aSecretAmongTheFilesIsCheckedForReal(@TempDir Path tmp) throws Exception {
    Path both = tmp.resolve("both.yaml");
    Files.writeString(
        both,
        PEER_WITH_SECRET
            + "---\napiVersion: v1\nkind: Secret\nmetadata: {name: bgp-auth}\ntype: Opaque\n"
            + "stringData: {password: s3cret}\n");

    Run r = run("validate", both.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.lines())
        .contains(
            both
                + ":1: BGPPeer \"r\": spec.passwordSecret.name \"bgp-auth\": Secret has type"
                + " Opaque (expected: kubernetes.io/basic-auth)");
  }

  @Test
  void namespaceOptionChangesTheExpectedNamespace() {
    Run r = run("validate", "--namespace", "lb", ex("tutorial-configmap.yaml"));

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.lines())
        .contains(
            ex("tutorial-configmap.yaml")
                + ":1: ConfigMap \"config\": metadata.namespace \"metallb-system\": object outside"
                + " ferrolb's namespace (expected: lb)");
  }

  @Test
  void dualStackAndSingleAddressPoolsAreDescribedExactly() {
    var single =
        io.ferrolb.domain.pool.Pool.of(
            "one", List.of(io.ferrolb.domain.pool.IpRange.parse("198.51.100.7/32")));
    assertThat(ValidateCommand.describe(single)).isEqualTo("pool one: IPv4, 1 address");
  }
}
