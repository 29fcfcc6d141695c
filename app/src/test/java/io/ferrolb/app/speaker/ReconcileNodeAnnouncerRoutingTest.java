package io.ferrolb.app.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.app.speaker.ReconcileNodeTest.FakeView;
import io.ferrolb.app.speaker.ReconcileNodeTest.RecordingStatus;
import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.announce.Endpoint;
import io.ferrolb.domain.announce.ServiceState;
import io.ferrolb.domain.config.RawObject;
import io.ferrolb.domain.ownership.SplitBrainPolicy;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.DesiredAnnouncements;
import io.ferrolb.ports.out.FakeAnnouncer;
import io.ferrolb.ports.out.InMemoryConfigStatusWriter;
import io.ferrolb.ports.out.RecordingClusterEvents;
import io.ferrolb.ports.spi.SettingsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The loop hands each Layer 2 announcer only the claims of the advertisements that name it. */
class ReconcileNodeAnnouncerRoutingTest {
  static final ServiceKey WEB = ReconcileNodeTest.WEB;
  static final IpAddress VIP = IpAddress.parse(ReconcileNodeTest.VIP);

  final FakeView view = new FakeView();
  final FakeAnnouncer layer2 = new FakeAnnouncer();
  final Map<String, FakeAnnouncer> plugins = new HashMap<>();
  final List<String> created = new ArrayList<>();
  final RecordingClusterEvents events = new RecordingClusterEvents();
  final RecordingStatus status = new RecordingStatus();

  /** Knows "webhook" and "log"; "broken" fails like a plugin with a bad setting. */
  final L2Announcers announcers =
      new L2Announcers(
          "layer2",
          layer2,
          name -> {
            created.add(name);
            if (name.equals("broken")) {
              throw new SettingsException("webhook.url: missing (expected: an http(s) URI)");
            }
            if (!name.equals("webhook") && !name.equals("log")) {
              throw new IllegalArgumentException(
                  "no provider named \""
                      + name
                      + "\" is on the classpath (available: layer2, log,"
                      + " webhook)");
            }
            return plugins.computeIfAbsent(name, k -> new FakeAnnouncer());
          });

  ReconcileNode loop() {
    return new ReconcileNode(
        new SpeakerSettings(
            "n1",
            "ferrolb-system",
            false,
            SplitBrainPolicy.Mode.QUORUM,
            Duration.ofSeconds(1),
            Duration.ofMinutes(1)),
        view,
        SpeakerMembership.off("n1"),
        new NodeAddress("n1", Optional.empty()),
        announcers,
        Optional.empty(),
        status,
        events,
        new InMemoryConfigStatusWriter(),
        metrics);
  }

  /** Keeps the last count of unannounced services. */
  final long[] unannounced = {-1};

  final SpeakerMetrics metrics =
      new SpeakerMetrics() {
        @Override
        public void config(boolean loaded, boolean stale) {}

        @Override
        public void announced(String protocol, String node, Set<Announced> announced) {}

        @Override
        public void unannouncedServices(long count) {
          unannounced[0] = count;
        }

        @Override
        public void sessions(Map<String, Boolean> up) {}
      };

  static RawObject l2ad(String name, Optional<String> announcer) {
    return new RawObject(
        "metallb.io/v1beta1",
        "L2Advertisement",
        "ferrolb-system",
        name,
        announcer.map(a -> Map.of("ferrolb.io/announcer", a)).orElse(Map.of()),
        Map.of(),
        "L2Advertisement ferrolb-system/" + name);
  }

  void config(RawObject... ads) {
    view.config.clear();
    view.config.add(ReconcileNodeTest.pool("203.0.113.200-203.0.113.210"));
    view.config.addAll(List.of(ads));
  }

  void web() {
    view.services.add(
        new ServiceState(
            WEB,
            List.of(VIP),
            Map.of(),
            Map.of(),
            TrafficPolicy.CLUSTER,
            List.of(Endpoint.readyOn("n1"))));
  }

  static Set<IpAddress> addresses(FakeAnnouncer a) {
    return a.current().orElseThrow().entries().stream()
        .map(DesiredAnnouncements.Entry::address)
        .collect(java.util.stream.Collectors.toSet());
  }

  List<String> warnings() {
    return events.emitted().stream()
        .filter(e -> e.reason().equals("announceFailed"))
        .map(RecordingClusterEvents.Emitted::message)
        .toList();
  }

