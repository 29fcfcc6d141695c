package io.ferrolb.app.security;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.ferrolb.adapters.k8s.Fabric8SpeakerView;
import io.ferrolb.adapters.k8s.Fabric8WebhookCertStore;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.admission.Webhook;
import io.ferrolb.app.admission.WebhookCertRotation;
import io.ferrolb.app.controller.Controller;
import io.ferrolb.app.speaker.Speaker;
import io.ferrolb.domain.announce.AnnouncedCondition;
import io.ferrolb.domain.ownership.SplitBrainPolicy;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The normal life of a cluster, against a mock API server, with the controller (and its webhook)
 * and one speaker each on a client of its own, told apart by user agent: configuration present
 * (pool, L2 and BGP advertisements, BGPPeers whose password comes from a Secret), a Service
 * created, assigned, announced, updated and deleted, the leader Lease taken and released, events,
 * status writes and the speaker's status objects. The error paths ride along: a BGPPeer whose
 * password Secret lacks the key, and one whose password is longer than TCP MD5 allows.
 */
final class Scenario implements AutoCloseable {
  static final String NS = "ferrolb-system";
  static final String NODE = "n1";
  static final String CONTROLLER_AGENT = "ferrolb-controller-under-test";
  static final String SPEAKER_AGENT = "ferrolb-speaker-under-test";
  static final String WEBHOOK_CONFIGURATION = "ferrolb-webhook-configuration";

  /** The BGP password the test plants, and the Secrets that hold (or fail to hold) one. */
  static final String BGP_PASSWORD = "s3cr3t-Bgp-P4ssw0rd-zq9x";

  static final String LONG_PASSWORD = "L0ng-" + "x7Qw".repeat(25); // 105 characters > 80 (RFC 2385)
  static final String PASSWORD_SECRET = "bgp-password";
  static final String BROKEN_SECRET = "bgp-password-broken";
  static final String LONG_SECRET = "bgp-password-long";
  static final String VIP = "203.0.113.200";

  static ResourceDefinitionContext metallb(String kind, String plural, String version) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("metallb.io")
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  static final ResourceDefinitionContext L2_STATUS =
      metallb("ServiceL2Status", "servicel2statuses", "v1beta1");
  static final ResourceDefinitionContext CONFIG_STATE =
      metallb("ConfigurationState", "configurationstates", "v1beta1");

  private final KubernetesClient admin;
  private final String url;
  private final List<AutoCloseable> running = new ArrayList<>();
  final PrometheusRegistry speakerRegistry = new PrometheusRegistry();
  final PrometheusRegistry controllerRegistry = new PrometheusRegistry();

  Scenario(KubernetesClient admin) {
    this.admin = admin;
    this.url = admin.getConfiguration().getMasterUrl();
  }

