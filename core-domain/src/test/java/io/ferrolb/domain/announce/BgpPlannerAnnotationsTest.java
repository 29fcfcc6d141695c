package io.ferrolb.domain.announce;

import static io.ferrolb.domain.announce.BgpPlannerTest.FRR;
import static io.ferrolb.domain.announce.BgpPlannerTest.IBGP;
import static io.ferrolb.domain.announce.BgpPlannerTest.ad;
import static io.ferrolb.domain.announce.BgpPlannerTest.config;
import static io.ferrolb.domain.announce.BgpPlannerTest.svc;
import static io.ferrolb.domain.announce.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.config.BgpCommunity;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.ImmutableConfig;
import io.ferrolb.domain.pool.Cidr;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Service annotations {@value ServiceBgpAttributes#COMMUNITIES} and {@value
 * ServiceBgpAttributes#LOCAL_PREF}: added communities, LOCAL_PREF override, shared addresses, and
 * bad values (ignored, reported, never breaking another Service).
 */
class BgpPlannerAnnotationsTest {
  static final String COMMUNITIES = ServiceBgpAttributes.COMMUNITIES;
  static final String LOCAL_PREF = ServiceBgpAttributes.LOCAL_PREF;
  static final String VIP = "198.51.100.10";
  static final Cidr HOST = Cidr.parse(VIP + "/32");
  static final BgpCommunity NO_EXPORT = BgpCommunity.parse("65535:65281");
  static final BgpCommunity AD_COMMUNITY = BgpCommunity.parse("64500:7");

  /** Service {@code name} on {@link #VIP}, served on n1, with these annotations (key, value...). */
  static ServiceState annotated(String name, String... kv) {
    return annotatedOn(name, VIP, kv);
  }

  static ServiceState annotatedOn(String name, String ip, String... kv) {
    ServiceState s = svc(name, ip, TrafficPolicy.CLUSTER, Endpoint.readyOn("n1"));
    Map<String, String> annotations = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      annotations.put(kv[i], kv[i + 1]);
    }
    return new ServiceState(
        s.key(), s.ingress(), s.labels(), annotations, s.externalTrafficPolicy(), s.endpoints());
  }

  static ServiceState sharing(String name, String... kv) {
    String[] all = java.util.Arrays.copyOf(kv, kv.length + 2);
    all[kv.length] = "metallb.io/allow-shared-ip";
    all[kv.length + 1] = "web";
    return annotated(name, all);
  }

  static BgpPlan plan(Config cfg, ServiceState... services) {
    return BgpPlanner.plan(node("n1"), cfg, List.of(services), false);
  }

  static Set<BgpCommunity> communities(String... texts) {
    return java.util.stream.Stream.of(texts)
        .map(BgpCommunity::parse)
        .collect(java.util.stream.Collectors.toSet());
  }

  static BgpRoute route(BgpPlan plan, String peer, Cidr prefix) {
    return plan.routesFor(peer).stream()
        .filter(r -> r.prefix().equals(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route " + prefix + " to " + peer));
  }

  static BgpPlan.Advertised advertised(BgpPlan plan, ServiceState s) {
    assertThat(plan.decisions().get(s.key())).isInstanceOf(BgpPlan.Advertised.class);
    return (BgpPlan.Advertised) plan.decisions().get(s.key());
  }

  // ------------------------------------------------------------------ communities

  @Test
  void annotationCommunitiesAreAddedToThoseOfEveryAdvertisementOfTheService() {
    var cfg =
        config(
            List.of(FRR),
            ad("host").addCommunities(NO_EXPORT).build(),
            ad("agg").aggregationLength(24).build());
    var s = annotated("a", COMMUNITIES, "65000:100, large:4200000000:1:2");

    var plan = plan(cfg, s);

    assertThat(route(plan, "frr", HOST).communities())
        .isEqualTo(communities("65535:65281", "65000:100", "large:4200000000:1:2"));
    assertThat(route(plan, "frr", Cidr.parse("198.51.100.0/24")).communities())
        .isEqualTo(communities("65000:100", "large:4200000000:1:2"));
    assertThat(advertised(plan, s).warnings()).isEmpty();
  }

  @Test
  void aCommunityNamedByACommunityObjectOrLegacyAliasIsResolvedAndDuplicatesCollapse() {
    var cfg =
        ImmutableConfig.builder()
            .from(config(List.of(FRR), ad("host").addCommunities(NO_EXPORT).build()))
            .putCommunities("blackhole", "65535:666")
            .putCommunities("site", "large:64500:0:42")
            .build();
    var s = annotated("a", COMMUNITIES, "blackhole,site,65535:666,65535:65281");

    assertThat(route(plan(cfg, s), "frr", HOST).communities())
        .isEqualTo(communities("65535:65281", "65535:666", "large:64500:0:42"));
  }

  @Test
  void onlyTheAnnotatedServiceGetsTheCommunities() {
    var cfg = config(List.of(FRR), ad("host").build());
    var a = annotated("a", COMMUNITIES, "65000:100");
    var b = annotatedOn("b", "198.51.100.11");

    var plan = plan(cfg, a, b);

    assertThat(route(plan, "frr", HOST).communities()).isEqualTo(communities("65000:100"));
    assertThat(route(plan, "frr", Cidr.parse("198.51.100.11/32")).communities()).isEmpty();
  }

  // ------------------------------------------------------------------ LOCAL_PREF

  @ParameterizedTest(name = "advertisement localPref {0}, annotation \"{1}\" -> iBGP {2}")
  @CsvSource(
      delimiter = '|',
      value = {"100|300|300", "-1|300|300", "100|0|0", "-1|4294967295|4294967295", "100|' 42 '|42"})
  void theAnnotationReplacesTheAdvertisementsLocalPrefOnIbgpAndIsNotSentOnEbgp(
      long adLocalPref, String annotation, long expected) {
    var builder = ad("host");
    if (adLocalPref >= 0) {
      builder.localPref(adLocalPref);
    }
    var cfg = config(List.of(FRR, IBGP), builder.build());
    var s = annotated("a", LOCAL_PREF, annotation);

    var plan = plan(cfg, s);

    assertThat(route(plan, "core", HOST).localPref()).isEqualTo(OptionalLong.of(expected));
    assertThat(route(plan, "frr", HOST).localPref()).isEqualTo(OptionalLong.empty());
    assertThat(advertised(plan, s).peers()).containsExactlyInAnyOrder("core", "frr");
  }

  @Test
  void theAnnotationSettlesAdvertisementsOfTheServiceThatDisagreeOnLocalPref() {
    var cfg = config(List.of(IBGP), ad("a").localPref(200).build(), ad("b").localPref(300).build());
    var plain = annotated("a");
    var pinned = annotatedOn("b", "198.51.100.11", LOCAL_PREF, "250");

    var plan = plan(cfg, plain, pinned);

    assertThat(plan.decisions().get(plain.key()))
        .extracting(d -> ((BgpPlan.NotAdvertised) d).reason())
        .isEqualTo(NotAnnouncedReason.CONFLICTING_ADVERTISEMENTS);
    assertThat(route(plan, "core", Cidr.parse("198.51.100.11/32")).localPref())
        .isEqualTo(OptionalLong.of(250));
  }

  // ------------------------------------------------------------------ shared addresses

  @Test
  void servicesSharingAnAddressUniteTheirCommunitiesAndAgreeingLocalPrefs() {
    var cfg = config(List.of(IBGP), ad("host").addCommunities(AD_COMMUNITY).build());
    var a = sharing("a", COMMUNITIES, "65000:1", LOCAL_PREF, "200");
    var b = sharing("b", COMMUNITIES, "65000:2,large:1:2:3", LOCAL_PREF, "200");
    var c = sharing("c"); // no LOCAL_PREF of its own and none from the advertisement: agrees

    var plan = plan(cfg, c, b, a);

    assertThat(plan.routesFor("core"))
        .containsExactly(
            new BgpRoute(
                HOST,
                communities("64500:7", "65000:1", "65000:2", "large:1:2:3"),
                OptionalLong.of(200)));
    for (ServiceState s : List.of(a, b, c)) {
      assertThat(advertised(plan, s).peers()).containsExactly("core");
    }
  }

  @Test
  void servicesSharingAnAddressWithDifferentLocalPrefsAdvertiseTheFirstByNameAndRejectTheOther() {
    var cfg = config(List.of(IBGP), ad("host").localPref(100).build());
    var a = sharing("a", COMMUNITIES, "65000:1", LOCAL_PREF, "200");
    var b = sharing("b", COMMUNITIES, "65000:2", LOCAL_PREF, "300");
    var c = sharing("c"); // the advertisement's 100: disagrees with a too

    // the order the services come in does not matter
    for (var services : List.of(List.of(a, b, c), List.of(c, b, a))) {
      var plan = BgpPlanner.plan(node("n1"), cfg, services, false);

      assertThat(plan.routesFor("core"))
          .containsExactly(new BgpRoute(HOST, communities("65000:1"), OptionalLong.of(200)));
      assertThat(advertised(plan, a).peers()).containsExactly("core");
      assertThat(plan.decisions().get(b.key()))
          .isEqualTo(
              new BgpPlan.NotAdvertised(
                  NotAnnouncedReason.CONFLICTING_ADVERTISEMENTS,
                  "prefix 198.51.100.10/32 to peer \"core\": service \"default/a\" (annotation"
                      + " ferrolb.io/bgp-local-pref) sends LOCAL_PREF 200, service \"default/b\""
                      + " (annotation ferrolb.io/bgp-local-pref) asks 300 (expected: one value for"
                      + " the Services of one prefix, as when they share an address or an"
                      + " aggregated prefix; the first in namespace/name order is advertised)"));
      assertThat(((BgpPlan.NotAdvertised) plan.decisions().get(c.key())).detail())
          .contains("service \"default/a\" (annotation ferrolb.io/bgp-local-pref)")
          .contains("service \"default/c\" (BGPAdvertisement \"host\") asks 100");
    }
  }

  @Test
  void servicesAggregatedIntoOnePrefixCombineTheirAnnotationsAsIfTheySharedAnAddress() {
    var cfg = config(List.of(IBGP), ad("agg").aggregationLength(24).build());
    var a = annotated("a", COMMUNITIES, "65000:1", LOCAL_PREF, "200");
    var b = annotatedOn("b", "198.51.100.11", COMMUNITIES, "65000:2");
    var c = annotatedOn("c", "198.51.100.12", COMMUNITIES, "65000:3", LOCAL_PREF, "300");

    var plan = plan(cfg, a, b, c);

    Cidr agg = Cidr.parse("198.51.100.0/24");
    assertThat(plan.routesFor("core"))
        .containsExactly(
            new BgpRoute(agg, communities("65000:1", "65000:2"), OptionalLong.of(200)));
    assertThat(advertised(plan, b).peers()).containsExactly("core");
    assertThat(((BgpPlan.NotAdvertised) plan.decisions().get(c.key())).detail())
        .startsWith("prefix 198.51.100.0/24 to peer \"core\": service \"default/a\"")
        .contains("service \"default/c\" (annotation ferrolb.io/bgp-local-pref) asks 300");
  }

  @Test
  void differentLocalPrefsOfServicesSharingAnAddressDoNotConflictTowardsEbgpPeers() {
    var cfg = config(List.of(FRR), ad("host").build());
    var a = sharing("a", LOCAL_PREF, "200");
    var b = sharing("b", LOCAL_PREF, "300");

    var plan = plan(cfg, a, b);

    assertThat(plan.routesFor("frr"))
        .containsExactly(new BgpRoute(HOST, Set.of(), OptionalLong.empty()));
    assertThat(advertised(plan, b).peers()).containsExactly("frr");
  }

  // ------------------------------------------------------------------ bad values

  @ParameterizedTest(name = "{0}: \"{1}\" -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ferrolb.io/bgp-communities|65000:100,bogus|item 2 \"bogus\": unknown community alias"
            + " (expected: A:B, large:A:B:C, or an alias defined by a Community: blackhole)",
        "ferrolb.io/bgp-communities|65000:70000|item 1 \"65000:70000\": invalid community part"
            + " 70000 (expected: 0..65535)",
        "ferrolb.io/bgp-communities|65000:x|item 1 \"65000:x\": invalid community part \"x\"",
        "ferrolb.io/bgp-communities|65000:1:2|item 1 \"65000:1:2\": invalid community: not A:B",
        "ferrolb.io/bgp-communities|large:1:2|item 1 \"large:1:2\": invalid large community: 2"
            + " parts",
        "ferrolb.io/bgp-communities|large:1:2:4294967296|invalid large community part 4294967296",
        "ferrolb.io/bgp-communities|65000:1,,65000:2|item 2 is empty",
        "ferrolb.io/bgp-communities|65000:1,|item 2 is empty",
        "ferrolb.io/bgp-communities|''|empty (expected: a comma-separated list",
        "ferrolb.io/bgp-local-pref|abc|not a number (expected: an integer 0..4294967295)",
        "ferrolb.io/bgp-local-pref|-1|not a number",
        "ferrolb.io/bgp-local-pref|+5|not a number",
        "ferrolb.io/bgp-local-pref|0x10|not a number",
        "ferrolb.io/bgp-local-pref|1e3|not a number",
        "ferrolb.io/bgp-local-pref|''|not a number",
        "ferrolb.io/bgp-local-pref|4294967296|out of range (expected: an integer 0..4294967295)",
        "ferrolb.io/bgp-local-pref|99999999999999999999|out of range"
      })
  void aBadValueIsIgnoredReportedAndBreaksNoOtherService(
      String annotation, String value, String message) {
    var cfg =
        ImmutableConfig.builder()
            .from(
                config(
                    List.of(FRR, IBGP),
                    ad("host").addCommunities(AD_COMMUNITY).localPref(100).build()))
            .putCommunities("blackhole", "65535:666")
            .build();
    var bad = annotated("bad", annotation, value);
    var good = annotatedOn("good", "198.51.100.11", COMMUNITIES, "65000:9", LOCAL_PREF, "300");

    var plan = plan(cfg, bad, good);

    // announced with the advertisement's attributes only
    assertThat(route(plan, "core", HOST))
        .isEqualTo(new BgpRoute(HOST, Set.of(AD_COMMUNITY), OptionalLong.of(100)));
    assertThat(route(plan, "frr", HOST))
        .isEqualTo(new BgpRoute(HOST, Set.of(AD_COMMUNITY), OptionalLong.empty()));
    assertThat(advertised(plan, bad).warnings())
        .singleElement()
        .asString()
        .startsWith(
            "Service \"default/bad\": metadata.annotations[\""
                + annotation
                + "\"] \""
                + value
                + "\": ")
        .contains(message);
    // the other service is untouched
    var other = Cidr.parse("198.51.100.11/32");
    assertThat(route(plan, "core", other))
        .isEqualTo(new BgpRoute(other, communities("64500:7", "65000:9"), OptionalLong.of(300)));
    assertThat(advertised(plan, good).warnings()).isEmpty();
  }

  @Test
  void eachBadItemIsReportedAndNoItemOfABadListIsSentWhileAGoodLocalPrefStillApplies() {
    var cfg = config(List.of(IBGP), ad("host").build());
    var s = annotated("a", COMMUNITIES, "65000:1,nope,65000:99999", LOCAL_PREF, "250");

    var plan = plan(cfg, s);

    assertThat(plan.routesFor("core"))
        .containsExactly(new BgpRoute(HOST, Set.of(), OptionalLong.of(250)));
    assertThat(advertised(plan, s).warnings())
        .hasSize(2)
        .allSatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "Service \"default/a\": metadata.annotations[\"ferrolb.io/bgp-communities\"]"
                            + " \"65000:1,nope,65000:99999\": item ")
                    .endsWith(
                        "; none of the annotation's communities is sent, only the"
                            + " BGPAdvertisements'"));
    assertThat(advertised(plan, s).warnings().get(0)).contains("item 2 \"nope\"");
    assertThat(advertised(plan, s).warnings().get(1)).contains("item 3 \"65000:99999\"");
  }

  @Test
  void aBadLocalPrefSaysTheAdvertisementsValueIsSentInstead() {
    var cfg = config(List.of(IBGP), ad("host").localPref(100).build());
    var s = annotated("a", LOCAL_PREF, "high");

    assertThat(advertised(plan(cfg, s), s).warnings())
        .containsExactly(
            "Service \"default/a\": metadata.annotations[\"ferrolb.io/bgp-local-pref\"] \"high\":"
                + " not a number (expected: an integer 0..4294967295); the BGPAdvertisements'"
                + " LOCAL_PREF is sent instead");
  }
}
