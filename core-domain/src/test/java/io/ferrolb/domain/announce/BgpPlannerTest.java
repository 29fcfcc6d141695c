package io.ferrolb.domain.announce;

import static io.ferrolb.domain.announce.Fixtures.node;
import static io.ferrolb.domain.announce.Fixtures.pool;
import static io.ferrolb.domain.announce.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.config.BgpAdvertisement;
import io.ferrolb.domain.config.BgpCommunity;
import io.ferrolb.domain.config.BgpPeer;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.ImmutableBgpAdvertisement;
import io.ferrolb.domain.config.ImmutableConfig;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BgpPlannerTest {
  static final BgpPeer FRR = peer("frr", 64496);
  static final BgpPeer IBGP = peer("core", 64500);

  static BgpPeer peer(String name, long asn) {
    return BgpPeer.builder()
        .name(name)
        .myAsn(64500)
        .peerAsn(asn)
        .peerAddress(IpAddress.parse(asn == 64496 ? "203.0.113.1" : "203.0.113.2"))
        .build();
  }

  static Config config(List<BgpPeer> peers, BgpAdvertisement... ads) {
    return ImmutableConfig.builder()
        .addPools(pool("public", "198.51.100.0/24"))
        .addAllBgpPeers(peers)
        .addBgpAdvertisements(ads)
        .build();
  }

  static ImmutableBgpAdvertisement.Builder ad(String name) {
    return BgpAdvertisement.builder().name(name).addPools("public");
  }

  static ServiceState svc(String name, String ip, TrafficPolicy etp, Endpoint... eps) {
    return service(name, etp, List.of(ip), List.of(eps));
  }

  static Set<Cidr> prefixes(BgpPlan plan, String peer) {
    return plan.routesFor(peer).stream()
        .map(BgpRoute::prefix)
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void sessionsAreThePeersWhoseNodeSelectorsMatchThisNode() {
    var rack1 =
        BgpPeer.builder()
            .from(FRR)
            .name("tor1")
            .addNodeSelectors(LabelSelector.ofLabels(Map.of("rack", "1")))
            .build();
    var cfg = config(List.of(FRR, rack1), ad("all").build());

    assertThat(BgpPlanner.plan(node("n1", "rack=1"), cfg, List.of(), false).peers())
        .extracting(BgpPeer::name)
        .containsExactly("frr", "tor1");
    assertThat(BgpPlanner.plan(node("n2", "rack=2"), cfg, List.of(), false).peers())
        .extracting(BgpPeer::name)
        .containsExactly("frr");
  }

  @Test
  void clusterPolicyAdvertisesFromEveryNodeAndLocalOnlyFromNodesWithEndpoints() {
    var cfg = config(List.of(FRR), ad("all").build());
    var cluster = svc("c", "198.51.100.10", TrafficPolicy.CLUSTER, Endpoint.readyOn("n1"));
    var local = svc("l", "198.51.100.11", TrafficPolicy.LOCAL, Endpoint.readyOn("n1"));

    var onN1 = BgpPlanner.plan(node("n1"), cfg, List.of(cluster, local), false);
    var onN2 = BgpPlanner.plan(node("n2"), cfg, List.of(cluster, local), false);

    assertThat(prefixes(onN1, "frr"))
        .containsExactlyInAnyOrder(Cidr.parse("198.51.100.10/32"), Cidr.parse("198.51.100.11/32"));
    assertThat(prefixes(onN2, "frr")).containsExactly(Cidr.parse("198.51.100.10/32"));
    assertThat(onN2.decisions().get(local.key()))
        .extracting(d -> ((BgpPlan.NotAdvertised) d).reason())
        .isEqualTo(NotAnnouncedReason.NO_LOCAL_ENDPOINT);
  }

  @Test
  void noServingEndpointWithdrawsEvenWithClusterPolicy() {
    var cfg = config(List.of(FRR), ad("all").build());
    var gone = svc("c", "198.51.100.10", TrafficPolicy.CLUSTER, Endpoint.notReadyOn("n1"));

    assertThat(BgpPlanner.plan(node("n1"), cfg, List.of(gone), false).routesFor("frr")).isEmpty();
  }

  @Test
  void aggregationGivesOneSlash24BesideTheHostRouteOfAnotherAdvertisement() {
    var cfg = config(List.of(FRR), ad("agg").aggregationLength(24).build(), ad("host").build());
    var a = svc("a", "198.51.100.10", TrafficPolicy.CLUSTER, Endpoint.readyOn("n1"));
    var b = svc("b", "198.51.100.20", TrafficPolicy.CLUSTER, Endpoint.readyOn("n1"));

    assertThat(prefixes(BgpPlanner.plan(node("n1"), cfg, List.of(a, b), false), "frr"))
        .containsExactlyInAnyOrder(
            Cidr.parse("198.51.100.0/24"),
            Cidr.parse("198.51.100.10/32"),
            Cidr.parse("198.51.100.20/32"));
  }

  @Test
  void overlappingAdvertisementsUniteTheirCommunities() {
    var noExport = BgpCommunity.parse("65535:65281");
    var large = BgpCommunity.parse("large:64500:1:2");
    var cfg =
        config(
            List.of(FRR),
            ad("a").addCommunities(noExport).build(),
            ad("b").addCommunities(large).build());
    var s = svc("a", "198.51.100.10", TrafficPolicy.CLUSTER, Endpoint.readyOn("n1"));

    assertThat(BgpPlanner.plan(node("n1"), cfg, List.of(s), false).routesFor("frr"))
        .containsExactly(
            new BgpRoute(
                Cidr.parse("198.51.100.10/32"), Set.of(noExport, large), OptionalLong.empty()));
  }

  @Test
  void localPrefGoesToIbgpPeersOnlyAndConflictingValuesRejectTheService() {
    var s = svc("a", "198.51.100.10", TrafficPolicy.CLUSTER, Endpoint.readyOn("n1"));
    var one = config(List.of(FRR, IBGP), ad("a").localPref(200).build());

    var plan = BgpPlanner.plan(node("n1"), one, List.of(s), false);
    assertThat(plan.routesFor("core"))
        .extracting(BgpRoute::localPref)
        .containsExactly(OptionalLong.of(200));
    assertThat(plan.routesFor("frr"))
        .extracting(BgpRoute::localPref)
        .containsExactly(OptionalLong.empty());

    var two = config(List.of(IBGP), ad("a").localPref(200).build(), ad("b").localPref(300).build());
    var rejected = BgpPlanner.plan(node("n1"), two, List.of(s), false);
    assertThat(rejected.routesFor("core")).isEmpty();
    assertThat(rejected.decisions().get(s.key()))
        .extracting(d -> ((BgpPlan.NotAdvertised) d).reason())
        .isEqualTo(NotAnnouncedReason.CONFLICTING_ADVERTISEMENTS);
  }

  @Test
  void peersListLimitsWhichRoutersLearnAndNodeSelectorsLimitNextHops() {
    var cfg =
        config(
            List.of(FRR, IBGP),
            ad("to-core")
                .addPeers("core")
                .addNodeSelectors(LabelSelector.ofLabels(Map.of("edge", "true")))
                .build());
    var s = svc("a", "198.51.100.10", TrafficPolicy.CLUSTER, Endpoint.readyOn("n1"));

    var edge = BgpPlanner.plan(node("n1", "edge=true"), cfg, List.of(s), false);
    var inner = BgpPlanner.plan(node("n2"), cfg, List.of(s), false);

    assertThat(edge.routesFor("frr")).isEmpty();
    assertThat(prefixes(edge, "core")).containsExactly(Cidr.parse("198.51.100.10/32"));
    assertThat(edge.decisions().get(s.key())).isEqualTo(new BgpPlan.Advertised(Set.of("core")));
    assertThat(inner.routesByPeer()).isEmpty();
  }

  @Test
  void anExcludedNodeAdvertisesNothing() {
    var cfg = config(List.of(FRR), ad("all").build());
    var s = svc("a", "198.51.100.10", TrafficPolicy.CLUSTER, Endpoint.readyOn("n1"));

    assertThat(
            BgpPlanner.plan(new NodeState("n1", Map.of(), true), cfg, List.of(s), false)
                .routesByPeer())
        .isEmpty();
    assertThat(
            BgpPlanner.plan(node("n1", NodeState.EXCLUDE_LABEL + "="), cfg, List.of(s), false)
                .routesByPeer())
        .isEmpty();
    assertThat(
            BgpPlanner.plan(node("n1", NodeState.EXCLUDE_LABEL + "="), cfg, List.of(s), true)
                .routesFor("frr"))
        .hasSize(1);
  }
}
