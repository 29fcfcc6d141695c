package io.ferrolb.it.speaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.controller.Controller;
import io.ferrolb.app.speaker.Speaker;
import io.ferrolb.domain.ownership.NodeElection;
import io.ferrolb.domain.ownership.SplitBrainPolicy;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.it.support.Crds;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Controller and three speakers against the mock API server: the controller assigns, the speakers
 * elect one owner per address, publish ServiceL2Status and events, and follow endpoint, label and
 * configuration changes. The L2 announcer is the "recording" plugin, so no raw socket is needed
 * here (the namespace ITs cover the wire).
 */
@EnableKubernetesMockClient(crud = true)
class SpeakerIT {
  static final String NS = "ferrolb-system";
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String VIP = "203.0.113.200";
  static final List<String> NODES = List.of("n1", "n2", "n3");
  static final ResourceDefinitionContext L2_STATUS =
      context("ServiceL2Status", "servicel2statuses");

  KubernetesClient client;
  KubernetesMockServer server;
  private final List<AutoCloseable> running = new ArrayList<>();

  static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("metallb.io")
        .withVersion("v1beta1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  @BeforeEach
  void cluster() throws Exception {
    Crds.install(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    for (String n : NODES) {
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(n)
                  .withLabels(Map.of("kubernetes.io/hostname", n))
                  .endMetadata()
                  .build())
          .create();
    }
    apply(
        "IPAddressPool",
        "ipaddresspools",
        "lan",
        Map.of("addresses", List.of("203.0.113.200-203.0.113.210")));
    apply("L2Advertisement", "l2advertisements", "l2", Map.of());
    RecordingAnnouncerProvider.CURRENT.clear();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : running) {
      c.close();
    }
  }

  private void apply(String kind, String plural, String name, Map<String, Object> spec) {
    GenericKubernetesResource r =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("metallb.io/v1beta1")
            .withKind(kind)
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", spec))
            .build();
    client
        .genericKubernetesResources(context(kind, plural))
        .inNamespace(NS)
        .resource(r)
        .createOr(op -> op.update());
  }

  private void startAll() throws Exception {
    KubernetesClient c0 = server.createClient();
    running.add(c0);
    running.add(
        Controller.start(
            c0,
            new Controller.Options(NS, "", "ctrl", LeaseLeadership.Timing.FAST, true),
            new PrometheusRegistry()));
    for (String n : NODES) {
      KubernetesClient c = server.createClient();
      running.add(c);
      running.add(
          Speaker.start(
              c,
              new Speaker.Options(
                  n,
                  NS,
                  "",
                  Set.of("recording"),
                  "recording",
                  Optional.empty(),
                  0,
                  false,
                  SplitBrainPolicy.Mode.QUORUM,
                  Map.of(),
                  Duration.ofSeconds(10)),
              new PrometheusRegistry()));
    }
  }

