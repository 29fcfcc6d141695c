package io.ferrolb.app.demo;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ferrolb.adapters.k8s.Fabric8SpeakerView;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.controller.Controller;
import io.ferrolb.app.speaker.Speaker;
import io.ferrolb.domain.ownership.SplitBrainPolicy;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The tutorial, end to end, against a Kubernetes API: install, apply the tutorial's address pool,
 * expose {@code desoapp} as a LoadBalancer, show its EXTERNAL-IP and the node announcing it, delete
 * the namespace, and show the address back in the pool.
 */
public final class Demo {
  static final String NAMESPACE = "ferrolb-system";
  static final String APP_NS = "test-loadbalancer";
  static final String NODE = "demo-node";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String[] CRDS = {
    "bfdprofiles",
    "bgpadvertisements",
    "bgppeers",
    "communities",
    "configurationstates",
    "ipaddresspools",
    "l2advertisements",
    "servicebgpstatuses",
    "servicel2statuses"
  };

  private final KubernetesClient client;
  private final Supplier<KubernetesClient> newClient;
  private final PrintStream out;
  private final boolean embedded;
  private final Optional<Lab> lab;

  public Demo(
      KubernetesClient client,
      Supplier<KubernetesClient> newClient,
      PrintStream out,
      boolean embedded) {
    this(client, newClient, out, embedded, Optional.empty());
  }

  /**
   * With a {@link Lab}, the speaker runs as a process in the lab's node namespace (layer2, and bgp
   * toward the lab's router), and the story adds the client's ARP and the router's route.
   */
  public Demo(
      KubernetesClient client,
      Supplier<KubernetesClient> newClient,
      PrintStream out,
      boolean embedded,
      Optional<Lab> lab) {
    this.client = client;
    this.newClient = newClient;
    this.out = out;
    this.embedded = embedded;
    this.lab = lab;
  }

  /** The demo's speaker: in this JVM with the log announcer, or a process in the lab. */
  private interface DemoSpeaker extends AutoCloseable {
    boolean ready();

    @Override
    void close();
  }

  /** Runs the story; returns 0 when every step showed what it should. */
  public int run() throws Exception {
    step(
        "$ kubectl apply -f deploy/   # namespace "
            + NAMESPACE
            + ", CRDs, RBAC, controller, speaker");
    if (embedded) {
      installCrds();
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(NODE)
                  .withLabels(Map.of("kubernetes.io/hostname", NODE))
                  .endMetadata()
                  .build())
          .createOr(op -> op.update());
    }
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .createOr(op -> op.update());
    PrometheusRegistry registry = new PrometheusRegistry();
    try (KubernetesClient cc = newClient.get();
        Controller controller =
            Controller.start(
                cc,
                new Controller.Options(
                    NAMESPACE,
                    "",
                    "demo-controller",
                    LeaseLeadership.Timing.FAST,
                    true,
                    Optional.empty()),
                registry);
        DemoSpeaker speaker = startSpeaker()) {
      out.println("controller and speaker started; idle until configured");
      if (lab.isPresent()) {
        lab.get().awaitSpeakerReady();
      }
      await(
          "the memberlist Secret",
          () -> client.secrets().inNamespace(NAMESPACE).withName("memberlist").get() != null);
      out.println("secret/memberlist present (created by the controller; key secretkey)");

      step("$ kubectl apply -f metallb-config.yaml   # the tutorial's ConfigMap, unchanged format");
      try (InputStream in = resource("ferrolb/examples/tutorial-configmap.yaml")) {
        client.load(in).inNamespace(NAMESPACE).createOrReplace();
      }
      out.println("configmap/config created");
      if (lab.isPresent() && lab.get().hasRouter()) {
        step(
            "$ kubectl apply -f examples/demo-lab-bgp.yaml   # BGPPeer: the router "
                + Lab.ROUTER_IP
                + " (AS "
                + Lab.ROUTER_ASN
                + "); BGPAdvertisement of the pool");
        try (InputStream in = resource("ferrolb/examples/demo-lab-bgp.yaml")) {
          client.load(in).inNamespace(NAMESPACE).createOrReplace();
        }
        out.println("bgppeer/router created, bgpadvertisement/tutorial-pool created");
      }
      await("the configuration to load", () -> controller.loop().configLoaded());

      step(
          "$ kubectl create ns "
              + APP_NS
              + " && kubectl create deploy desoapp ... && kubectl expose deploy desoapp --type=LoadBalancer --port=80");
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(APP_NS).endMetadata().build())
          .createOr(op -> op.update());
      client.resource(desoapp()).createOr(op -> op.update());
      // no kubelet in an embedded API: the endpoint a running whoami pod would have
      client
          .resource(
              new EndpointSliceBuilder()
                  .withNewMetadata()
                  .withName("desoapp-x1")
                  .withNamespace(APP_NS)
                  .withLabels(Map.of("kubernetes.io/service-name", "desoapp"))
                  .endMetadata()
                  .withAddressType("IPv4")
                  .addNewEndpoint()
                  .withAddresses("10.244.0.12")
                  .withNodeName(NODE)
                  .withNewConditions()
                  .withReady(true)
                  .endConditions()
                  .endEndpoint()
                  .build())
          .createOr(op -> op.update());
      out.println("service/desoapp exposed");