  /** A client of its own for a component, naming itself by user agent in the recorded requests. */
  KubernetesClient clientAs(String agent) {
    KubernetesClient c =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(admin.getConfiguration())
                    .withMasterUrl(url)
                    .withUserAgent(agent)
                    .build())
            .build();
    running.add(c);
    return c;
  }

  void cluster() throws IOException {
    try (Stream<Path> files = Files.list(DeployManifests.DEPLOY.resolve("crds"))) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().startsWith("metallb.io_")).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          admin.apiextensions().v1().customResourceDefinitions().load(in).create();
        }
      }
    }
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    admin
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(NODE)
                .withLabels(Map.of("kubernetes.io/hostname", NODE))
                .endMetadata()
                .withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress("127.0.0.1")
                .endAddress()
                .endStatus()
                .build())
        .create();
    pod("controller-0", Map.of("app.kubernetes.io/component", "controller"));
    pod("speaker-n1", Fabric8SpeakerView.SPEAKER_PODS);
    secret(PASSWORD_SECRET, Map.of("password", BGP_PASSWORD));
    secret(BROKEN_SECRET, Map.of("username", "nobody"));
    secret(LONG_SECRET, Map.of("password", LONG_PASSWORD));
    apply(
        "IPAddressPool",
        "ipaddresspools",
        "v1beta1",
        "lan",
        Map.of("addresses", List.of("203.0.113.200-203.0.113.210")));
    apply("L2Advertisement", "l2advertisements", "v1beta1", "l2", Map.of());
    apply("BGPAdvertisement", "bgpadvertisements", "v1beta1", "bgp", Map.of());
    peer("router", "127.0.0.1", PASSWORD_SECRET);
    admin
        .genericKubernetesResources(Fabric8WebhookCertStore.WEBHOOKS)
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("admissionregistration.k8s.io/v1")
                .withKind("ValidatingWebhookConfiguration")
                .withNewMetadata()
                .withName(WEBHOOK_CONFIGURATION)
                .endMetadata()
                .addToAdditionalProperties(
                    "webhooks",
                    List.of(
                        Map.of(
                            "name",
                            "config.ferrolb.io",
                            "clientConfig",
                            Map.of(
                                "service",
                                Map.of(
                                    "name",
                                    "ferrolb-webhook-service",
                                    "namespace",
                                    NS,
                                    "path",
                                    "/validate")))))
                .build())
        .create();
  }

  private void pod(String name, Map<String, String> labels) {
    admin
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .withUid(java.util.UUID.randomUUID().toString())
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withNodeName(NODE)
                .addNewContainer()
                .withName("c")
                .withImage("ferrolb")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build())
        .create();
  }

  private void secret(String name, Map<String, String> data) {
    admin
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withType("kubernetes.io/basic-auth")
                .withStringData(data)
                .build())
        .create();
  }

  private void peer(String name, String address, String secret) {
    apply(
        "BGPPeer",
        "bgppeers",
        "v1beta2",
        name,
        Map.of(
            "myASN",
            64512,
            "peerASN",
            64513,
            "peerAddress",
            address,
            "peerPort",
            CLOSED_PORT,
            "passwordSecret",
            Map.of("name", secret, "namespace", NS)));
  }

  void apply(String kind, String plural, String version, String name, Map<String, Object> spec) {
    GenericKubernetesResource r =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("metallb.io/" + version)
            .withKind(kind)
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", spec))
            .build();
    admin
        .genericKubernetesResources(metallb(kind, plural, version))
        .inNamespace(NS)
        .resource(r)
        .createOr(op -> op.update());
  }

  /** The controller (with its webhook) and the speaker of node n1, each on its own client. */
  void start(int gossipPort) throws Exception {
    KubernetesClient c = clientAs(CONTROLLER_AGENT);
    Controller controller =
        Controller.start(
            c,
            new Controller.Options(
                NS,
                "",
                "controller-0",
                LeaseLeadership.Timing.FAST,
                true,
                Optional.of("controller-0")),
            controllerRegistry);
    running.add(controller);
    running.add(
        Webhook.start(
            c,
            NS,
            new Webhook.Options(
                0,
                "ferrolb-webhook-service",
                WEBHOOK_CONFIGURATION,
                "ferrolb-webhook-cert",
                WebhookCertRotation.Lifetimes.DEFAULT,
                Duration.ofMinutes(1)),
            controller::configObjects));
    await().atMost(Duration.ofSeconds(20)).until(() -> controller.loop().isLeader());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> admin.secrets().inNamespace(NS).withName("memberlist").get() != null);
    running.add(
        Speaker.start(
            clientAs(SPEAKER_AGENT),
            new Speaker.Options(
                NODE,
                NS,
                "",
                Set.of("log", "bgp"),
                "log",
                Optional.of("127.0.0.1"),
                gossipPort,
                false,
                SplitBrainPolicy.Mode.QUORUM,
                Map.of(),
                Duration.ofSeconds(10),
                Fabric8SpeakerView.SPEAKER_PODS,
                Optional.of("speaker-n1")),
            speakerRegistry));
  }

  /** A LoadBalancer Service with an endpoint on n1: assigned, announced, updated, deleted. */
  void serviceLifecycle() {
    admin.resource(service(80)).create();
    admin
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("default")
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName("web-abc")
                .withNamespace("default")
                .withLabels(Map.of("kubernetes.io/service-name", "web"))
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses("10.244.1.5")
                .withNodeName(NODE)
                .withNewConditions()
                .withReady(true)
                .withServing(true)
                .endConditions()
                .endEndpoint()
                .build())
        .create();
    await().atMost(Duration.ofSeconds(30)).until(() -> !l2Statuses().isEmpty());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                !admin
                    .genericKubernetesResources(CONFIG_STATE)
                    .inNamespace(NS)
                    .list()
                    .getItems()
                    .isEmpty());
    // a JSON patch without resourceVersion: the controller writes the Service meanwhile
    admin
        .services()
        .inNamespace("default")
        .withName("web")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\": \"replace\", \"path\": \"/spec/ports/0/port\", \"value\": 8080}]");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Service now = admin.services().inNamespace("default").withName("web").get();
              return now.getMetadata().getAnnotations() != null
                  && now.getMetadata()
                      .getAnnotations()
                      .containsKey("metallb.io/ip-allocated-from-pool");
            });
    // the controller's Announced condition (the speakers' reports, written in the background) is
    // on the Service before it goes, so the grant it needs is exercised on every run
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              Service now = admin.services().inNamespace("default").withName("web").get();
              return now.getStatus() != null
                  && now.getStatus().getConditions() != null
                  && now.getStatus().getConditions().stream()
                      .anyMatch(c -> AnnouncedCondition.TYPE.equals(c.getType()));
            });
    admin.services().inNamespace("default").withName("web").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> l2Statuses().isEmpty());
  }

  List<GenericKubernetesResource> l2Statuses() {
    return admin.genericKubernetesResources(L2_STATUS).inNamespace(NS).list().getItems();
  }

  private static Service service(int port) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .withExternalTrafficPolicy("Cluster")
        .withClusterIP("10.96.0.10")
        .withClusterIPs("10.96.0.10")
        .withIpFamilies("IPv4")
        .addNewPort()
        .withProtocol("TCP")
        .withPort(port)
        .endPort()
        .withSelector(Map.of("app", "web"))
        .endSpec()
        .build();
  }

  /**
   * The error paths: a BGPPeer whose password Secret lacks the key, and one whose password is too
   * long for TCP MD5. The configuration turns invalid; both components report it.
   */
  void errorPaths() {
    peer("router-broken", "127.0.0.2", BROKEN_SECRET);
    peer("router-long", "127.0.0.3", LONG_SECRET);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                admin
                    .genericKubernetesResources(CONFIG_STATE)
                    .inNamespace(NS)
                    .list()
                    .getItems()
                    .stream()
                    .map(Object::toString)
                    .anyMatch(t -> t.contains(BROKEN_SECRET)));
  }

  /**
   * A local port (BGP peer ports are 1..16384 here) nothing listens on: the BGP session fails to
   * connect, over and over.
   */
  static final int CLOSED_PORT = closedPort();

  private static int closedPort() {
    for (int p = 11179; p < 16384; p++) {
      try (ServerSocket s = new ServerSocket(p)) {
        return p;
      } catch (IOException e) {
        // taken: try the next
      }
    }
    throw new UncheckedIOException(new IOException("no free port in 11179..16383"));
  }

  /** Stops the components, last started first (the controller releases its Lease). */
  @Override
  public void close() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
    running.clear();
  }
}
