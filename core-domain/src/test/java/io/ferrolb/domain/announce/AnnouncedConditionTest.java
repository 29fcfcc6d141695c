package io.ferrolb.domain.announce;

import static io.ferrolb.domain.announce.Fixtures.node;
import static io.ferrolb.domain.announce.Fixtures.pool;
import static io.ferrolb.domain.announce.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.announce.AnnouncedCondition.Reports;
import io.ferrolb.domain.config.BgpAdvertisement;
import io.ferrolb.domain.config.BgpPeer;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.ImmutableConfig;
import io.ferrolb.domain.config.L2Advertisement;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnnouncedConditionTest {
  static final List<NodeState> NODES = List.of(node("n1", "rack=1"), node("n2", "rack=2"));
  static final BgpPeer PEER =
      BgpPeer.builder()
          .name("tor")
          .myAsn(64500)
          .peerAsn(64496)
          .peerAddress(IpAddress.parse("203.0.113.1"))
          .build();

  static Config l2() {
    return ImmutableConfig.builder()
        .addPools(pool("lan", "198.51.100.0/24"))
        .addL2Advertisements(L2Advertisement.builder().name("l2").addPools("lan").build())
        .build();
  }

  static Config bgp(BgpAdvertisement ad) {
    return ImmutableConfig.builder()
        .addPools(pool("lan", "198.51.100.0/24"))
        .addBgpPeers(PEER)
        .addBgpAdvertisements(ad)
        .build();
  }

  static ServiceState svc(TrafficPolicy etp, Endpoint... eps) {
    return service("web", etp, List.of("198.51.100.10"), List.of(eps));
  }

  static AnnouncedCondition judge(ServiceState s, Optional<Config> c, Reports r) {
    return AnnouncedCondition.judge(s, c, NODES, Set.of(), r, false);
  }

  @Test
  void aLayer2ReportMakesItAnnouncedNamingNodeAndInterface() {
    var c =
        judge(
            svc(TrafficPolicy.CLUSTER, Endpoint.readyOn("n1")),
            Optional.of(l2()),
            new Reports(Map.of("n2", Set.of("eth0")), Map.of()));

    assertThat(c)
        .isEqualTo(
            new AnnouncedCondition(
                true, "Layer2", "198.51.100.10 answered in Layer 2 by node \"n2\" on eth0"));
  }

  @Test
  void bgpReportsNameEveryNodeAndPeerAndBothProtocolsGiveTheirOwnReason() {
    var r =
        new Reports(
            Map.of("n1", Set.of()), Map.of("n1", Set.of("tor"), "n2", Set.of("tor", "spine")));

    var c = judge(svc(TrafficPolicy.CLUSTER), Optional.empty(), r);

    assertThat(c.announced()).isTrue();
    assertThat(c.reason()).isEqualTo("Layer2AndBGP");
    assertThat(c.message())
        .isEqualTo(
            "198.51.100.10 answered in Layer 2 by node \"n1\"; advertised over BGP by nodes"
                + " \"n1\", \"n2\" to peers spine, tor");
  }

  @Test
  void twoLayer2OwnersAreShownAsATakeover() {
    var r = new Reports(Map.of("n1", Set.of(), "n2", Set.of()), Map.of());

    assertThat(judge(svc(TrafficPolicy.CLUSTER), Optional.of(l2()), r).message())
        .contains("nodes \"n1\", \"n2\"", "takeover");
  }

  @Test
  void withoutAddressOrConfigurationTheReasonSaysSo() {
    var noIp = service("web", TrafficPolicy.CLUSTER, List.of(), List.of(Endpoint.readyOn("n1")));

    assertThat(judge(noIp, Optional.of(l2()), Reports.NONE))
        .extracting(AnnouncedCondition::announced, AnnouncedCondition::reason)
        .containsExactly(false, "NoAddress");
    assertThat(judge(svc(TrafficPolicy.CLUSTER), Optional.empty(), Reports.NONE).reason())
        .isEqualTo("NoConfiguration");
  }

  @Test
  void theLayer2RulesReasonComesThroughWhenNobodyReports() {
    var noEndpoint = judge(svc(TrafficPolicy.CLUSTER), Optional.of(l2()), Reports.NONE);
    var outside =
        judge(
            service(
                "web",
                TrafficPolicy.CLUSTER,
                List.of("203.0.113.7"),
                List.of(Endpoint.readyOn("n1"))),
            Optional.of(l2()),
            Reports.NONE);

    assertThat(noEndpoint.reason()).isEqualTo("NoServingEndpoints");
    assertThat(noEndpoint.message())
        .isEqualTo("198.51.100.10 is not announced: no ready or serving endpoint in the cluster");
    assertThat(outside.reason()).isEqualTo("AddressNotInPool");
    assertThat(outside.message()).contains("203.0.113.7 is in no configured pool");
  }

  @Test
  void anOwnerThatDoesNotReportIsNamed() {
    var c =
        judge(svc(TrafficPolicy.LOCAL, Endpoint.readyOn("n2")), Optional.of(l2()), Reports.NONE);

    assertThat(c.reason()).isEqualTo("NotReported");
    assertThat(c.message()).contains("by node \"n2\"", "does not report");
  }

  @Test
  void onlyNodesWithAReadySpeakerAreJudged() {
    var c =
        AnnouncedCondition.judge(
            svc(TrafficPolicy.LOCAL, Endpoint.readyOn("n2")),
            Optional.of(l2()),
            NODES,
            Set.of("n1"),
            Reports.NONE,
            false);

    assertThat(c.reason()).isEqualTo("NoEligibleNode");
    assertThat(c.message()).startsWith("198.51.100.10 is not announced in Layer 2: no eligible");
  }

  @Test
  void noAdvertisementOfEitherProtocolIsNoAdvertisement() {
    var c =
        judge(
            svc(TrafficPolicy.CLUSTER, Endpoint.readyOn("n1")),
            Optional.of(ImmutableConfig.builder().addPools(pool("lan", "198.51.100.0/24")).build()),
            Reports.NONE);

    assertThat(c.reason()).isEqualTo("NoAdvertisement");
    assertThat(c.message())
        .contains("no L2Advertisement covers pool \"lan\"", "no BGPAdvertisement");
  }

  @Test
  void bgpReasonsAreGatheredPerNodeAndTheMostCommonLeads() {
    var rack1Only =
        BgpAdvertisement.builder()
            .name("rack1")
            .addPools("lan")
            .addNodeSelectors(LabelSelector.ofLabels(Map.of("rack", "1")))
            .build();

    var c =
        judge(
            svc(TrafficPolicy.LOCAL, Endpoint.readyOn("n2")),
            Optional.of(bgp(rack1Only)),
            Reports.NONE);

    // n1 is selected but has no local endpoint; n2 has the endpoint but is not selected
    assertThat(c.announced()).isFalse();
    assertThat(c.reason()).isIn("NoLocalEndpoint", "NodeNotSelected");
    assertThat(c.message())
        .startsWith("198.51.100.10 is not advertised over BGP by any node: ")
        .contains("node \"n1\": externalTrafficPolicy Local", "node \"n2\": no BGPAdvertisement");
  }

  @Test
  void aBgpNodeThatShouldAdvertiseButDoesNotReportIsNamed() {
    var all = BgpAdvertisement.builder().name("all").addPools("lan").build();

    var c =
        judge(
            svc(TrafficPolicy.CLUSTER, Endpoint.readyOn("n1")),
            Optional.of(bgp(all)),
            Reports.NONE);

    assertThat(c.reason()).isEqualTo("NotReported");
    assertThat(c.message()).contains("over BGP by nodes \"n1\", \"n2\"");
  }

  @Test
  void everyReasonIsAValidKubernetesConditionReason() {
    for (NotAnnouncedReason r : NotAnnouncedReason.values()) {
      assertThat(r.conditionReason()).matches("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$");
    }
    assertThat(NotAnnouncedReason.NO_LOCAL_ENDPOINT.conditionReason()).isEqualTo("NoLocalEndpoint");
    assertThat(AnnouncedCondition.TYPE)
        .matches(
            "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                + "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$");
  }
}
