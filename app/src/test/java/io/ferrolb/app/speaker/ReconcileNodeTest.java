package io.ferrolb.app.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.announce.Endpoint;
import io.ferrolb.domain.announce.NodeState;
import io.ferrolb.domain.announce.ServiceState;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.RawObject;
import io.ferrolb.domain.ownership.SplitBrainPolicy;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.AnnouncementStatusWriter;
import io.ferrolb.ports.out.DesiredAnnouncements;
import io.ferrolb.ports.out.FakeAnnouncer;
import io.ferrolb.ports.out.FakeMembership;
import io.ferrolb.ports.out.InMemoryConfigStatusWriter;
import io.ferrolb.ports.out.ObjectRef;
import io.ferrolb.ports.out.RecordingClusterEvents;
import io.ferrolb.ports.out.SpeakerView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The speaker's loop with fakes for every port: one pass at a time, no threads, no sockets. */
class ReconcileNodeTest {
  static final ServiceKey WEB = new ServiceKey("default", "web");
  static final String VIP = "203.0.113.200";

  /** A view whose content the test sets. */
  static class FakeView implements SpeakerView {
    List<RawObject> config = new ArrayList<>();
    List<NodeState> nodes = List.of(new NodeState("n1", Map.of(), false));
    List<ServiceState> services = new ArrayList<>();
    Set<String> expected = Set.of();

    @Override
    public void start(Runnable onChange) {}

    @Override
    public boolean synced() {
      return true;
    }

    @Override
    public Collection<ServiceState> services() {
      return services;
    }

    @Override
    public Optional<ObjectRef> serviceRef(ServiceKey key) {
      return Optional.of(
          new ObjectRef("v1", "Service", key.namespace(), key.name(), "uid-" + key.name()));
    }

    @Override
    public Collection<NodeState> nodes() {
      return nodes;
    }

    @Override
    public Optional<String> nodeAddress(String node) {
      return Optional.of("203.0.113.11");
    }

    @Override
    public Set<String> expectedSpeakers() {
      return expected;
    }

    @Override
    public List<DecodedObject> configObjects() {
      return config.stream().map(DecodedObject::of).toList();
    }

    Map<String, io.ferrolb.domain.config.SecretData> secrets = new java.util.HashMap<>();

    @Override
    public Optional<io.ferrolb.domain.config.SecretData> secret(String name) {
      return Optional.ofNullable(secrets.get(name));
    }

    @Override
    public Optional<byte[]> memberlistKey() {
      return Optional.empty();
    }

    @Override
    public void close() {}
  }

  static final class RecordingStatus implements AnnouncementStatusWriter {
    final List<Map<ServiceKey, Set<String>>> layer2 = new ArrayList<>();

    @Override
    public void layer2(String node, Map<ServiceKey, Set<String>> interfacesByService) {
      layer2.add(interfacesByService);
    }

    final List<Map<ServiceKey, Set<String>>> bgp = new ArrayList<>();

    @Override
    public void bgp(String node, Map<ServiceKey, Set<String>> peersByService) {
      bgp.add(peersByService);
    }
  }

  /** Counts the ConfigurationState writes, keeping them in {@link #configStatus}. */
  final java.util.concurrent.atomic.AtomicInteger configWrites =
      new java.util.concurrent.atomic.AtomicInteger();

  final io.ferrolb.ports.out.ConfigStatusWriter countingConfigStatus =
      new io.ferrolb.ports.out.ConfigStatusWriter() {
        @Override
        public void configurationState(String component, boolean valid, String errorSummary) {
          configWrites.incrementAndGet();
          configStatus.configurationState(component, valid, errorSummary);
        }

        @Override
        public void configurationState(
            String component, boolean valid, String errorSummary, List<String> warnings) {
          configWrites.incrementAndGet();
          configStatus.configurationState(component, valid, errorSummary, warnings);
        }

        @Override
        public void poolUsage(List<io.ferrolb.ports.out.PoolUsage> usage) {
          configStatus.poolUsage(usage);
        }
      };

  final FakeView view = new FakeView();
  final FakeAnnouncer l2 = new FakeAnnouncer();
  final RecordingClusterEvents events = new RecordingClusterEvents();
  final RecordingStatus status = new RecordingStatus();
  final InMemoryConfigStatusWriter configStatus = new InMemoryConfigStatusWriter();

  ReconcileNode loop(Optional<io.ferrolb.ports.out.Membership> membership) {
    return new ReconcileNode(
        new SpeakerSettings(
            "n1",
            "ferrolb-system",
            false,
            SplitBrainPolicy.Mode.QUORUM,
            Duration.ofSeconds(1),
            Duration.ofMinutes(1)),
        view,
        membership
            .map(m -> SpeakerMembership.of(m, 7946))
            .orElseGet(() -> SpeakerMembership.off("n1")),
        new NodeAddress("n1", Optional.empty()),
        L2Announcers.only(ReconcileNode.LAYER2, l2),
        Optional.empty(),
        status,
        events,
        countingConfigStatus,
        SpeakerMetrics.NONE);
  }