  @Test
  void anAdvertisementNamingAPluginHandsItTheServiceAndLayer2GetsNothing() {
    config(l2ad("edge", Optional.of("webhook")));
    web();

    assertThat(loop().reconcile()).isTrue();

    assertThat(addresses(plugins.get("webhook"))).containsExactly(VIP);
    assertThat(addresses(layer2)).isEmpty();
    assertThat(status.layer2).containsExactly(Map.of(WEB, Set.of()));
    assertThat(unannounced[0]).isZero();
    assertThat(events.reasonsFor("web")).containsExactly("nodeAssigned");
  }

  @Test
  void anAdvertisementWithoutTheLabelStaysWithTheDefaultAndNoPluginIsCreated() {
    config(l2ad("l2", Optional.empty()));
    web();

    loop().reconcile();

    assertThat(addresses(layer2)).containsExactly(VIP);
    assertThat(created).isEmpty();
  }

  @Test
  void removingTheLabelMovesTheServiceBackAndThePluginWithdraws() {
    config(l2ad("edge", Optional.of("webhook")));
    web();
    ReconcileNode loop = loop();
    loop.reconcile();

    config(l2ad("edge", Optional.empty()));
    loop.reconcile();

    assertThat(addresses(plugins.get("webhook"))).isEmpty();
    assertThat(addresses(layer2)).containsExactly(VIP);
    assertThat(created).containsExactly("webhook");
  }

  @Test
  void twoAdvertisementsNamingTwoPluginsHandTheServiceToBoth() {
    config(l2ad("a", Optional.of("webhook")), l2ad("b", Optional.of("log")));
    web();

    loop().reconcile();

    assertThat(addresses(plugins.get("webhook"))).containsExactly(VIP);
    assertThat(addresses(plugins.get("log"))).containsExactly(VIP);
    assertThat(addresses(layer2)).isEmpty();
  }

  @Test
  void anUnknownAnnouncerIsReportedOnceAndNobodyAnnouncesTheService() {
    config(l2ad("edge", Optional.of("nosuch")));
    web();
    ReconcileNode loop = loop();

    assertThat(loop.reconcile()).isTrue(); // retrying cannot help: the class path is fixed
    assertThat(loop.reconcile()).isTrue();

    assertThat(addresses(layer2)).isEmpty();
    assertThat(created).containsExactly("nosuch");
    // the first pass writes the node's (empty) set, removing what an earlier pod left
    assertThat(status.layer2).containsExactly(Map.of());
    assertThat(unannounced[0]).isEqualTo(1);
    assertThat(events.reasonsFor("web")).containsExactly("announceFailed");
    assertThat(warnings())
        .singleElement()
        .asString()
        .contains(
            "announcer \"nosuch\" named by L2Advertisement \"edge\" cannot run on this node",
            "nobody announces",
            "available: layer2, log, webhook");
  }

  @Test
  void aPluginThatRefusesItsSettingsIsReportedAndTheSpeakerKeepsRunning() {
    config(l2ad("edge", Optional.of("broken")), l2ad("ok", Optional.empty()));
    web();
    ReconcileNode loop = loop();

    assertThat(loop.reconcile()).isTrue();

    // "ok" (no label) still selects the owner, so layer2 carries it; "broken" is reported
    assertThat(addresses(layer2)).containsExactly(VIP);
    assertThat(warnings()).singleElement().asString().contains("webhook.url: missing");
    assertThat(status.layer2).containsExactly(Map.of(WEB, Set.of()));
  }

  @Test
  void aPluginsFailedApplyIsReportedAndRetriedWithoutTouchingLayer2() {
    config(l2ad("edge", Optional.of("webhook")), l2ad("l2", Optional.empty()));
    web();
    ReconcileNode loop = loop();
    loop.reconcile();
    plugins.get("webhook").failWith("HTTP 500 from http://203.0.113.9/claims");

    assertThat(loop.reconcile()).isFalse();
    assertThat(loop.reconcile()).isFalse();

    assertThat(warnings())
        .containsExactly(
            "node \"n1\" cannot announce: HTTP 500 from" + " http://203.0.113.9/claims");
    assertThat(addresses(layer2)).containsExactly(VIP);
  }

  @Test
  void closingTheLoopClosesEveryAnnouncerCreated() {
    config(l2ad("edge", Optional.of("webhook")));
    web();
    ReconcileNode loop = loop();
    loop.reconcile();

    loop.close();

    assertThat(plugins.get("webhook").closed()).isTrue();
    assertThat(layer2.closed()).isTrue();
  }
}
