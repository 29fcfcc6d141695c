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
import io.ferrolb.adapters.k8s.Fabric8SpeakerView;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.controller.Controller;
import io.ferrolb.app.speaker.Speaker;
import io.ferrolb.domain.ownership.NodeElection;
import io.ferrolb.domain.ownership.SplitBrainPolicy;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.it.support.Crds;
import io.ferrolb.it.support.Nodes;
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
    RecordingAnnouncerProvider.DEFAULT_CURRENT.clear();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : running) {
      c.close();
    }
  }

  private void apply(String kind, String plural, String name, Map<String, Object> spec) {
    apply(kind, plural, name, Map.of(), spec);
  }

  private void apply(
      String kind,
      String plural,
      String name,
      Map<String, String> labels,
      Map<String, Object> spec) {
    GenericKubernetesResource r =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("metallb.io/v1beta1")
            .withKind(kind)
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .withLabels(labels)
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
    startAll("recording", Map.of());
  }

  /**
   * The controller and a speaker per node.
   *
   * @param defaultAnnouncer the speakers' {@code --l2-announcer} (the announcer of advertisements
   *     that name none)
   * @param settings the speakers' {@code --announcer-setting}s
   */
  private void startAll(String defaultAnnouncer, Map<String, String> settings) throws Exception {
    KubernetesClient c0 = server.createClient();
    running.add(c0);
    running.add(
        Controller.start(
            c0,
            new Controller.Options(
                NS, "", "ctrl", LeaseLeadership.Timing.FAST, true, Optional.empty()),
            new PrometheusRegistry()));
    List<Speaker> speakers = new ArrayList<>();
    for (String n : NODES) {
      KubernetesClient c = server.createClient();
      running.add(c);
      speakers.add(
          Speaker.start(
              c,
              new Speaker.Options(
                  n,
                  NS,
                  "",
                  Set.of(defaultAnnouncer),
                  defaultAnnouncer,
                  Optional.empty(),
                  0,
                  false,
                  SplitBrainPolicy.Mode.QUORUM,
                  settings,
                  Duration.ofSeconds(10),
                  Fabric8SpeakerView.SPEAKER_PODS,
                  Optional.empty()),
              new PrometheusRegistry()));
      running.add(speakers.get(speakers.size() - 1));
    }
    // ready, as a DaemonSet's rollout waits for: the mock server's watches start from "now", not
    // from the list's resourceVersion, so a change made between a speaker's first list and its
    // watch would never reach it (a real API server replays it)
    await().atMost(WAIT).until(() -> speakers.stream().allMatch(s -> s.notReady().isEmpty()));
  }

  private void service(String name, String etp) {
    service(name, etp, Map.of());
  }

  private void service(String name, String etp, Map<String, String> annotations) {
    client
        .services()
        .inNamespace("default")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .withAnnotations(annotations)
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

    Nodes.exclude(client, order.get(0));
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

  // ------------------------------------------------------------ announcers named by the config

  static final String ANNOUNCER_LABEL = "ferrolb.io/announcer";
  static final String DMZ_VIP = "203.0.113.220";

  @Test
  void anAdvertisementNamingThePluginHandsItsServicesToThePluginAndNotToTheDefault()
      throws Exception {
    apply(
        "L2Advertisement",
        "l2advertisements",
        "l2",
        Map.of(ANNOUNCER_LABEL, "recording"),
        Map.of("ipAddressPools", List.of("lan")));
    apply(
        "IPAddressPool",
        "ipaddresspools",
        "dmz",
        Map.of("addresses", List.of("203.0.113.220-203.0.113.230"), "autoAssign", false));
    apply(
        "L2Advertisement",
        "l2advertisements",
        "plain",
        Map.of(),
        Map.of("ipAddressPools", List.of("dmz")));
    startAll("recording-default", Map.of());
    service("web", "Cluster");
    endpointOn("web", "n2", true);
    service("api", "Cluster", Map.of("metallb.io/loadBalancerIPs", DMZ_VIP));
    endpointOn("api", "n1", true);
    String webOwner = NodeElection.elect(NODES, IpAddress.parse(VIP)).winner().orElseThrow();
    String apiOwner = NodeElection.elect(NODES, IpAddress.parse(DMZ_VIP)).winner().orElseThrow();

    await()
        .atMost(WAIT)
        .until(() -> RecordingAnnouncerProvider.claimants(VIP), c -> c.equals(Set.of(webOwner)));
    await()
        .atMost(WAIT)
        .until(
            () ->
                RecordingAnnouncerProvider.claimants(
                    RecordingAnnouncerProvider.DEFAULT_CURRENT, DMZ_VIP),
            c -> c.equals(Set.of(apiOwner)));
    // each announcer got only its part, and every speaker has run a pass with both services
    assertThat(
            RecordingAnnouncerProvider.claimants(RecordingAnnouncerProvider.DEFAULT_CURRENT, VIP))
        .isEmpty();
    assertThat(RecordingAnnouncerProvider.claimants(DMZ_VIP)).isEmpty();
    await().atMost(WAIT).until(() -> l2StatusNodes("web"), n -> n.equals(List.of(webOwner)));

    // without the label, the default announcer takes the service over and the plugin withdraws
    apply(
        "L2Advertisement",
        "l2advertisements",
        "l2",
        Map.of(),
        Map.of("ipAddressPools", List.of("lan")));
    await()
        .atMost(WAIT)
        .until(
            () ->
                RecordingAnnouncerProvider.claimants(
                    RecordingAnnouncerProvider.DEFAULT_CURRENT, VIP),
            c -> c.equals(Set.of(webOwner)));
    await().atMost(WAIT).until(() -> RecordingAnnouncerProvider.claimants(VIP).isEmpty());
  }

  @Test
  void anAnnouncerNoProviderHasIsReportedOnTheServiceAndNobodyAnnouncesIt() throws Exception {
    apply("L2Advertisement", "l2advertisements", "l2", Map.of(ANNOUNCER_LABEL, "nosuch"), Map.of());
    startAll("recording-default", Map.of());
    service("web", "Cluster");
    endpointOn("web", "n2", true);

    await().atMost(WAIT).until(() -> eventReasons("web"), r -> r.contains("announceFailed"));
    assertThat(
            client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> e.getReason().equals("announceFailed"))
                .map(io.fabric8.kubernetes.api.model.Event::getMessage))
        .singleElement()
        .asString()
        .contains("announcer \"nosuch\" named by L2Advertisement \"l2\"", "recording-default");
    assertThat(
            RecordingAnnouncerProvider.claimants(RecordingAnnouncerProvider.DEFAULT_CURRENT, VIP))
        .isEmpty();
    assertThat(RecordingAnnouncerProvider.claimants(VIP)).isEmpty();
    assertThat(l2StatusNodes("web")).isEmpty();
  }

  @Test
  void theExamplePluginSelectedByNameReceivesTheOwnersClaims() throws Exception {
    Map<String, String> bodies = new java.util.concurrent.ConcurrentHashMap<>();
    com.sun.net.httpserver.HttpServer http =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/claims",
        exchange -> {
          String body =
              new String(
                  exchange.getRequestBody().readAllBytes(),
                  java.nio.charset.StandardCharsets.UTF_8);
          String node = body.replaceAll("(?s)^\\{\"node\":\"([^\"]*)\".*", "$1");
          bodies.put(node, body);
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    http.start();
    running.add(() -> http.stop(0));
    String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/claims";
    apply(
        "L2Advertisement", "l2advertisements", "l2", Map.of(ANNOUNCER_LABEL, "webhook"), Map.of());
    startAll("recording-default", Map.of("webhook.url", url));
    service("web", "Cluster");
    endpointOn("web", "n3", true);
    String owner = NodeElection.elect(NODES, IpAddress.parse(VIP)).winner().orElseThrow();

    await()
        .atMost(WAIT)
        .until(() -> bodies.getOrDefault(owner, ""), b -> b.contains("\"" + VIP + "\""));
    await().atMost(WAIT).until(() -> l2StatusNodes("web"), n -> n.equals(List.of(owner)));
    assertThat(bodies).containsOnlyKeys(owner); // other nodes have nothing for the plugin
    assertThat(
            RecordingAnnouncerProvider.claimants(RecordingAnnouncerProvider.DEFAULT_CURRENT, VIP))
        .isEmpty();
  }
}