  static RawObject pool(String... addresses) {
    return new RawObject(
        "metallb.io/v1beta1",
        "IPAddressPool",
        "ferrolb-system",
        "lan",
        Map.of(),
        Map.of("addresses", List.of((Object[]) addresses)),
        "IPAddressPool ferrolb-system/lan");
  }

  static RawObject l2ad(List<String> interfaces) {
    Map<String, Object> spec =
        interfaces.isEmpty() ? Map.of() : Map.of("interfaces", List.copyOf(interfaces));
    return new RawObject(
        "metallb.io/v1beta1",
        "L2Advertisement",
        "ferrolb-system",
        "l2",
        Map.of(),
        spec,
        "L2Advertisement ferrolb-system/l2");
  }

  void web() {
    view.services.add(
        new ServiceState(
            WEB,
            List.of(IpAddress.parse(VIP)),
            Map.of(),
            Map.of(),
            TrafficPolicy.CLUSTER,
            List.of(Endpoint.readyOn("n1"))));
  }

  @Test
  void theOnlyNodeClaimsTheAddressAndSaysSoOnce() {
    view.config.addAll(List.of(pool("203.0.113.200-203.0.113.210"), l2ad(List.of())));
    web();
    ReconcileNode loop = loop(Optional.empty());

    assertThat(loop.reconcile()).isTrue();
    assertThat(loop.reconcile()).isTrue();

    assertThat(l2.current().orElseThrow().entries())
        .extracting(DesiredAnnouncements.Entry::address)
        .containsExactly(IpAddress.parse(VIP));
    assertThat(events.reasonsFor("web")).containsExactly("nodeAssigned");
    assertThat(status.layer2).containsExactly(Map.of(WEB, Set.of()));
  }

  @Test
  void aResyncWritesTheUnchangedStatusObjectsAgainSoDeletedOnesComeBack() {
    view.config.addAll(List.of(pool("203.0.113.200-203.0.113.210"), l2ad(List.of())));
    web();
    ReconcileNode loop = loop(Optional.empty());
    loop.reconcile();
    loop.reconcile();
    assertThat(status.layer2).hasSize(1);
    assertThat(status.bgp).containsExactly(Map.of()); // the first pass writes even "none"
    assertThat(configWrites).hasValue(1);

    loop.requestStatusResync();
    loop.reconcile();
    loop.reconcile(); // once per resync, not on every pass after it

    assertThat(status.layer2).containsExactly(Map.of(WEB, Set.of()), Map.of(WEB, Set.of()));
    assertThat(status.bgp).containsExactly(Map.of(), Map.of());
    assertThat(configWrites).hasValue(2);
    assertThat(events.reasonsFor("web")).containsExactly("nodeAssigned"); // no second event
  }

  @Test
  void aFailedApplyRaisesAnnounceFailedOncePerDistinctFailure() {
    view.config.addAll(List.of(pool("203.0.113.200-203.0.113.210"), l2ad(List.of("eth9"))));
    web();
    ReconcileNode loop = loop(Optional.empty());
    l2.failWith("announceFailed: no selected interface eth9");

    assertThat(loop.reconcile()).isFalse();
    assertThat(loop.reconcile()).isFalse();

    assertThat(events.reasonsFor("web")).containsOnlyOnce("announceFailed");
  }

  @Test
  void anInvalidConfigurationKeepsTheLastGoodClaimsAndIsReported() {
    view.config.addAll(List.of(pool("203.0.113.200-203.0.113.210"), l2ad(List.of())));
    web();
    ReconcileNode loop = loop(Optional.empty());
    loop.reconcile();

    view.config.set(0, pool("203.0.113.200/33"));
    loop.reconcile();

    assertThat(l2.current().orElseThrow().entries()).hasSize(1);
    assertThat(configStatus.state("speaker-n1").orElseThrow().valid()).isFalse();
    assertThat(configStatus.state("speaker-n1").orElseThrow().errorSummary()).contains("/33");

    view.config.set(0, pool("203.0.113.200-203.0.113.210"));
    loop.reconcile();
    assertThat(configStatus.state("speaker-n1").orElseThrow().valid()).isTrue();
  }

  @Test
  void aSpeakerThatSeesItselfAloneAmongThreeWithdraws() {
    view.config.addAll(List.of(pool("203.0.113.200-203.0.113.210"), l2ad(List.of())));
    web();
    view.nodes =
        List.of(
            new NodeState("n1", Map.of(), false),
            new NodeState("n2", Map.of(), false),
            new NodeState("n3", Map.of(), false));
    FakeMembership membership = new FakeMembership("n1");
    view.expected = Set.of("n1", "n2", "n3");
    ReconcileNode quorum = loop(Optional.of(membership));

    membership.view(); // alone
    quorum.reconcile();
    assertThat(l2.current().orElseThrow().entries()).isEmpty();
    assertThat(membership.seedHistory()).isNotEmpty();

    membership.view("n2", "n3");
    quorum.reconcile();
    String owner =
        io.ferrolb.domain.ownership.NodeElection.elect(
                List.of("n1", "n2", "n3"), IpAddress.parse(VIP))
            .winner()
            .orElseThrow();
    assertThat(l2.current().orElseThrow().entries()).hasSize(owner.equals("n1") ? 1 : 0);
    quorum.close();
  }

