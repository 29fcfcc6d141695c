package io.ferrolb.it.controller;

import static io.ferrolb.it.controller.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.controller.Controller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller against fabric8's mock API server in CRUD mode, over real HTTP and watches. */
@EnableKubernetesMockClient(crud = true)
class ControllerIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration LONG_WAIT = Duration.ofSeconds(60);
  private static final Duration SLOW_POLL = Duration.ofMillis(500);

  KubernetesClient client;
  KubernetesMockServer server;
  private final List<Controller> running = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @BeforeEach
  void namespaceAndCrds() throws IOException {
    Fixtures.installCrds(client);
    client
        .namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .endMetadata()
                .build())
        .create();
  }

  @AfterEach
  void stopAll() {
    for (Controller c : running) {
      c.close();
    }
    for (KubernetesClient c : clients) {
      c.close();
    }
  }

  private Controller controller(String identity) {
    return controller(identity, "");
  }

  private Controller controller(String identity, String lbClass) {
    KubernetesClient own = server.createClient();
    clients.add(own);
    Controller c =
        Controller.start(
            own,
            new Controller.Options(
                NS, lbClass, identity, LeaseLeadership.Timing.FAST, true, Optional.empty()),
            new PrometheusRegistry());
    running.add(c);
    return c;
  }

  private void create(Service s) {
    client.resource(s).create();
  }

  @Test
  void serviceGetsTheFirstAddressAnAnnotationAndAnEvent() {
    Fixtures.applyPool(client, "blue", "198.51.100.0/30");
    controller("a");
    create(Fixtures.lb("default", "web", 1));

    await()
        .atMost(WAIT)
        .until(
            () -> Fixtures.ingress(client, "default", "web"),
            i -> i.equals(List.of("198.51.100.0")));
    Service web = client.services().inNamespace("default").withName("web").get();
    assertThat(web.getMetadata().getAnnotations())
        .containsEntry("metallb.io/ip-allocated-from-pool", "blue");
    await()
        .atMost(WAIT)
        .until(
            () -> Fixtures.eventReasons(client, "default", "web"), r -> r.contains("IPAllocated"));
  }

  @Test
  void deletingAServiceFreesItsAddressForAPendingOne() {
    Fixtures.applyPool(client, "tiny", "198.51.100.7/32");
    controller("a");
    create(Fixtures.lb("default", "first", 1));
    await()
        .atMost(WAIT)
        .until(() -> Fixtures.ingress(client, "default", "first"), i -> !i.isEmpty());
    create(Fixtures.lb("default", "second", 2));
    await()
        .atMost(WAIT)
        .until(
            () -> Fixtures.eventReasons(client, "default", "second"),
            r -> r.contains("AllocationFailed"));
    assertThat(Fixtures.ingress(client, "default", "second")).isEmpty();

    client.services().inNamespace("default").withName("first").delete();

    await()
        .atMost(WAIT)
        .until(
            () -> Fixtures.ingress(client, "default", "second"),
            i -> i.equals(List.of("198.51.100.7")));
  }

  @Test
  void theStandbyTakesOverWithinThreeSecondsWithoutMovingAnAddress() {
    Fixtures.applyPool(client, "blue", "198.51.100.0/24");
    Controller a = controller("a");
    await().atMost(WAIT).until(() -> a.loop().isLeader());
    Controller b = controller("b");
    await().atMost(WAIT).until(() -> b.loop().leaderIdentity().equals("a"));
    assertThat(b.loop().isLeader()).isFalse();
    for (int i = 0; i < 50; i++) {
      create(Fixtures.lb("default", "svc-" + i, i));
    }
    await()
        .atMost(LONG_WAIT)
        .pollInterval(SLOW_POLL)
        .until(() -> Fixtures.allIngress(client).values().stream().allMatch(l -> l.size() == 1));
    Map<String, List<String>> before = Fixtures.allIngress(client);

    // the leader dies: its client goes away without releasing the Lease
    clients.get(0).close();
    a.close();
    running.remove(a);
    long died = System.nanoTime();
    await().atMost(Duration.ofSeconds(3)).until(() -> b.loop().isLeader() && b.loop().rebuilt());
    long tookMs = (System.nanoTime() - died) / 1_000_000;
    assertThat(tookMs).isLessThan(3000);

    create(Fixtures.lb("default", "late", 60));
    await()
        .atMost(WAIT)
        .until(() -> Fixtures.ingress(client, "default", "late"), i -> i.size() == 1);
    Map<String, List<String>> after = Fixtures.allIngress(client);
    for (var e : before.entrySet()) {
      assertThat(after.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void anInvalidConfigChangesNothingAndIsReportedUntilFixed() {
    Fixtures.applyPool(client, "blue", "198.51.100.0/28");
    Controller c = controller("a");
    create(Fixtures.lb("default", "web", 1));
    await()
        .atMost(WAIT)
        .until(() -> Fixtures.ingress(client, "default", "web"), i -> i.size() == 1);
    List<String> before = Fixtures.ingress(client, "default", "web");

    Fixtures.applyPool(client, "blue", "198.51.100.0/33");

    await().atMost(WAIT).until(() -> c.loop().configStale());
    await()
        .atMost(WAIT)
        .until(() -> state(), s -> s != null && "Invalid".equals(status(s).get("result")));
    assertThat(String.valueOf(status(state()).get("errorSummary")))
        .contains("IPAddressPool ferrolb-system/blue")
        .contains("198.51.100.0/33");
    await()
        .atMost(WAIT)
        .until(
            () -> Fixtures.eventReasons(client, NS, "blue"),
            r -> r.contains("InvalidConfiguration"));
    assertThat(c.metrics().staleValue()).isEqualTo(1.0);
    assertThat(Fixtures.ingress(client, "default", "web")).isEqualTo(before);

    Fixtures.applyPool(client, "blue", "198.51.100.0/28");

    await().atMost(WAIT).until(() -> !c.loop().configStale());
    await().atMost(WAIT).until(() -> state(), s -> "Valid".equals(status(s).get("result")));
    assertThat(status(state()).get("errorSummary")).isEqualTo("");
    assertThat(c.metrics().staleValue()).isEqualTo(0.0);
    assertThat(Fixtures.ingress(client, "default", "web")).isEqualTo(before);
  }

  @Test
  void withoutAnyConfigServicesStayPendingWithAnEventSayingSo() {
    Controller c = controller("a");
    create(Fixtures.lb("default", "web", 1));
    await().atMost(WAIT).until(() -> c.loop().ready());
    await()
        .atMost(WAIT)
        .until(
            () -> Fixtures.eventMessages(client, "default", "web"),
            m -> m.stream().anyMatch(s -> s.contains("no IPAddressPool is configured")));
    assertThat(Fixtures.ingress(client, "default", "web")).isEmpty();
    assertThat(c.loop().configLoaded()).isFalse();

    Fixtures.applyPool(client, "blue", "198.51.100.0/28");
    await()
        .atMost(WAIT)
        .until(() -> Fixtures.ingress(client, "default", "web"), i -> i.size() == 1);
  }

  @Test
  void theLegacyConfigMapIsAConfigSource() {
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("config")
                .withNamespace(NS)
                .endMetadata()
                .withData(
                    Map.of(
                        "config",
                        "address-pools:\n- name: legacy\n  protocol: layer2\n  addresses:\n"
                            + "  - 203.0.113.10-203.0.113.20\n"))
                .build())
        .create();
    controller("a");
    create(Fixtures.lb("default", "web", 1));
    await()
        .atMost(WAIT)
        .until(
            () -> Fixtures.ingress(client, "default", "web"),
            i -> i.equals(List.of("203.0.113.10")));
  }

  @Test
  void servicesOfAnotherLoadBalancerClassAreLeftAlone() {
    Fixtures.applyPool(client, "blue", "198.51.100.0/28");
    controller("a", "ferrolb");
    Service other = Fixtures.lb("default", "other", 1);
    other.getSpec().setLoadBalancerClass("someone-else");
    create(other);
    Service none = Fixtures.lb("default", "none", 2);
    create(none);
    Service ours = Fixtures.lb("default", "ours", 3);
    ours.getSpec().setLoadBalancerClass("ferrolb");
    create(ours);
    await()
        .atMost(WAIT)
        .until(() -> Fixtures.ingress(client, "default", "ours"), i -> i.size() == 1);
    assertThat(Fixtures.ingress(client, "default", "other")).isEmpty();
    assertThat(Fixtures.ingress(client, "default", "none")).isEmpty();
    assertThat(Fixtures.eventReasons(client, "default", "other")).isEmpty();
  }

  @Test
  void poolStatusCountsAssignedAndAvailableAddresses() {
    Fixtures.applyPool(client, "blue", "198.51.100.0/29", "2001:db8::/64");
    controller("a");
    create(Fixtures.lb("default", "web", 1));
    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                    .genericKubernetesResources(Fixtures.POOLS)
                    .inNamespace(NS)
                    .withName("blue")
                    .get(),
            p -> {
              Map<String, Object> s = status(p);
              return s != null
                  && num(s.get("assignedIPv4")) == 1
                  && num(s.get("availableIPv4")) == 7
                  && num(s.get("availableIPv6")) == Long.MAX_VALUE;
            });
  }

  @Test
  void theMemberlistSecretIsCreatedOnceAndAUserMadeOneIsKept() {
    controller("a");
    await()
        .atMost(WAIT)
        .until(() -> client.secrets().inNamespace(NS).withName("memberlist").get() != null);
    Secret made = client.secrets().inNamespace(NS).withName("memberlist").get();
    byte[] text = Base64.getDecoder().decode(made.getData().get("secretkey"));
    assertThat(Base64.getDecoder().decode(text)).hasSize(128);

    client.secrets().inNamespace(NS).withName("memberlist").delete();
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("memberlist")
                .withNamespace(NS)
                .endMetadata()
                .withData(Map.of("secretkey", "dXNlcg=="))
                .build())
        .create();
    controller("b");
    await().atMost(WAIT).until(() -> running.get(1).loop().leaderIdentity().equals("a"));
    assertThat(client.secrets().inNamespace(NS).withName("memberlist").get().getData())
        .containsEntry("secretkey", "dXNlcg==");
  }

  private GenericKubernetesResource state() {
    return client
        .genericKubernetesResources(Fixtures.STATES)
        .inNamespace(NS)
        .withName("controller")
        .get();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource r) {
    if (r == null) {
      return null;
    }
    Object s = r.getAdditionalProperties().get("status");
    return s instanceof Map<?, ?> ? (Map<String, Object>) s : null;
  }

  private static long num(Object o) {
    return o instanceof Number n ? n.longValue() : -1;
  }
}