  private void service(String name, String etp) {
    client
        .services()
        .inNamespace("default")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .withExternalTrafficPolicy(etp)
                .withClusterIP("10.96.0.10")
                .withClusterIPs("10.96.0.10")
                .withIpFamilies("IPv4")
                .addNewPort()
                .withProtocol("TCP")
                .withPort(80)
                .endPort()
                .withSelector(Map.of("app", name))
                .endSpec()
                .build())
        .createOr(op -> op.update());
  }

  private void endpointOn(String service, String node, boolean ready) {
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("default")
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(service + "-abc")
                .withNamespace("default")
                .withLabels(Map.of("kubernetes.io/service-name", service))
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses("10.244.1.5")
                .withNodeName(node)
                .withNewConditions()
                .withReady(ready)
                .withServing(ready)
                .endConditions()
                .endEndpoint()
                .build())
        .createOr(op -> op.update());
  }

  private List<String> l2StatusNodes(String service) {
    List<String> out = new ArrayList<>();
    for (GenericKubernetesResource r :
        client.genericKubernetesResources(L2_STATUS).inNamespace(NS).list().getItems()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> status = (Map<String, Object>) r.getAdditionalProperties().get("status");
      if (status != null && service.equals(status.get("serviceName"))) {
        out.add((String) status.get("node"));
      }
    }
    return out;
  }

  private List<String> eventReasons(String name) {
    List<String> out = new ArrayList<>();
    for (var e : client.v1().events().inNamespace("default").list().getItems()) {
      if (name.equals(e.getInvolvedObject().getName())) {
        out.add(e.getReason());
      }
    }
    return out;
  }

  @Test
  void exactlyTheElectedNodeClaimsTheAddressAndReportsIt() throws Exception {
    startAll();
    service("web", "Cluster");
    endpointOn("web", "n2", true);
    String owner = NodeElection.elect(NODES, IpAddress.parse(VIP)).winner().orElseThrow();

    await()
        .atMost(WAIT)
        .until(() -> RecordingAnnouncerProvider.claimants(VIP), c -> c.equals(Set.of(owner)));
    await().atMost(WAIT).until(() -> l2StatusNodes("web"), n -> n.equals(List.of(owner)));
    await().atMost(WAIT).until(() -> eventReasons("web"), r -> r.contains("nodeAssigned"));
  }

  @Test
  void noReadyEndpointMeansNobodyClaimsAndTheStatusGoes() throws Exception {
    startAll();
    service("web", "Cluster");
    endpointOn("web", "n2", true);
    await().atMost(WAIT).until(() -> RecordingAnnouncerProvider.claimants(VIP).size() == 1);

    endpointOn("web", "n2", false);

    await().atMost(WAIT).until(() -> RecordingAnnouncerProvider.claimants(VIP).isEmpty());
    await().atMost(WAIT).until(() -> l2StatusNodes("web").isEmpty());
  }

  @Test
  void localTrafficPolicyMovesTheAddressToTheEndpointsNode() throws Exception {
    startAll();
    service("web", "Cluster");
    String owner = NodeElection.elect(NODES, IpAddress.parse(VIP)).winner().orElseThrow();
    String other = NODES.stream().filter(n -> !n.equals(owner)).findFirst().orElseThrow();
    endpointOn("web", other, true);
    await()
        .atMost(WAIT)
        .until(() -> RecordingAnnouncerProvider.claimants(VIP), c -> c.equals(Set.of(owner)));

    service("web", "Local");

    await()
        .atMost(WAIT)
        .until(() -> RecordingAnnouncerProvider.claimants(VIP), c -> c.equals(Set.of(other)));
    await().atMost(WAIT).until(() -> l2StatusNodes("web"), n -> n.equals(List.of(other)));
  }

  @Test
  void theExcludeLabelAndNodeSelectorsMoveTheAddressAway() throws Exception {
    startAll();
    service("web", "Cluster");
    endpointOn("web", "n1", true);
    List<String> order = NodeElection.elect(NODES, IpAddress.parse(VIP)).ordered();
    await()
        .atMost(WAIT)
        .until(
            () -> RecordingAnnouncerProvider.claimants(VIP), c -> c.equals(Set.of(order.get(0))));

    client
        .nodes()
        .withName(order.get(0))
        .edit(
            n -> {
              n.getMetadata()
                  .getLabels()
                  .put("node.kubernetes.io/exclude-from-external-load-balancers", "");
              return n;
            });
    await()
        .atMost(WAIT)
        .until(
            () -> RecordingAnnouncerProvider.claimants(VIP), c -> c.equals(Set.of(order.get(1))));

    Map<String, Object> onlyThird = new LinkedHashMap<>();
    onlyThird.put(
        "nodeSelectors",
        List.of(Map.of("matchLabels", Map.of("kubernetes.io/hostname", order.get(2)))));
    apply("L2Advertisement", "l2advertisements", "l2", onlyThird);
    await()
        .atMost(WAIT)
        .until(
            () -> RecordingAnnouncerProvider.claimants(VIP), c -> c.equals(Set.of(order.get(2))));
  }

  @Test
  void anInvalidConfigurationKeepsTheClaimsOfTheLastGoodOne() throws Exception {
    startAll();
    service("web", "Cluster");
    endpointOn("web", "n3", true);
    String owner = NodeElection.elect(NODES, IpAddress.parse(VIP)).winner().orElseThrow();
    await()
        .atMost(WAIT)
        .until(() -> RecordingAnnouncerProvider.claimants(VIP), c -> c.equals(Set.of(owner)));

    apply(
        "IPAddressPool",
        "ipaddresspools",
        "broken",
        Map.of("addresses", List.of("203.0.113.0/33")));

    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                    .genericKubernetesResources(
                        context("ConfigurationState", "configurationstates"))
                    .inNamespace(NS)
                    .withName("speaker-" + owner)
                    .get(),
            s ->
                s != null
                    && String.valueOf(s.getAdditionalProperties().get("status"))
                        .contains("Invalid"));
    assertThat(RecordingAnnouncerProvider.claimants(VIP)).containsExactly(owner);
  }
}
