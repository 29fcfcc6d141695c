package io.ferrolb.it.controller;

import static io.ferrolb.it.controller.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.controller.Controller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's part of the MetalLB compatibility checklist (items 1-30: allocation, sharing,
 * pools, annotations, status, as AllocatorRulesTest tells them at the domain level), end to end:
 * Services and pools go in through the API of the mock server, the controller runs as in
 * production, and the outcome is read back from the Services' status, annotations and Events.
 */
@EnableKubernetesMockClient(crud = true)
class ChecklistIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  KubernetesClient client;
  KubernetesMockServer server;
  private final List<Controller> running = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    Fixtures.installCrds(client);
    namespace(NS, Map.of());
    namespace("default", Map.of());
  }

  @AfterEach
  void tearDown() {
    running.forEach(Controller::close);
    clients.forEach(KubernetesClient::close);
  }

  // ---------------------------------------------------------------- helpers

  private Controller start() {
    return start("");
  }

  private Controller start(String lbClass) {
    KubernetesClient own = server.createClient();
    clients.add(own);
    Controller c =
        Controller.start(
            own,
            new Controller.Options(
                NS,
                lbClass,
                "c" + running.size(),
                LeaseLeadership.Timing.FAST,
                true,
                Optional.empty()),
            new PrometheusRegistry());
    running.add(c);
    await().atMost(WAIT).until(() -> c.loop().rebuilt());
    return c;
  }

  private void namespace(String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .createOr(op -> op.update());
  }

  private void pool(String name, Map<String, Object> spec) {
    GenericKubernetesResource r =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("metallb.io/v1beta1")
            .withKind("IPAddressPool")
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", spec))
            .build();
    client
        .genericKubernetesResources(Fixtures.POOLS)
        .inNamespace(NS)
        .resource(r)
        .createOr(op -> op.update());
  }

  private void pool(String name, String... addresses) {
    pool(name, Map.of("addresses", List.of(addresses)));
  }

  private void deletePool(String name) {
    client.genericKubernetesResources(Fixtures.POOLS).inNamespace(NS).withName(name).delete();
  }

  private int clusterIpIndex = 1;

  /** A LoadBalancer Service in {@code ns} with one IPv4 ClusterIP and TCP/80, then {@code edit}. */
  private Service svc(String ns, String name, Consumer<ServiceBuilder> edit) {
    int i = clusterIpIndex++;
    ServiceBuilder b =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withClusterIPs("10.96.0." + i)
            .withIpFamilies("IPv4")
            .withIpFamilyPolicy("SingleStack")
            .withPorts(new ServicePortBuilder().withProtocol("TCP").withPort(80).build())
            .withSelector(Map.of("app", name))
            .endSpec();
    edit.accept(b);
    Service s = b.build();
    client.resource(s).createOr(op -> op.update());
    return s;
  }

  private Service svc(String name, Consumer<ServiceBuilder> edit) {
    return svc("default", name, edit);
  }

  private Service svc(String name) {
    return svc(name, b -> {});
  }

  private void update(String ns, String name, Consumer<Service> edit) {
    client
        .services()
        .inNamespace(ns)
        .withName(name)
        .edit(
            s -> {
              edit.accept(s);
              return s;
            });
  }

  private static Consumer<ServiceBuilder> annotations(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return b -> b.editMetadata().addToAnnotations(m).endMetadata();
  }

  private static Consumer<ServiceBuilder> ports(String... protoPort) {
    return b -> {
      List<io.fabric8.kubernetes.api.model.ServicePort> ps = new ArrayList<>();
      for (String p : protoPort) {
        String[] parts = p.split("/");
        ps.add(
            new ServicePortBuilder()
                .withProtocol(parts[0])
                .withPort(Integer.parseInt(parts[1]))
                .build());
      }
      b.editSpec().withPorts(ps).endSpec();
    };
  }

  private static Consumer<ServiceBuilder> dualStack(String policy, String... clusterIps) {
    return b -> {
      List<String> fams = new ArrayList<>();
      for (String c : clusterIps) {
        fams.add(c.contains(":") ? "IPv6" : "IPv4");
      }
      b.editSpec()
          .withIpFamilyPolicy(policy)
          .withClusterIPs(clusterIps)
          .withIpFamilies(fams)
          .endSpec();
    };
  }

  private void expectIngress(String name, String... ips) {
    expectIngressIn("default", name, ips);
  }

  private void expectIngressIn(String ns, String name, String... ips) {
    await()
        .atMost(WAIT)
        .until(() -> Fixtures.ingress(client, ns, name), i -> i.equals(List.of(ips)));
  }

  private void expectEvent(String name, String reason) {
    await()
        .atMost(WAIT)
        .until(() -> Fixtures.eventReasons(client, "default", name), r -> r.contains(reason));
  }

  private void expectPendingWith(String name, String reason) {
    expectEvent(name, reason);
    assertThat(Fixtures.ingress(client, "default", name)).isEmpty();
  }

  private String annotation(String name, String key) {
    Service s = client.services().inNamespace("default").withName(name).get();
    Map<String, String> a = s.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  // ---------------------------------------------------------------- the checklist

  @Test
  void item01LowestFreeAddressWithStatusEventAndPoolAnnotation() {
    pool("blue", "198.51.100.10-198.51.100.20");
    start();
    svc("a");
    expectIngress("a", "198.51.100.10");
    svc("b");
    expectIngress("b", "198.51.100.11");
    expectEvent("a", "IPAllocated");
    assertThat(annotation("a", "metallb.io/ip-allocated-from-pool")).isEqualTo("blue");
  }

  @Test
  void item02SwitchingToClusterIpFreesTheAddressForAPendingService() {
    pool("one", "198.51.100.5/32");
    start();
    svc("first");
    expectIngress("first", "198.51.100.5");
    svc("second");
    expectPendingWith("second", "AllocationFailed");
    update("default", "first", s -> s.getSpec().setType("ClusterIP"));
    expectIngress("first");
    expectIngress("second", "198.51.100.5");
  }

  @Test
  void item03DeletingAServiceGivesItsAddressToAPendingOne() {
    pool("one", "198.51.100.5/32");
    start();
    svc("first");
    expectIngress("first", "198.51.100.5");
    svc("second");
    expectPendingWith("second", "AllocationFailed");
    client.services().inNamespace("default").withName("first").delete();
    expectIngress("second", "198.51.100.5");
  }

  @Test
  void item04AutoAssignFalseOnlyOnRequest() {
    pool("manual", Map.of("addresses", List.of("198.51.100.0/30"), "autoAssign", false));
    pool("auto", "203.0.113.0/30");
    start();
    svc("plain");
    expectIngress("plain", "203.0.113.0");
    svc("byPool", annotations("metallb.io/address-pool", "manual"));
    expectIngress("byPool", "198.51.100.0");
    svc("byIp", annotations("metallb.io/loadBalancerIPs", "198.51.100.2"));
    expectIngress("byIp", "198.51.100.2");
  }

  @Test
  void item05UnknownOrFullRequestedPoolLeavesItPending() {
    pool("one", "198.51.100.5/32");
    start();
    svc("unknown", annotations("metallb.io/address-pool", "nope"));
    expectPendingWith("unknown", "AllocationFailed");
    svc("first", annotations("metallb.io/address-pool", "one"));
    expectIngress("first", "198.51.100.5");
    svc("full", annotations("metallb.io/address-pool", "one"));
    expectPendingWith("full", "AllocationFailed");
  }

  @Test
  void item06LoadBalancerIpOutsideEveryPoolIsRefused() {
    pool("blue", "198.51.100.0/30");
    start();
    svc("outside", b -> b.editSpec().withLoadBalancerIP("203.0.113.9").endSpec());
    expectPendingWith("outside", "AllocationFailed");
  }

  @Test
  void item07BothSpecIpAndAnnotationGiveLoadBalancerFailed() {
    pool("blue", "198.51.100.0/30");
    start();
    svc(
        "both",
        b -> {
          b.editSpec().withLoadBalancerIP("198.51.100.1").endSpec();
          annotations("metallb.io/loadBalancerIPs", "198.51.100.1").accept(b);
        });
    expectPendingWith("both", "LoadBalancerFailed");
  }

  @Test
  void item08RequestedIpOutsideTheRequestedPoolFails() {
    pool("blue", "198.51.100.0/30");
    pool("green", "203.0.113.0/30");
    start();
    svc(
        "mismatch",
        annotations(
            "metallb.io/address-pool", "blue", "metallb.io/loadBalancerIPs", "203.0.113.1"));
    expectPendingWith("mismatch", "AllocationFailed");
  }

  @Test
  void item09ChangingTheRequestedIpMovesTheService() {
    pool("blue", "198.51.100.0/29");
    start();
    svc("mover", annotations("metallb.io/loadBalancerIPs", "198.51.100.3"));
    expectIngress("mover", "198.51.100.3");
    update(
        "default",
        "mover",
        s -> s.getMetadata().getAnnotations().put("metallb.io/loadBalancerIPs", "198.51.100.6"));
    expectIngress("mover", "198.51.100.6");
  }

  @Test
  void item10AvoidBuggyIpsSkipsDotZeroAndDot255AndCountsThemOut() {
    pool(
        "buggy",
        Map.of("addresses", List.of("198.51.100.255-198.51.101.1"), "avoidBuggyIPs", true));
    start();
    svc("a");
    expectIngress("a", "198.51.101.1");
    await()
        .atMost(WAIT)
        .until(
            () -> poolStatus("buggy"),
            s -> num(s.get("availableIPv4")) == 0 && num(s.get("assignedIPv4")) == 1);
  }

  @Test
  void item11OverlappingPoolsMakeTheConfigInvalidAndChangeNothing() {
    pool("blue", "198.51.100.0/29");
    Controller c = start();
    svc("a");
    expectIngress("a", "198.51.100.0");
    pool("clash", "198.51.100.4/30");
    await().atMost(WAIT).until(() -> c.loop().configStale());
    assertThat(Fixtures.ingress(client, "default", "a")).containsExactly("198.51.100.0");
  }

  @Test
  void item12RangesAndCidrsInBothFamilies() {
    pool("v4range", "198.51.100.7-198.51.100.9");
    pool("v6cidr", "2001:db8:1::/126");
    start();
    svc("v4");
    expectIngress("v4", "198.51.100.7");
    svc("v6", dualStack("SingleStack", "2001:db8:96::1"));
    expectIngress("v6", "2001:db8:1::");
  }

  @Test
  void item12bAStartAfterItsEndIsRejected() {
    pool("backwards", "198.51.100.9-198.51.100.7");
    Controller c = start();
    await().atMost(WAIT).until(() -> c.loop().configStale());
  }

  @Test
  void item13NamespacesScopeAPoolAndOthersFallBack() {
    namespace("team-a", Map.of());
    namespace("team-b", Map.of());
    pool(
        "scoped",
        Map.of(
            "addresses",
            List.of("198.51.100.0/30"),
            "serviceAllocation",
            Map.of("namespaces", List.of("team-a"))));
    pool("general", "203.0.113.0/30");
    start();
    svc("team-a", "a", b -> {});
    svc("team-b", "b", b -> {});
    expectIngressIn("team-a", "a", "198.51.100.0");
    expectIngressIn("team-b", "b", "203.0.113.0");
  }

  @Test
  void item14NamespaceSelectorsFollowLabelChanges() {
    namespace("team-c", Map.of());
    pool(
        "gold",
        Map.of(
            "addresses", List.of("198.51.100.0/30"),
            "serviceAllocation",
                Map.of(
                    "namespaceSelectors", List.of(Map.of("matchLabels", Map.of("tier", "gold"))))));
    start();
    svc("team-c", "svc", b -> {});
    await()
        .atMost(WAIT)
        .until(
            () -> Fixtures.eventReasons(client, "team-c", "svc"),
            r -> r.contains("AllocationFailed"));
    namespace("team-c", Map.of("tier", "gold"));
    expectIngressIn("team-c", "svc", "198.51.100.0");
  }

  @Test
  void item15ServiceSelectorsRestrictAPool() {
    pool(
        "labelled",
        Map.of(
            "addresses", List.of("198.51.100.0/30"),
            "serviceAllocation",
                Map.of(
                    "serviceSelectors", List.of(Map.of("matchLabels", Map.of("lb", "special"))))));
    pool("general", "203.0.113.0/30");
    start();
    svc("special", b -> b.editMetadata().addToLabels("lb", "special").endMetadata());
    svc("ordinary");
    expectIngress("special", "198.51.100.0");
    expectIngress("ordinary", "203.0.113.0");
  }

  @Test
  void item16LowerPriorityFirstAndAFullPoolFallsThrough() {
    pool(
        "second",
        Map.of(
            "addresses", List.of("203.0.113.0/30"), "serviceAllocation", Map.of("priority", 20)));
    pool(
        "first",
        Map.of(
            "addresses", List.of("198.51.100.9/32"), "serviceAllocation", Map.of("priority", 10)));
    start();
    svc("a");
    expectIngress("a", "198.51.100.9");
    svc("b");
    expectIngress("b", "203.0.113.0");
  }

  @Test
  void item17SameSharingKeyDisjointPortsShareTheRequestedIp() {
    pool("blue", "198.51.100.0/30");
    start();
    svc(
        "web",
        annotations(
            "metallb.io/allow-shared-ip", "k", "metallb.io/loadBalancerIPs", "198.51.100.2"));
    svc(
        "api",
        b -> {
          annotations(
                  "metallb.io/allow-shared-ip", "k", "metallb.io/loadBalancerIPs", "198.51.100.2")
              .accept(b);
          ports("TCP/443").accept(b);
        });
    expectIngress("web", "198.51.100.2");
    expectIngress("api", "198.51.100.2");
  }

  @Test
  void item18SameKeyOverlappingPortStaysPending() {
    pool("blue", "198.51.100.0/30");
    start();
    svc(
        "web",
        annotations(
            "metallb.io/allow-shared-ip", "k", "metallb.io/loadBalancerIPs", "198.51.100.2"));
    expectIngress("web", "198.51.100.2");
    svc(
        "clash",
        annotations(
            "metallb.io/allow-shared-ip", "k", "metallb.io/loadBalancerIPs", "198.51.100.2"));
    expectPendingWith("clash", "AllocationFailed");
  }

  @Test
  void item19DifferentKeysDoNotShare() {
    pool("blue", "198.51.100.0/30");
    start();
    svc(
        "web",
        annotations(
            "metallb.io/allow-shared-ip", "k1", "metallb.io/loadBalancerIPs", "198.51.100.2"));
    expectIngress("web", "198.51.100.2");
    svc(
        "other",
        b -> {
          annotations(
                  "metallb.io/allow-shared-ip", "k2", "metallb.io/loadBalancerIPs", "198.51.100.2")
              .accept(b);
          ports("TCP/8080").accept(b);
        });
    expectPendingWith("other", "AllocationFailed");
  }

  @Test
  void item20LocalAndClusterNeverShare() {
    pool("blue", "198.51.100.0/30");
    start();
    svc(
        "cluster",
        annotations(
            "metallb.io/allow-shared-ip", "k", "metallb.io/loadBalancerIPs", "198.51.100.2"));
    expectIngress("cluster", "198.51.100.2");
    svc(
        "local",
        b -> {
          annotations(
                  "metallb.io/allow-shared-ip", "k", "metallb.io/loadBalancerIPs", "198.51.100.2")
              .accept(b);
          ports("TCP/8080").accept(b);
          b.editSpec().withExternalTrafficPolicy("Local").endSpec();
        });
    expectPendingWith("local", "AllocationFailed");
  }

  @Test
  void item21AnEtpChangeThatBreaksSharingDropsTheIpAndAPendingOneGetsIt() {
    pool("one", "198.51.100.2/32");
    start();
    svc(
        "a",
        annotations(
            "metallb.io/allow-shared-ip", "k", "metallb.io/loadBalancerIPs", "198.51.100.2"));
    svc(
        "b",
        b -> {
          annotations(
                  "metallb.io/allow-shared-ip", "k", "metallb.io/loadBalancerIPs", "198.51.100.2")
              .accept(b);
          ports("TCP/443").accept(b);
        });
    expectIngress("a", "198.51.100.2");
    expectIngress("b", "198.51.100.2");
    svc(
        "c",
        b -> {
          annotations(
                  "metallb.io/allow-shared-ip", "k", "metallb.io/loadBalancerIPs", "198.51.100.2")
              .accept(b);
          ports("TCP/8443").accept(b);
          b.editSpec().withExternalTrafficPolicy("Local").endSpec();
        });
    expectPendingWith("c", "AllocationFailed");
    // a and b become Local with c's selector: now c is compatible, and they are with each other
    for (String n : List.of("a", "b")) {
      update(
          "default",
          n,
          s -> {
            s.getSpec().setExternalTrafficPolicy("Local");
            s.getSpec().setSelector(Map.of("app", "c"));
          });
    }
    expectIngress("c", "198.51.100.2");
  }

  @Test
  void item22TcpAndUdpOnPort53ShareOneIp() {
    pool("dns", "198.51.100.53/32");
    start();
    svc(
        "dns-tcp",
        b -> {
          annotations(
                  "metallb.io/allow-shared-ip",
                  "dns",
                  "metallb.io/loadBalancerIPs",
                  "198.51.100.53")
              .accept(b);
          ports("TCP/53").accept(b);
        });
    svc(
        "dns-udp",
        b -> {
          annotations(
                  "metallb.io/allow-shared-ip",
                  "dns",
                  "metallb.io/loadBalancerIPs",
                  "198.51.100.53")
              .accept(b);
          ports("UDP/53").accept(b);
        });
    expectIngress("dns-tcp", "198.51.100.53");
    expectIngress("dns-udp", "198.51.100.53");
  }

  @Test
  void item23DeletingAPoolMovesItsServicesAndDeletingAllClearsAll() {
    pool("old", "198.51.100.0/30");
    start();
    svc("a");
    expectIngress("a", "198.51.100.0");
    pool("new", "203.0.113.0/30");
    deletePool("old");
    expectIngress("a", "203.0.113.0");
    deletePool("new");
    expectIngress("a");
  }

  @Test
  void item24ARestartKeepsEveryAddressEvenWithMoreServicesThanAddresses() {
    pool("small", "198.51.100.0/31");
    Controller first = start();
    svc("z1");
    svc("z2");
    expectIngress("z1", "198.51.100.0");
    expectIngress("z2", "198.51.100.1");
    first.close();
    running.remove(first);
    svc("a-pending"); // sorts first by name, must not steal
    start();
    expectPendingWith("a-pending", "AllocationFailed");
    assertThat(Fixtures.ingress(client, "default", "z1")).containsExactly("198.51.100.0");
    assertThat(Fixtures.ingress(client, "default", "z2")).containsExactly("198.51.100.1");
  }

  @Test
  void item25RequireDualStackGetsOneOfEachOrSaysNotEnoughClusterIps() {
    pool("dual", "198.51.100.0/30", "2001:db8:2::/126");
    start();
    svc("both", dualStack("RequireDualStack", "10.96.1.1", "2001:db8:96::2"));
    expectIngress("both", "198.51.100.0", "2001:db8:2::");
    svc("short", dualStack("RequireDualStack", "10.96.1.2"));
    expectPendingWith("short", "not enough clusterips");
  }

  @Test
  void item26PreferDualStackPicksADualPoolOrFallsBackToTheFirstFamily() {
    pool("v6only", "2001:db8:3::/126");
    pool("dual", "198.51.100.0/30", "2001:db8:4::/126");
    start();
    svc("prefer", dualStack("PreferDualStack", "10.96.1.1", "2001:db8:96::3"));
    expectIngress("prefer", "198.51.100.0", "2001:db8:4::");
    svc("v6first", dualStack("PreferDualStack", "2001:db8:96::4"));
    await()
        .atMost(WAIT)
        .until(
            () -> Fixtures.ingress(client, "default", "v6first"),
            i -> i.size() == 1 && i.get(0).contains(":"));
  }

  @Test
  void item27PreferDualStackGainsTheSecondFamilyWhenItsPoolIsExtended() {
    pool("grow", "198.51.100.0/30");
    pool("other", "2001:db8:6::/126");
    start();
    svc("prefer", dualStack("PreferDualStack", "10.96.1.1", "2001:db8:96::6"));
    expectIngress("prefer", "198.51.100.0");
    pool("grow", Map.of("addresses", List.of("198.51.100.0/30", "2001:db8:7::/126")));
    expectIngress("prefer", "198.51.100.0", "2001:db8:7::");
  }

  @Test
  void item28TheAddressFamilyFollowsTheClusterIp() {
    pool("dual", "198.51.100.0/30", "2001:db8:5::/126");
    start();
    svc("v6", dualStack("SingleStack", "2001:db8:96::5"));
    expectIngress("v6", "2001:db8:5::");
    svc("v4");
    expectIngress("v4", "198.51.100.0");
  }

  @Test
  void item29OnlyServicesOfOurClassAreHandled() {
    pool("blue", "198.51.100.0/30");
    start("ferrolb");
    svc("ours", b -> b.editSpec().withLoadBalancerClass("ferrolb").endSpec());
    svc("theirs", b -> b.editSpec().withLoadBalancerClass("other").endSpec());
    svc("none");
    expectIngress("ours", "198.51.100.0");
    assertThat(Fixtures.ingress(client, "default", "theirs")).isEmpty();
    assertThat(Fixtures.ingress(client, "default", "none")).isEmpty();
  }

  @Test
  void item30DeprecatedAnnotationsWorkAndWarn() {
    pool("manual", Map.of("addresses", List.of("198.51.100.0/30"), "autoAssign", false));
    start();
    svc("old", annotations("metallb.universe.tf/address-pool", "manual"));
    expectIngress("old", "198.51.100.0");
    expectEvent("old", "deprecatedAnnotation");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> poolStatus(String name) {
    GenericKubernetesResource p =
        client.genericKubernetesResources(Fixtures.POOLS).inNamespace(NS).withName(name).get();
    Object s = p == null ? null : p.getAdditionalProperties().get("status");
    return s instanceof Map<?, ?> ? (Map<String, Object>) s : Map.of();
  }

  private static long num(Object o) {
    return o instanceof Number n ? n.longValue() : -1;
  }
}