      Service svc =
          await(
              "an EXTERNAL-IP",
              () -> client.services().inNamespace(APP_NS).withName("desoapp").get(),
              s -> s != null && !externalIp(s).equals("<pending>"));
      step("$ kubectl get svc -n " + APP_NS);
      out.printf(
          "%-9s %-14s %-16s %-15s %-14s %s%n",
          "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE");
      out.printf(
          "%-9s %-14s %-16s %-15s %-14s %s%n",
          "desoapp",
          "LoadBalancer",
          svc.getSpec().getClusterIP(),
          externalIp(svc),
          "80:31671/TCP",
          age(svc));
      String ip = externalIp(svc);
      await("the speaker to announce " + ip, speaker::ready);
      out.println("pool usage: " + usage(registry));
      // True once the speaker reports it; against a cluster where this demo's speaker has no Node
      // (--kubeconfig) the condition says why nobody announces, which is the story there
      String announced = announcedCondition(client);
      for (Instant end = Instant.now().plus(Duration.ofSeconds(10));
          !announced.startsWith("True ") && Instant.now().isBefore(end); ) {
        Thread.sleep(100);
        announced = announcedCondition(client);
      }
      step(
          "$ kubectl get svc desoapp -n "
              + APP_NS
              + " -o jsonpath='{.status.conditions[?(@.type==\"ferrolb.io/Announced\")]}'");
      out.println(announced.isEmpty() ? "(no condition yet)" : announced);
      if (lab.isPresent()) {
        step("# the client " + Lab.CLIENT_IP + " resolves " + ip + " on the LAN");
        lab.get().showArp(ip);
        if (lab.get().hasRouter()) {
          step("# the router " + Lab.ROUTER_IP + " learns " + ip + " over BGP");
          lab.get().showRoute(ip);
        }
      }

