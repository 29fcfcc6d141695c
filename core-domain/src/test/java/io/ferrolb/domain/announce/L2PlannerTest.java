package io.ferrolb.domain.announce;

import static io.ferrolb.domain.announce.Fixtures.hashOrder;
import static io.ferrolb.domain.announce.Fixtures.node;
import static io.ferrolb.domain.announce.Fixtures.pool;
import static io.ferrolb.domain.announce.Fixtures.service;
import static io.ferrolb.domain.announce.Fixtures.shared;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.ImmutableConfig;
import io.ferrolb.domain.config.L2Advertisement;
import io.ferrolb.domain.config.PreferredNodeSelector;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class L2PlannerTest {
  static final String VIP = "203.0.113.200";
  static final List<NodeState> NODES = List.of(node("n1"), node("n2"), node("n3"));
  static final Set<String> ALL = Set.of("n1", "n2", "n3");

  static Config config(L2Advertisement... ads) {
    return ImmutableConfig.builder()
        .addPools(pool("lan", "203.0.113.200-203.0.113.250"))
        .addL2Advertisements(ads)
        .build();
  }

  static L2Advertisement ad(String name) {
    return L2Advertisement.builder().name(name).addPools("lan").build();
  }

  static ServiceState web(TrafficPolicy etp, Endpoint... eps) {
    return service("web", etp, List.of(VIP), List.of(eps));
  }

  /** Which nodes claim the VIP, each planning on its own, as every speaker does. */
  static List<String> claimants(
      Config config, List<NodeState> nodes, Set<String> alive, ServiceState... svcs) {
    return nodes.stream()
        .map(NodeState::name)
        .filter(
            self ->
                L2Planner.plan(self, config, nodes, alive, List.of(svcs), false)
                    .claims()
                    .containsKey(IpAddress.parse(VIP)))
        .toList();
  }

  @Test
  void exactlyOneNodeClaimsTheAddressAndItIsTheFirstByHash() {
    var claim =
        claimants(config(ad("l2")), NODES, ALL, web(TrafficPolicy.CLUSTER, Endpoint.readyOn("n2")));

    assertThat(claim).containsExactly(hashOrder(VIP, "n1", "n2", "n3").get(0));
  }

  @Test
  void noServingEndpointAnywhereMeansNobodyAnnounces() {
    var svc = web(TrafficPolicy.CLUSTER, Endpoint.notReadyOn("n1"));
    var plan = L2Planner.plan("n1", config(ad("l2")), NODES, ALL, List.of(svc), false);

    assertThat(claimants(config(ad("l2")), NODES, ALL, svc)).isEmpty();
    assertThat(plan.decisions().get(svc.key()))
        .isEqualTo(
            new L2Plan.NotAnnounced(
                NotAnnouncedReason.NO_SERVING_ENDPOINTS,
                "no ready or serving endpoint in the cluster"));
    assertThat(plan.unannouncedServices()).isEqualTo(1);
  }

  @Test
  void localTrafficPolicyMovesTheAddressToTheNodeWithTheEndpoint() {
    for (String withEndpoint : List.of("n1", "n2", "n3")) {
      var claim =
          claimants(
              config(ad("l2")),
              NODES,
              ALL,
              web(TrafficPolicy.LOCAL, Endpoint.readyOn(withEndpoint)));
      assertThat(claim).as("endpoint on %s", withEndpoint).containsExactly(withEndpoint);
    }
  }

  @Test
  void excludedAndNetworkUnavailableNodesNeverWinUnlessTheLabelIsIgnored() {
    String first = hashOrder(VIP, "n1", "n2", "n3").get(0);
    String second = hashOrder(VIP, "n1", "n2", "n3").get(1);
    var nodes =
        NODES.stream()
            .map(n -> n.name().equals(first) ? node(first, NodeState.EXCLUDE_LABEL + "=") : n)
            .toList();
    var svc = web(TrafficPolicy.CLUSTER, Endpoint.readyOn("n1"));

    assertThat(claimants(config(ad("l2")), nodes, ALL, svc)).containsExactly(second);
    assertThat(L2Planner.plan(first, config(ad("l2")), nodes, ALL, List.of(svc), true).claims())
        .containsKey(IpAddress.parse(VIP));

    var unavailable =
        NODES.stream()
            .map(n -> n.name().equals(first) ? new NodeState(first, Map.of(), true) : n)
            .toList();
    assertThat(claimants(config(ad("l2")), unavailable, ALL, svc)).containsExactly(second);
  }

  @Test
  void nodeSelectorsRestrictTheCandidates() {
    var nodes = List.of(node("n1", "zone=a"), node("n2", "zone=b"), node("n3", "zone=b"));
    var ad =
        L2Advertisement.builder()
            .name("zone-a")
            .addPools("lan")
            .addNodeSelectors(LabelSelector.ofLabels(Map.of("zone", "a")))
            .build();

    assertThat(
            claimants(config(ad), nodes, ALL, web(TrafficPolicy.CLUSTER, Endpoint.readyOn("n2"))))
        .containsExactly("n1");
  }

  @Test
  void aDeadOwnerIsReplacedAndTakesTheAddressBackWhenItReturns() {
    var order = hashOrder(VIP, "n1", "n2", "n3");
    var svc = web(TrafficPolicy.CLUSTER, Endpoint.readyOn("n3"));
    var withoutOwner =
        Stream.of("n1", "n2", "n3")
            .filter(n -> !n.equals(order.get(0)))
            .collect(Collectors.toSet());

    assertThat(claimants(config(ad("l2")), NODES, withoutOwner, svc)).containsExactly(order.get(1));
    assertThat(claimants(config(ad("l2")), NODES, ALL, svc)).containsExactly(order.get(0));
  }

  @Test
  void servicesSharingAnAddressLandOnOneNodeInOneClaim() {
    var a =
        shared(
            service("a", TrafficPolicy.CLUSTER, List.of(VIP), List.of(Endpoint.readyOn("n1"))),
            "k");
    var b =
        shared(
            service("b", TrafficPolicy.CLUSTER, List.of(VIP), List.of(Endpoint.readyOn("n2"))),
            "k");
    String owner = hashOrder(VIP, "n1", "n2", "n3").get(0);

    var plan = L2Planner.plan(owner, config(ad("l2")), NODES, ALL, List.of(a, b), false);

    assertThat(plan.claims().get(IpAddress.parse(VIP)).services())
        .containsExactlyInAnyOrder(new ServiceKey("default", "a"), new ServiceKey("default", "b"));
    assertThat(claimants(config(ad("l2")), NODES, ALL, a, b)).containsExactly(owner);
  }

  @Test
  void interfacesAreTheUnionOfTheAdvertisementsAndAnUnrestrictedOneMeansAll() {
    var eth0 = L2Advertisement.builder().name("a").addPools("lan").addInterfaces("eth0").build();
    var eth1 = L2Advertisement.builder().name("b").addPools("lan").addInterfaces("eth1").build();
    var svc = web(TrafficPolicy.CLUSTER, Endpoint.readyOn("n1"));
    String owner = hashOrder(VIP, "n1", "n2", "n3").get(0);

    var restricted = L2Planner.plan(owner, config(eth0, eth1), NODES, ALL, List.of(svc), false);
    var open = L2Planner.plan(owner, config(eth0, ad("all")), NODES, ALL, List.of(svc), false);

    assertThat(restricted.claims().get(IpAddress.parse(VIP)).interfaces())
        .containsExactlyInAnyOrder("eth0", "eth1");
    assertThat(open.claims().get(IpAddress.parse(VIP)).interfaces()).isEmpty();
  }

  @Test
  void serviceSelectorsChooseTheAdvertisementsAndASharedAddressWithThemIsNotAnnounced() {
    var onlyFront =
        L2Advertisement.builder()
            .name("front")
            .addPools("lan")
            .addServiceSelectors(LabelSelector.ofLabels(Map.of("tier", "front")))
            .build();
    var front =
        service(
            "f",
            TrafficPolicy.CLUSTER,
            List.of(VIP),
            List.of(Endpoint.readyOn("n1")),
            "tier=front");
    var back =
        service(
            "b", TrafficPolicy.CLUSTER, List.of(VIP), List.of(Endpoint.readyOn("n1")), "tier=back");

    var plan = L2Planner.plan("n1", config(onlyFront), NODES, ALL, List.of(front, back), false);

    assertThat(plan.decisions().get(front.key())).isInstanceOf(L2Plan.Announced.class);
    assertThat(plan.decisions().get(back.key()))
        .extracting(d -> ((L2Plan.NotAnnounced) d).reason())
        .isEqualTo(NotAnnouncedReason.NO_ADVERTISEMENT);
    var sharedFront = shared(front, "k");
    assertThat(
            L2Planner.plan("n1", config(onlyFront), NODES, ALL, List.of(sharedFront), false)
                .decisions()
                .get(front.key()))
        .extracting(d -> ((L2Plan.NotAnnounced) d).reason())
        .isEqualTo(NotAnnouncedReason.SHARED_IP_WITH_SERVICE_SELECTORS);
  }

  @Test
  void preferredNodesWinOverTheHashAmongEligibleNodes() {
    String last = hashOrder(VIP, "n1", "n2", "n3").get(2);
    var nodes = NODES.stream().map(n -> n.name().equals(last) ? node(last, "ssd=yes") : n).toList();
    var ad =
        L2Advertisement.builder()
            .name("pref")
            .addPools("lan")
            .addPreferredNodeSelectors(
                new PreferredNodeSelector(10, LabelSelector.ofLabels(Map.of("ssd", "yes"))))
            .build();

    assertThat(
            claimants(config(ad), nodes, ALL, web(TrafficPolicy.CLUSTER, Endpoint.readyOn("n1"))))
        .containsExactly(last);
  }

  @Test
  void anAddressOutsideEveryPoolIsNotAnnounced() {
    var svc =
        service(
            "x", TrafficPolicy.CLUSTER, List.of("198.51.100.1"), List.of(Endpoint.readyOn("n1")));

    assertThat(
            L2Planner.plan("n1", config(ad("l2")), NODES, ALL, List.of(svc), false)
                .decisions()
                .get(svc.key()))
        .extracting(d -> ((L2Plan.NotAnnounced) d).reason())
        .isEqualTo(NotAnnouncedReason.ADDRESS_NOT_IN_POOL);
  }

  @Test
  void dualStackAddressesGoTogetherToTheOwnerOfTheFirst() {
    var cfg =
        ImmutableConfig.builder()
            .addPools(
                pool("dual", "203.0.113.200-203.0.113.250", "2001:db8:77::200-2001:db8:77::2ff"))
            .addL2Advertisements(L2Advertisement.builder().name("l2").addPools("dual").build())
            .build();
    var svc =
        service(
            "dual",
            TrafficPolicy.CLUSTER,
            List.of(VIP, "2001:db8:77::200"),
            List.of(Endpoint.readyOn("n1")));
    String owner = hashOrder(VIP, "n1", "n2", "n3").get(0);

    assertThat(L2Planner.plan(owner, cfg, NODES, ALL, List.of(svc), false).claims().keySet())
        .containsExactlyInAnyOrder(IpAddress.parse(VIP), IpAddress.parse("2001:db8:77::200"));
  }
}
