package io.ferrolb.domain.announce;

import static io.ferrolb.domain.announce.Fixtures.hashOrder;
import static io.ferrolb.domain.announce.Fixtures.node;
import static io.ferrolb.domain.announce.Fixtures.pool;
import static io.ferrolb.domain.announce.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.ImmutableConfig;
import io.ferrolb.domain.config.ImmutableL2Advertisement;
import io.ferrolb.domain.config.L2Advertisement;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which announcer carries which claim: advertisements name announcers, the election stays one per
 * address, and only the owner's selecting advertisements decide the announcers.
 */
class L2PlannerAnnouncerTest {
  static final String VIP = "203.0.113.200";
  static final List<NodeState> NODES =
      List.of(
          node("n1", "kubernetes.io/hostname=n1"),
          node("n2", "kubernetes.io/hostname=n2"),
          node("n3", "kubernetes.io/hostname=n3"));
  static final Set<String> ALL = Set.of("n1", "n2", "n3");
  static final List<String> ORDER = hashOrder(VIP, "n1", "n2", "n3");
  static final String OWNER = ORDER.get(0);
  static final String SECOND = ORDER.get(1);

  static ImmutableL2Advertisement.Builder ad(String name) {
    return L2Advertisement.builder().name(name).addPools("lan");
  }

  static LabelSelector onNode(String node) {
    return LabelSelector.ofLabels(Map.of("kubernetes.io/hostname", node));
  }

  static Config config(L2Advertisement... ads) {
    return ImmutableConfig.builder()
        .addPools(pool("lan", "203.0.113.200-203.0.113.250"))
        .addL2Advertisements(ads)
        .build();
  }

  static ServiceState web(TrafficPolicy etp, String endpointNode) {
    return service("web", etp, List.of(VIP), List.of(Endpoint.readyOn(endpointNode)));
  }

  /** announcer -> nodes whose own plan hands it the VIP, every node planning for itself. */
  static Map<String, Set<String>> holders(
      Config config, ServiceState svc, String defaultAnnouncer) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (NodeState self : NODES) {
      L2Plan plan =
          L2Planner.plan(self.name(), config, NODES, ALL, List.of(svc), false, defaultAnnouncer);
      plan.claimsByAnnouncer()
          .forEach(
              (announcer, claims) -> {
                if (claims.containsKey(IpAddress.parse(VIP))) {
                  out.computeIfAbsent(announcer, k -> new TreeSet<>()).add(self.name());
                }
              });
    }
    return out;
  }

  static Stream<Arguments> routing() {
    var cluster = web(TrafficPolicy.CLUSTER, "n1");
    return Stream.of(
        Arguments.of(
            "no label: the default announcer",
            config(ad("l2").build()),
            cluster,
            "layer2",
            Map.of("layer2", Set.of(OWNER))),
        Arguments.of(
            "no label with --l2-announcer recording: the recording plugin",
            config(ad("l2").build()),
            cluster,
            "recording",
            Map.of("recording", Set.of(OWNER))),
        Arguments.of(
            "label webhook: only the webhook, layer2 gets nothing",
            config(ad("l2").announcer("webhook").build()),
            cluster,
            "layer2",
            Map.of("webhook", Set.of(OWNER))),
        Arguments.of(
            "label naming the default: same as no label",
            config(ad("a").announcer("layer2").build(), ad("b").build()),
            cluster,
            "layer2",
            Map.of("layer2", Set.of(OWNER))),
        Arguments.of(
            "two advertisements naming two announcers: both on the one owner",
            config(ad("a").announcer("webhook").build(), ad("b").announcer("log").build()),
            cluster,
            "layer2",
            Map.of("webhook", Set.of(OWNER), "log", Set.of(OWNER))),
        Arguments.of(
            "an announcer whose advertisement does not select the owner gets nothing",
            config(
                ad("a").announcer("webhook").build(),
                ad("b").announcer("log").addNodeSelectors(onNode(SECOND)).build()),
            cluster,
            "layer2",
            Map.of("webhook", Set.of(OWNER))),
        Arguments.of(
            "node selectors of the named advertisement move the owner",
            config(ad("a").announcer("webhook").addNodeSelectors(onNode(SECOND)).build()),
            cluster,
            "layer2",
            Map.of("webhook", Set.of(SECOND))),
        Arguments.of(
            "externalTrafficPolicy Local: the endpoint's node, for the named announcer too",
            config(ad("a").announcer("webhook").build()),
            web(TrafficPolicy.LOCAL, ORDER.get(2)),
            "layer2",
            Map.of("webhook", Set.of(ORDER.get(2)))),
        Arguments.of(
            "no serving endpoint: no announcer anywhere",
            config(ad("a").announcer("webhook").build()),
            service("web", TrafficPolicy.CLUSTER, List.of(VIP), List.of(Endpoint.notReadyOn("n1"))),
            "layer2",
            Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("routing")
  void eachAnnouncerGetsOnlyItsPartOnTheOneOwner(
      String description,
      Config config,
      ServiceState svc,
      String defaultAnnouncer,
      Map<String, Set<String>> expected) {
    assertThat(holders(config, svc, defaultAnnouncer)).isEqualTo(expected);
  }

  @Test
  void eachAnnouncerGetsTheInterfacesOfItsOwnAdvertisementsAndTheMergedClaimHasAll() {
    var cfg =
        config(
            ad("a").addInterfaces("eth0").build(),
            ad("b").announcer("webhook").addInterfaces("eth1").build(),
            ad("c").announcer("webhook").addInterfaces("eth2").build());

    L2Plan plan =
        L2Planner.plan(
            OWNER, cfg, NODES, ALL, List.of(web(TrafficPolicy.CLUSTER, "n1")), false, "layer2");

    IpAddress vip = IpAddress.parse(VIP);
    assertThat(plan.claimsFor("layer2").get(vip).interfaces()).containsExactly("eth0");
    assertThat(plan.claimsFor("webhook").get(vip).interfaces())
        .containsExactlyInAnyOrder("eth1", "eth2");
    assertThat(plan.claims().get(vip).interfaces())
        .containsExactlyInAnyOrder("eth0", "eth1", "eth2");
    assertThat(plan.claimsFor("log")).isEmpty();
    assertThat(plan.decisions().values())
        .singleElement()
        .isEqualTo(
            new L2Plan.Announced(
                OWNER,
                Set.of("eth0", "eth1", "eth2"),
                Map.of("layer2", Set.of("eth0"), "webhook", Set.of("eth1", "eth2"))));
  }

  @Test
  void theSixArgumentPlanUsesLayer2AsTheDefault() {
    L2Plan plan =
        L2Planner.plan(
            OWNER,
            config(ad("l2").build()),
            NODES,
            ALL,
            List.of(web(TrafficPolicy.CLUSTER, "n1")),
            false);

    assertThat(plan.claimsByAnnouncer().keySet()).containsExactly(L2Plan.DEFAULT_ANNOUNCER);
    assertThat(L2Plan.DEFAULT_ANNOUNCER).isEqualTo("layer2");
  }
}
