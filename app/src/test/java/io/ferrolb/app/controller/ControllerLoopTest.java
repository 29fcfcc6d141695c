package io.ferrolb.app.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferrolb.domain.allocation.Protocol;
import io.ferrolb.domain.allocation.ServiceRequest;
import io.ferrolb.domain.config.RawObject;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.ports.out.FakeClusterView;
import io.ferrolb.ports.out.FakeLeadership;
import io.ferrolb.ports.out.InMemoryConfigStatusWriter;
import io.ferrolb.ports.out.InMemoryServiceStatusWriter;
import io.ferrolb.ports.out.RecordingClusterEvents;
import io.ferrolb.ports.out.ServiceSnapshot;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loop against in-memory fakes of every port: no API server, no sleeps. */
class ControllerLoopTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final FakeClusterView cluster = new FakeClusterView("ferrolb-system");
  private final InMemoryServiceStatusWriter status = new InMemoryServiceStatusWriter();
  private final RecordingClusterEvents events = new RecordingClusterEvents();
  private final InMemoryConfigStatusWriter configStatus = new InMemoryConfigStatusWriter();
  private final InMemoryControllerComponent graph =
      DaggerInMemoryControllerComponent.factory()
          .create(cluster, cluster, status, events, configStatus, new PrometheusRegistry(), "");
  private final ControllerMetrics metrics = graph.metrics();
  private final FakeLeadership leadership = new FakeLeadership("me");
  private final ControllerLoop loop = graph.loop();

  private void startAsLeader() {
    loop.start();
    cluster.start(loop);
    leadership.start(loop);
    leadership.win();
    await().atMost(WAIT).until(loop::rebuilt);
  }

  @AfterEach
  void stop() {
    loop.stop();
  }

  static RawObject pool(String name, String... addresses) {
    return new RawObject(
        "metallb.io/v1beta1",
        "IPAddressPool",
        "ferrolb-system",
        name,
        Map.of(),
        Map.of("addresses", List.of(addresses)),
        "IPAddressPool ferrolb-system/" + name);
  }

  static ServiceSnapshot lb(String name, int n, List<IpAddress> ingress) {
    ServiceRequest request =
        ServiceRequest.builder("default", name)
            .selector("app", name)
            .port(Protocol.TCP, 80)
            .ipFamilies(IpFamily.IPV4)
            .clusterIps(IpAddress.parse("10.96.0." + n))
            .currentIngress(ingress)
            .build();
    return new ServiceSnapshot(request, "uid-" + name, !ingress.isEmpty(), "");
  }

  @Test
  void aServiceGetsTheFirstAddressAndAnIpAllocatedEvent() {
    cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));
    startAsLeader();
    cluster.put(lb("web", 1, List.of()));
    await().atMost(WAIT).until(() -> status.ingress("default/web"), i -> !i.isEmpty());
    assertThat(status.ingress("default/web")).containsExactly(IpAddress.parse("198.51.100.0"));
    assertThat(status.pool("default/web")).contains("blue");
    assertThat(events.reasonsFor("web")).contains("IPAllocated");
  }

  @Test
  void aHolderKeepsItsAddressAfterARebuildEvenWhenAPendingServiceSortsFirst() {
    cluster.setConfig(List.of(pool("one", "198.51.100.9/32")));
    cluster.put(lb("a-pending", 1, List.of()));
    cluster.put(lb("z-holder", 2, List.of(IpAddress.parse("198.51.100.9"))));
    startAsLeader();
    await()
        .atMost(WAIT)
        .until(() -> events.reasonsFor("a-pending"), r -> r.contains("AllocationFailed"));
    assertThat(status.ingress("default/a-pending")).isEmpty();
    assertThat(status.writes()).isEqualTo(1); // only the holder's pool annotation
    assertThat(status.pool("default/z-holder")).contains("one");
  }

  @Test
  void anInvalidConfigKeepsTheLastGoodOneAndIsReported() {
    cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));
    startAsLeader();
    cluster.put(lb("web", 1, List.of()));
    await().atMost(WAIT).until(() -> status.ingress("default/web"), i -> !i.isEmpty());

    cluster.setConfig(List.of(pool("blue", "not-an-address")));
    await().atMost(WAIT).until(loop::configStale);
    assertThat(configStatus.state("controller")).get().extracting(s -> s.valid()).isEqualTo(false);
    assertThat(configStatus.state("controller").get().errorSummary())
        .contains("IPAddressPool ferrolb-system/blue")
        .contains("not-an-address");
    assertThat(events.reasonsFor("blue")).contains("InvalidConfiguration");
    assertThat(metrics.staleValue()).isEqualTo(1.0);
    assertThat(status.ingress("default/web")).containsExactly(IpAddress.parse("198.51.100.0"));

    cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));
    await().atMost(WAIT).until(() -> !loop.configStale());
    assertThat(configStatus.state("controller").get().valid()).isTrue();
    assertThat(metrics.staleValue()).isEqualTo(0.0);
  }

  @Test
  void aBrokenBgpPeerLeavesTheControllerValidAndAssigning() {
    RawObject peer =
        new RawObject(
            "metallb.io/v1beta2",
            "BGPPeer",
            "ferrolb-system",
            "tor",
            Map.of(),
            Map.of("myASN", 64512, "peerASN", 64513, "peerAddress", "198.51.100.400"),
            "BGPPeer ferrolb-system/tor");
    cluster.setConfig(List.of(pool("blue", "198.51.100.0/30"), peer));
    startAsLeader();
    cluster.put(lb("web", 1, List.of()));
    // as in MetalLB: the speakers judge peers; the controller only what it assigns from
    await().atMost(WAIT).until(() -> status.ingress("default/web"), i -> !i.isEmpty());
    assertThat(configStatus.state("controller").get().valid()).isTrue();
    assertThat(loop.configStale()).isFalse();

    cluster.setConfig(List.of(pool("blue", "198.51.100.0/33"), peer));
    await().atMost(WAIT).until(loop::configStale);
    assertThat(configStatus.state("controller").get().errorSummary())
        .contains("198.51.100.0/33")
        .doesNotContain("198.51.100.400");
  }

  @Test
  void aStandbyWritesNothing() {
    cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));
    loop.start();
    cluster.start(loop);
    leadership.start(loop);
    loop.newLeader("other");
    cluster.put(lb("web", 1, List.of()));
    await().atMost(WAIT).until(loop::ready);
    assertThat(loop.isLeader()).isFalse();
    assertThat(status.writes()).isZero();
    assertThat(events.emitted()).isEmpty();
  }

  @Test
  void aFailedWriteIsRetried() {
    cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));
    status.failWith("HTTP 500");
    startAsLeader();
    cluster.put(lb("web", 1, List.of()));
    await().atMost(WAIT).until(() -> events.reasonsFor("web"), r -> r.contains("IPAllocated"));
    assertThat(status.ingress("default/web")).isEmpty();
    status.failWith(null);
    await().atMost(WAIT).until(() -> status.ingress("default/web"), i -> !i.isEmpty());
  }

  @Test
  void aResumedTermServesWhatChangedWhileItWasNotLeading() {
    cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));
    cluster.put(lb("web", 1, List.of()));
    startAsLeader();
    await().atMost(WAIT).until(() -> status.ingress("default/web"), i -> !i.isEmpty());
    List<IpAddress> web = status.ingress("default/web");

    leadership.lose("nobody");
    cluster.put(lb("api", 2, List.of())); // not served: no leader
    assertThat(status.ingress("default/api")).isEmpty();
    leadership.resume();

    await().atMost(WAIT).until(() -> status.ingress("default/api"), i -> !i.isEmpty());
    assertThat(loop.rebuilt()).isTrue();
    assertThat(status.ingress("default/web")).isEqualTo(web);
    assertThat(status.ingress("default/api")).doesNotContainAnyElementsOf(web);
  }
}