      step("$ kubectl delete ns " + APP_NS);
      client.services().inNamespace(APP_NS).withName("desoapp").delete();
      client.discovery().v1().endpointSlices().inNamespace(APP_NS).withName("desoapp-x1").delete();
      client.namespaces().withName(APP_NS).delete();
      out.println("namespace \"" + APP_NS + "\" deleted");
      await("the address back in the pool", () -> usage(registry).startsWith("0 of"));
      out.println("pool usage: " + usage(registry) + "  (" + ip + " is free again)");
      if (lab.isPresent() && lab.get().hasRouter()) {
        step("# the router drops the route");
        lab.get().showWithdrawn(ip);
      }
      return 0;
    }
  }

  private DemoSpeaker startSpeaker() throws Exception {
    if (lab.isPresent()) {
      Lab l = lab.get();
      l.startSpeaker(client.getMasterUrl().toString(), NODE, NAMESPACE);
      return new DemoSpeaker() {
        @Override
        public boolean ready() {
          return l.speakerReady();
        }

        @Override
        public void close() {
          // the lab stops its processes
        }
      };
    }
    KubernetesClient sc = newClient.get();
    Speaker speaker =
        Speaker.start(
            sc,
            new Speaker.Options(
                NODE,
                NAMESPACE,
                "",
                Set.of("log"),
                "log",
                Optional.of("203.0.113.11"),
                0,
                false,
                SplitBrainPolicy.Mode.QUORUM,
                Map.of("log.stdout", "true"),
                Duration.ofSeconds(20),
                Fabric8SpeakerView.SPEAKER_PODS,
                Optional.empty()),
            new PrometheusRegistry());
    return new DemoSpeaker() {
      @Override
      public boolean ready() {
        return speaker.loop().ready();
      }

      @Override
      public void close() {
        speaker.close();
        sc.close();
      }
    };
  }

  /** The plural names of the metallb.io CRDs shipped in the jar. */
  public static java.util.List<String> crdPlurals() {
    return java.util.List.of(CRDS);
  }

  private void installCrds() throws IOException {
    for (String plural : CRDS) {
      try (InputStream in = resource("ferrolb/crds/metallb.io_" + plural + ".yaml")) {
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .load(in)
            .createOr(op -> op.update());
      }
    }
  }

  static Service desoapp() {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("desoapp")
        .withNamespace(APP_NS)
        .withLabels(Map.of("app", "desoapp"))
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .withClusterIP("10.105.105.211")
        .withClusterIPs("10.105.105.211")
        .withIpFamilies("IPv4")
        .addNewPort()
        .withProtocol("TCP")
        .withPort(80)
        .withNodePort(31671)
        .endPort()
        .withSelector(Map.of("app", "desoapp"))
        .endSpec()
        .build();
  }

  static String externalIp(Service s) {
    if (s.getStatus() == null
        || s.getStatus().getLoadBalancer() == null
        || s.getStatus().getLoadBalancer().getIngress() == null
        || s.getStatus().getLoadBalancer().getIngress().isEmpty()) {
      return "<pending>";
    }
    return s.getStatus().getLoadBalancer().getIngress().get(0).getIp();
  }

  private static String age(Service s) {
    String created = s.getMetadata().getCreationTimestamp();
    if (created == null) {
      return "0s";
    }
    long secs = Duration.between(Instant.parse(created), Instant.now()).toSeconds();
    return Math.max(secs, 0) + "s";
  }

  /** "in use of total" for the tutorial's pool, from the controller's metrics. */
  private static String usage(PrometheusRegistry registry) {
    long inUse = -1;
    long total = -1;
    for (var snapshot : registry.scrape()) {
      String name = snapshot.getMetadata().getPrometheusName();
      for (var point : snapshot.getDataPoints()) {
        if (!"metallb-ip-space".equals(point.getLabels().get("pool"))) {
          continue;
        }
        if (point
            instanceof
            io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot g) {
          if (name.equals("metallb_allocator_addresses_in_use_total")) {
            inUse = (long) g.getValue();
          } else if (name.equals("metallb_allocator_addresses_total")) {
            total = (long) g.getValue();
          }
        }
      }
    }
    return inUse + " of " + total + " addresses of pool metallb-ip-space in use";
  }

  private static InputStream resource(String path) throws IOException {
    InputStream in = Demo.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new IOException("missing resource " + path + " in the ferrolb jar");
    }
    return in;
  }

  private void step(String what) {
    out.println();
    out.println(what);
  }

  /** The condition as "Status Reason: message", or "" while there is none. */
  private static String announcedCondition(KubernetesClient client) {
    Service s = client.services().inNamespace(APP_NS).withName("desoapp").get();
    if (s == null || s.getStatus() == null || s.getStatus().getConditions() == null) {
      return "";
    }
    return s.getStatus().getConditions().stream()
        .filter(c -> "ferrolb.io/Announced".equals(c.getType()))
        .map(c -> c.getStatus() + " " + c.getReason() + ": " + c.getMessage())
        .findFirst()
        .orElse("");
  }

  private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    await(what, condition, Boolean::booleanValue);
  }

  private static <T> T await(String what, Supplier<T> value, Predicate<T> done)
      throws InterruptedException {
    Instant end = Instant.now().plus(WAIT);
    while (true) {
      T v = value.get();
      if (done.test(v)) {
        return v;
      }
      if (Instant.now().isAfter(end)) {
        throw new IllegalStateException("demo: waited " + WAIT.toSeconds() + " s for " + what);
      }
      Thread.sleep(50); // a console demo polling the API, not a test
    }
  }
}