  @Test
  void aBgpPeersPasswordSecretIsReadByNameAndTheConfigurationIsValid() {
    RawObject peer =
        new RawObject(
            "metallb.io/v1beta2",
            "BGPPeer",
            "ferrolb-system",
            "tor",
            Map.of(),
            Map.of(
                "myASN",
                64500L,
                "peerASN",
                64496L,
                "peerAddress",
                "203.0.113.1",
                "passwordSecret",
                Map.of("name", "bgp-pw", "namespace", "ferrolb-system")),
            "BGPPeer ferrolb-system/tor");
    view.config.addAll(List.of(pool("203.0.113.200-203.0.113.210"), peer));
    ReconcileNode loop = loop(Optional.empty());

    loop.reconcile();
    assertThat(configStatus.state("speaker-n1").orElseThrow().valid()).isFalse();

    view.secrets.put(
        "bgp-pw",
        new io.ferrolb.domain.config.SecretData(
            "kubernetes.io/basic-auth", Map.of("password", "s3cret")));
    loop.reconcile();
    assertThat(configStatus.state("speaker-n1").orElseThrow().valid()).isTrue();
  }

  static RawObject bgpPeer(long peerAsn) {
    return new RawObject(
        "metallb.io/v1beta2",
        "BGPPeer",
        "ferrolb-system",
        "tor",
        Map.of(),
        Map.of("myASN", 64500L, "peerASN", peerAsn, "peerAddress", "203.0.113.1"),
        "BGPPeer ferrolb-system/tor");
  }

  static RawObject bgpAd() {
    return new RawObject(
        "metallb.io/v1beta1",
        "BGPAdvertisement",
        "ferrolb-system",
        "bgp",
        Map.of(),
        Map.of("communities", List.of("64500:7")),
        "BGPAdvertisement ferrolb-system/bgp");
  }

  void annotatedService(String name, Map<String, String> annotations) {
    view.services.removeIf(s -> s.key().name().equals(name));
    view.services.add(
        new ServiceState(
            new ServiceKey("default", name),
            List.of(IpAddress.parse(VIP)),
            Map.of(),
            annotations,
            TrafficPolicy.CLUSTER,
            List.of(Endpoint.readyOn("n1"))));
  }

  @Test
  void aBadBgpAnnotationRaisesInvalidAnnotationOncePerDistinctValue() {
    view.config.addAll(List.of(pool("203.0.113.200-203.0.113.210"), bgpPeer(64500), bgpAd()));
    annotatedService("web", Map.of("ferrolb.io/bgp-local-pref", "high"));
    ReconcileNode loop = loop(Optional.empty());

    loop.reconcile();
    loop.reconcile();
    assertThat(events.emitted())
        .filteredOn(e -> e.reason().equals("invalidAnnotation"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.type()).isEqualTo(io.ferrolb.ports.out.ClusterEvents.Type.WARNING);
              assertThat(e.message())
                  .isEqualTo(
                      "Service \"default/web\": metadata.annotations[\"ferrolb.io/bgp-local-pref\"]"
                          + " \"high\": not a number (expected: an integer 0..4294967295); the"
                          + " BGPAdvertisements' LOCAL_PREF is sent instead (node \"n1\")");
            });

    annotatedService("web", Map.of("ferrolb.io/bgp-local-pref", "-1"));
    loop.reconcile();
    annotatedService("web", Map.of("ferrolb.io/bgp-local-pref", "200"));
    loop.reconcile();
    loop.reconcile();
    assertThat(events.reasonsFor("web")).containsOnlyOnce("nodeAssigned");
    assertThat(events.reasonsFor("web")).filteredOn("invalidAnnotation"::equals).hasSize(2);
  }

  @Test
  void servicesSharingAnAddressWithDifferentLocalPrefsReportTheConflictOnTheRejectedOne() {
    view.config.addAll(List.of(pool("203.0.113.200-203.0.113.210"), bgpPeer(64500), bgpAd()));
    annotatedService(
        "a", Map.of("metallb.io/allow-shared-ip", "k", "ferrolb.io/bgp-local-pref", "200"));
    annotatedService(
        "b", Map.of("metallb.io/allow-shared-ip", "k", "ferrolb.io/bgp-local-pref", "300"));
    ReconcileNode loop = loop(Optional.empty());

    loop.reconcile();
    loop.reconcile();

    assertThat(events.reasonsFor("a")).containsExactly("nodeAssigned");
    assertThat(events.emitted())
        .filteredOn(e -> e.target().name().equals("b"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo("announceFailed");
              assertThat(e.message())
                  .startsWith("node \"n1\" cannot announce: prefix 203.0.113.200/32 to peer")
                  .contains("service \"default/a\"", "service \"default/b\"", "200", "300");
            });
  }
}
