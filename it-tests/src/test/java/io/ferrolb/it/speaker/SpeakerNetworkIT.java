package io.ferrolb.it.speaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.controller.Controller;
import io.ferrolb.domain.ownership.NodeElection;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.it.controller.Fixtures;
import io.ferrolb.it.support.Crds;
import io.ferrolb.it.support.MetallbMetrics;
import io.ferrolb.it.support.Nodes;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole product on a real segment: the controller in this JVM and three speaker JVMs, each in
 * its own node namespace (flbs-n1..n3) reaching the in-memory API server over a link of its own
 * (198.19.255.0/24, RFC 2544), announcing on a bridged segment (203.0.113.0/24, 2001:db8:77::/64)
 * that a client namespace probes with arping and ndisc6. Root only; skips with a message otherwise.
 */
class SpeakerNetworkIT {
  static final String P = "flbs-";
  static final List<String> NODES = List.of("n1", "n2", "n3");
  static final String API = "198.19.255.1";
  static final Duration WAIT = Duration.ofSeconds(60);

  /** Logs and the kubeconfig stay here after the run (target/ of it-tests) for post-mortems. */
  static final Path dir = Path.of("target", "speaker-network-it");

  static KubernetesMockServer server;
  static KubernetesClient client;
  static Controller controller;
  static final Map<String, Process> speakers = new HashMap<>();

  static int num(String h) {
    return switch (h) {
      case "cli" -> 100;
      case "rtr" -> 1;
      default -> 10 + Integer.parseInt(h.substring(1));
    };
  }

  static String mac(String h) {
    return String.format("02:77:05:00:00:%02x", num(h));
  }

  @BeforeAll
  static void topologyApiControllerAndSpeakers() throws Exception {
    String missing = missing("ip", "arping", "ndisc6");
    Assumptions.assumeTrue(missing == null, () -> "speaker network IT skipped: " + missing);
    Files.createDirectories(dir);
    try (Stream<Path> old = Files.list(dir)) {
      for (Path f : old.toList()) {
        Files.delete(f);
      }
    }
    down();
    sh("ip netns add " + P + "sw");
    sh("ip -n " + P + "sw link add " + P + "lan type bridge stp_state 0 mcast_snooping 0");
    sh("ip -n " + P + "sw link add " + P + "apibr type bridge stp_state 0");
    sh("ip -n " + P + "sw link set " + P + "lan up");
    sh("ip -n " + P + "sw link set " + P + "apibr up");
    sh("ip netns exec " + P + "sw sysctl -q -w net.ipv6.conf.all.disable_ipv6=1");
    for (String h : List.of("n1", "n2", "n3", "cli", "rtr")) {
      String ns = P + h;
      sh("ip netns add " + ns);
      sh(
          "ip netns exec "
              + ns
              + " sysctl -q -w net.ipv6.conf.all.accept_dad=0"
              + " net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0");
      sh("ip -n " + P + "sw link add " + P + "l" + h + " type veth peer name eth0 netns " + ns);
      sh("ip -n " + P + "sw link set " + P + "l" + h + " master " + P + "lan up");
      sh("ip -n " + ns + " link set eth0 address " + mac(h));
      sh("ip -n " + ns + " addr add 203.0.113." + num(h) + "/24 dev eth0");
      sh("ip -n " + ns + " addr add 2001:db8:77::" + num(h) + "/64 dev eth0 nodad");
      sh("ip -n " + ns + " link set eth0 up");
      sh("ip -n " + ns + " link set lo up");
      if (h.startsWith("n")) {
        sh("ip -n " + P + "sw link add " + P + "a" + h + " type veth peer name api0 netns " + ns);
        sh("ip -n " + P + "sw link set " + P + "a" + h + " master " + P + "apibr up");
        sh("ip -n " + ns + " addr add 198.19.255." + num(h) + "/24 dev api0");
        sh("ip -n " + ns + " link set api0 up");
      }
    }
    sh("ip link add " + P + "api type veth peer name " + P + "apip netns " + P + "sw");
    sh("ip -n " + P + "sw link set " + P + "apip master " + P + "apibr up");
    sh("ip addr add " + API + "/24 dev " + P + "api");
    sh("ip link set " + P + "api up");

    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getByName(API), 0);
    client = server.createClient();
    Crds.install(client);
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("ferrolb-system")
                .endMetadata()
                .build())
        .create();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build())
        .create();
    for (String n : NODES) {
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(n)
                  .withLabels(new HashMap<>(Map.of("kubernetes.io/hostname", n)))
                  .endMetadata()
                  .withNewStatus()
                  .addNewAddress()
                  .withType("InternalIP")
                  .withAddress("203.0.113." + num(n))
                  .endAddress()
                  .endStatus()
                  .build())
          .create();
      client
          .pods()
          .inNamespace("ferrolb-system")
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName("speaker-" + n)
                  .withLabels(Map.of("app.kubernetes.io/component", "speaker"))
                  .endMetadata()
                  .withNewSpec()
                  .withNodeName(n)
                  .addNewContainer()
                  .withName("speaker")
                  .withImage("ferrolb")
                  .endContainer()
                  .endSpec()
                  .withNewStatus()
                  .withPhase("Running")
                  .endStatus()
                  .build())
          .create();
    }
    cr(
        "IPAddressPool",
        "ipaddresspools",
        "lan",
        Map.of(
            "addresses",
            List.of("203.0.113.200-203.0.113.239", "2001:db8:77::200-2001:db8:77::20f")));
    cr("L2Advertisement", "l2advertisements", "lan", Map.of("interfaces", List.of("eth0")));
    if (Files.isExecutable(Path.of("/usr/lib/frr/bgpd"))) {
      startFrr();
      crV2(
          "BGPPeer",
          "bgppeers",
          "frr",
          Map.of(
              "myASN",
              64500L,
              "peerASN",
              64496L,
              "peerAddress",
              "203.0.113.1",
              "holdTime",
              "9s",
              "enableGracefulRestart",
              true));
      cr(
          "BGPAdvertisement",
          "bgpadvertisements",
          "lan",
          Map.of("ipAddressPools", List.of("lan"), "communities", List.of("64500:7")));
    }

    controller =
        Controller.start(
            server.createClient(),
            new Controller.Options(
                "ferrolb-system", "", "it", LeaseLeadership.Timing.FAST, true, Optional.empty()),
            new PrometheusRegistry());
    Files.writeString(
        dir.resolve("kubeconfig"),
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters: [{name: it, cluster: {server: 'http://"
                + API
                + ":"
                + server.getPort()
                + "'}}]",
            "contexts: [{name: it, context: {cluster: it, user: it}}]",
            "current-context: it",
            "users: [{name: it, user: {token: it}}]",
            ""));
    for (String n : NODES) {
      startSpeaker(n);
    }
  }

  static Path frr;

  /** FRR 8.4 (zebra + bgpd, as user frr) in flbs-rtr: AS 64496, the three nodes as eBGP peers. */
  static void startFrr() throws IOException {
    frr = Files.createTempDirectory("flbs-frr");
    String d = frr.toString();
    Files.writeString(frr.resolve("zebra.conf"), "hostname flbs-rtr\n");
    StringBuilder conf =
        new StringBuilder(
            String.join(
                "\n",
                "router bgp 64496",
                " bgp router-id 203.0.113.1",
                " bgp graceful-restart",
                " no bgp ebgp-requires-policy",
                " no bgp default ipv4-unicast",
                " bgp bestpath as-path multipath-relax",
                " neighbor SPK peer-group",
                " neighbor SPK remote-as 64500",
                " neighbor SPK timers connect 1",
                ""));
    for (String n : NODES) {
      conf.append(" neighbor 203.0.113.").append(num(n)).append(" peer-group SPK\n");
    }
    conf.append(
        " address-family ipv4 unicast\n  neighbor SPK activate\n  maximum-paths 8\n exit-address-family\n");
    Files.writeString(frr.resolve("bgpd.conf"), conf.toString());
    sh("chmod 755 " + d + " && chown -R frr:frr " + d);
    String common = " -d -u frr -g frr -P 0 -z " + d + "/zserv.api --vty_socket " + d;
    sh(
        "ip netns exec "
            + P
            + "rtr /usr/lib/frr/zebra"
            + common
            + " -f "
            + d
            + "/zebra.conf -i "
            + d
            + "/zebra.pid --log file:"
            + d
            + "/zebra.log");
    sh("for i in $(seq 100); do [ -S " + d + "/zserv.api ] && break; sleep 0.1; done");
    sh(
        "ip netns exec "
            + P
            + "rtr /usr/lib/frr/bgpd"
            + common
            + " -f "
            + d
            + "/bgpd.conf -i "
            + d
            + "/bgpd.pid --log file:"
            + d
            + "/bgpd.log");
    sh("for i in $(seq 100); do [ -S " + d + "/bgpd.vty ] && break; sleep 0.1; done");
  }

  static String vtysh(String command) throws IOException {
    return run("vtysh --vty_socket " + frr + " -c '" + command + "'");
  }

  static void crV2(String kind, String plural, String name, Map<String, Object> spec) {
    cr("v1beta2", kind, plural, name, spec);
  }

  static void startSpeaker(String n) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                P + n,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xss512k",
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classpath(),
                "io.ferrolb.app.Main",
                "speaker",
                "--node-name",
                n,
                "--host-ip",
                "203.0.113." + num(n),
                "--namespace",
                "ferrolb-system",
                "--announcers",
                frr == null ? "layer2" : "layer2,bgp",
                "--metrics-port",
                "7472"));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dir.resolve("speaker-" + n + ".log").toFile()));
    pb.environment().put("KUBECONFIG", dir.resolve("kubeconfig").toString());
    speakers.put(n, pb.start());
  }

  @AfterAll
  static void cleanUp() throws Exception {
    for (Process p : speakers.values()) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (controller != null) {
      controller.close();
    }
    if (frr != null) {
      Files.writeString(
          dir.resolve("frr-summary.txt"),
          vtysh("show bgp summary") + vtysh("show bgp ipv4 unicast"));
      run("cp " + frr + "/bgpd.log " + dir + "/ 2>/dev/null");
      for (String daemon : List.of("bgpd", "zebra")) {
        run(
            "f="
                + frr
                + "/"
                + daemon
                + ".pid; [ -s $f ] && grep -q '^"
                + daemon
                + "' /proc/$(cat $f)/comm"
                + " && kill $(cat $f)");
      }
      run("sleep 0.3; rm -rf " + frr);
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.destroy();
    }
    if (missing("ip") == null) {
      down();
    }
  }

  static void down() throws IOException {
    for (String line : run("ip netns list").split("\n")) {
      String name = line.trim().split("\\s+")[0];
      if (name.startsWith(P)) {
        run("ip netns pids " + name + " | xargs -r kill -9");
        run("ip netns del " + name);
      }
    }
    run("ip link del " + P + "api");
  }

  static void cr(String kind, String plural, String name, Map<String, Object> spec) {
    cr("v1beta1", kind, plural, name, spec);
  }

  static void cr(
      String version, String kind, String plural, String name, Map<String, Object> spec) {
    GenericKubernetesResource r =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("metallb.io/" + version)
            .withKind(kind)
            .withNewMetadata()
            .withName(name)
            .withNamespace("ferrolb-system")
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", spec))
            .build();
    client
        .genericKubernetesResources(
            new ResourceDefinitionContext.Builder()
                .withGroup("metallb.io")
                .withVersion(version)
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build())
        .inNamespace("ferrolb-system")
        .resource(r)
        .createOr(op -> op.update());
  }

  /** A LoadBalancer service pinned to {@code ip}, with ready endpoints on {@code endpointNodes}. */
  static void service(String name, String ip, String etp, String... endpointNodes) {
    service(name, ip, etp, Map.of(), endpointNodes);
  }

  static void service(
      String name,
      String ip,
      String etp,
      Map<String, String> annotations,
      String... endpointNodes) {
    boolean v6 = ip.contains(":");
    String clusterIp =
        v6
            ? "2001:db8:96::" + Math.abs(name.hashCode() % 1000)
            : "10.96.1." + Math.abs(name.hashCode() % 250);
    client
        .services()
        .inNamespace("default")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .withAnnotations(Map.of("metallb.io/loadBalancerIPs", ip))
                .addToAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .withExternalTrafficPolicy(etp)
                .withClusterIP(clusterIp)
                .withClusterIPs(clusterIp)
                .withIpFamilies(v6 ? "IPv6" : "IPv4")
                .addNewPort()
                .withProtocol("TCP")
                .withPort(80)
                .endPort()
                .withSelector(Map.of("app", name))
                .endSpec()
                .build())
        .createOr(op -> op.update());
    var slice =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(name + "-1")
            .withNamespace("default")
            .withLabels(Map.of("kubernetes.io/service-name", name))
            .endMetadata()
            .withAddressType(v6 ? "IPv6" : "IPv4");
    int i = 1;
    for (String n : endpointNodes) {
      slice
          .addNewEndpoint()
          .withAddresses(v6 ? "2001:db8:244::" + i++ : "10.244.0." + i++)
          .withNodeName(n)
          .withNewConditions()
          .withReady(true)
          .endConditions()
          .endEndpoint();
    }
    client.resource(slice.build()).createOr(op -> op.update());
  }

  /** The Service's ferrolb.io/Announced condition as "Status Reason: message", or "". */
  static String announced(String name) {
    return Fixtures.announced(client, "default", name);
  }

  /** The MACs that answer {@code arping} for {@code ip} from the client. */
  static Set<String> arpingMacs(String ip) throws IOException {
    return macsIn(run("ip netns exec " + P + "cli arping -c 2 -w 4 -I eth0 " + ip));
  }

  /** The MACs in arping's output. */
  static Set<String> macsIn(String out) {
    Set<String> macs = new TreeSet<>();
    Matcher m = Pattern.compile("\\[([0-9a-fA-F:]{17})\\]").matcher(out);
    while (m.find()) {
      macs.add(m.group(1).toLowerCase());
    }
    return macs;
  }

  static String owner(String ip, List<String> candidates) {
    return NodeElection.elect(candidates, IpAddress.parse(ip)).winner().orElseThrow();
  }

  @Test
  void exactlyOneMacAnswersArpAndItIsTheElectedOwners() throws IOException {
    String vip = "203.0.113.201";
    service("arp", vip, "Cluster", "n1", "n2", "n3");
    String owner = owner(vip, NODES);

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> arpingMacs(vip), m -> m.equals(Set.of(mac(owner))));
    // the controller tells users who answers, from the owner's ServiceL2Status
    await()
        .atMost(WAIT)
        .until(
            () -> announced("arp"),
            c ->
                c.startsWith("True Layer2")
                    && c.contains(vip + " answered in Layer 2 by node \"" + owner + "\" on eth0"));
    // the kubectl plugin, as a user runs it (bin/kubectl-ferrolb, a kubeconfig, the live API)
    Result explained =
        exec(
            Path.of("..").toAbsolutePath().normalize().resolve("bin/kubectl-ferrolb")
                + " explain svc/arp -n default --kubeconfig "
                + dir.resolve("kubeconfig"));
    assertThat(explained.exit()).as(explained.out()).isZero();
    assertThat(explained.out())
        .contains(
            "EXTERNAL-IP:   " + vip + " (pool \"lan\")",
            "Layer 2:       node " + owner + " answers ARP/NDP on eth0",
            "Announced:     yes (");
    // the owner counted the requests and its answers under MetalLB's names (no _total)
    await()
        .atMost(WAIT)
        .until(
            () -> metrics(owner),
            m ->
                m.matches(
                    "(?s).*metallb_layer2_requests_received\\{ip=\"" + vip + "\"\\} [1-9].*"));
    MetallbMetrics.assertMatches(
        metrics(owner),
        "speaker",
        Set.of(
            "metallb_layer2_requests_received",
            "metallb_layer2_responses_sent",
            "metallb_layer2_gratuitous_sent",
            "metallb_speaker_announced",
            "metallb_k8s_client_updates_total",
            "metallb_k8s_client_update_errors_total",
            "metallb_k8s_client_config_loaded_bool",
            "metallb_k8s_client_config_stale_bool"));
  }

  @Test
  void aServiceNobodyAnnouncesSaysWhyInItsCondition() {
    service("noendpoint", "203.0.113.209", "Cluster");

    await()
        .atMost(WAIT)
        .until(
            () -> announced("noendpoint"),
            c ->
                c.equals(
                    "False NoServingEndpoints: 203.0.113.209 is not announced: no ready or serving"
                        + " endpoint in the cluster"));

    // an endpoint appears: the owner announces, and the condition follows
    service("noendpoint", "203.0.113.209", "Cluster", "n1", "n2", "n3");
    String owner = owner("203.0.113.209", NODES);
    await()
        .atMost(WAIT)
        .until(
            () -> announced("noendpoint"),
            c -> c.startsWith("True ") && c.contains("by node \"" + owner + "\""));
  }

  @Test
  void ndisc6ResolvesAnIpv6AddressToTheOwner() {
    String vip = "2001:db8:77::201";
    service("ndp", vip, "Cluster", "n1", "n2", "n3");
    String owner = owner(vip, NODES);

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                run("ip netns exec " + P + "cli ndisc6 -1 -r 1 -w 1000 " + vip + " eth0")
                    .toLowerCase(),
            out -> out.contains(mac(owner)));
  }

  @Test
  void localTrafficPolicyAnswersFromTheNodeWithTheEndpoint() {
    String vip = "203.0.113.202";
    String owner = owner(vip, NODES);
    String other = NODES.stream().filter(n -> !n.equals(owner)).findFirst().orElseThrow();
    service("local", vip, "Local", other);

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> arpingMacs(vip), m -> m.equals(Set.of(mac(other))));
  }

  @Test
  void theExcludeLabelMovesTheAddressToTheNextNode() {
    String vip = "203.0.113.203";
    List<String> order = NodeElection.elect(NODES, IpAddress.parse(vip)).ordered();
    service("exclude", vip, "Cluster", "n1", "n2", "n3");
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> arpingMacs(vip), m -> m.equals(Set.of(mac(order.get(0)))));

    Nodes.exclude(client, order.get(0));
    try {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> arpingMacs(vip), m -> m.equals(Set.of(mac(order.get(1)))));
    } finally {
      Nodes.include(client, order.get(0));
    }
  }

  @Test
  void killingTheOwnerMovesTheAddressAndGratuitousArpUpdatesTheClient() throws Exception {
    String vip = "203.0.113.204";
    List<String> order = NodeElection.elect(NODES, IpAddress.parse(vip)).ordered();
    service("failover", vip, "Cluster", "n1", "n2", "n3");
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> arpingMacs(vip), m -> m.equals(Set.of(mac(order.get(0)))));
    // the client resolves the address the ordinary way: a datagram makes the kernel ARP for it
    run("ip netns exec " + P + "cli bash -c 'echo x > /dev/udp/" + vip + "/9'");
    await().atMost(WAIT).until(() -> neighbour(vip), m -> m.contains(mac(order.get(0))));

    speakers.get(order.get(0)).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    try {
      // no new request from the client: only the new owner's gratuitous ARP can change the entry
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> neighbour(vip), m -> m.contains(mac(order.get(1))));
    } finally {
      startSpeaker(order.get(0));
    }
  }

  /**
   * A speaker process killed with SIGKILL and started again (issue 15, crashes): its addresses fail
   * over to the next nodes and come back to it once it is up, and the other nodes' addresses never
   * move and are never left unanswered. Watched on the wire from the client namespace: every ARP
   * answer and gratuitous ARP (tcpdump), and an arping of each of the others' addresses in rounds
   * throughout.
   */
  @Test
  void aSpeakerKilledAndRestartedTakesBackItsAddressesAndNoOtherAddressMoves() throws Exception {
    String missingDump = missing("tcpdump");
    Assumptions.assumeTrue(
        missingDump == null, () -> "speaker crash check skipped: " + missingDump);
    Map<String, String> ownerOf = new java.util.LinkedHashMap<>(); // vip -> elected owner
    for (int i = 220; i < 232; i++) {
      String vip = "203.0.113." + i;
      ownerOf.put(vip, owner(vip, NODES));
      service("crash-" + i, vip, "Cluster", "n1", "n2", "n3");
    }
    Map<String, Long> perNode = new TreeMap<>();
    ownerOf.values().forEach(n -> perNode.merge(n, 1L, Long::sum));
    String victim =
        perNode.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    List<String> victims = new ArrayList<>();
    List<String> others = new ArrayList<>();
    ownerOf.forEach((vip, n) -> (n.equals(victim) ? victims : others).add(vip));
    for (String vip : ownerOf.keySet()) {
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> arpingMacs(vip), m -> m.equals(Set.of(mac(ownerOf.get(vip)))));
    }

    List<String> wire = new java.util.concurrent.CopyOnWriteArrayList<>();
    Process dump =
        new ProcessBuilder(
                "ip", "netns", "exec", P + "cli", "tcpdump", "-l", "-n", "-e", "-i", "eth0", "arp")
            .redirectErrorStream(true)
            .start();
    Thread reader =
        new Thread(
            () -> {
              try (var in =
                  new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          dump.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  wire.add(line);
                }
              } catch (IOException e) {
                wire.add("READ FAILED " + e);
              }
            });
    reader.setDaemon(true);
    reader.start();
    List<String> wrongRounds = new ArrayList<>();
    int rounds = 0;
    double failoverS;
    double backS;
    try {
      await().atMost(WAIT).until(() -> wire.stream().anyMatch(l -> l.contains("listening on")));
      speakers.get(victim).destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9
      long killed = System.nanoTime();
      // the others take the victim's addresses over, within the gossip's failure detection
      Set<String> movedAway = new TreeSet<>();
      while (movedAway.size() < victims.size()) {
        rounds += checkRound(others, ownerOf, wrongRounds);
        for (String vip : victims) {
          Set<String> macs = arpingOnce(vip);
          if (macs.size() == 1 && !macs.contains(mac(victim))) {
            movedAway.add(vip);
          }
        }
        assertThat(System.nanoTime() - killed)
            .as("%s's addresses %s taken over (done: %s)", victim, victims, movedAway)
            .isLessThan(WAIT.toNanos());
      }
      failoverS = (System.nanoTime() - killed) / 1e9;
      long restarted = System.nanoTime();
      startSpeaker(victim);
      Set<String> back = new TreeSet<>();
      while (back.size() < victims.size()) {
        rounds += checkRound(others, ownerOf, wrongRounds);
        for (String vip : victims) {
          if (arpingOnce(vip).equals(Set.of(mac(victim)))) {
            back.add(vip);
          } else {
            back.remove(vip);
          }
        }
        assertThat(System.nanoTime() - restarted)
            .as("%s re-announces %s after its restart (done: %s)", victim, victims, back)
            .isLessThan(WAIT.toNanos());
      }
      backS = (System.nanoTime() - restarted) / 1e9;
      for (int i = 0; i < 5; i++) { // and it stays that way
        rounds += checkRound(others, ownerOf, wrongRounds);
      }
    } finally {
      dump.destroy();
      dump.waitFor(5, TimeUnit.SECONDS);
      reader.join(5_000);
      if (!speakers.get(victim).isAlive()) {
        startSpeaker(victim);
      }
      for (int i = 220; i < 232; i++) {
        client.services().inNamespace("default").withName("crash-" + i).delete();
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace("default")
            .withName("crash-" + i + "-1")
            .delete();
      }
    }
    // every ARP answer or gratuitous ARP for another node's address came from that node
    Pattern reply = Pattern.compile("^\\S+ ([0-9a-f:]{17}) > .*Reply (\\S+) is-at ([0-9a-f:]{17})");
    Pattern gratuitous =
        Pattern.compile("^\\S+ ([0-9a-f:]{17}) > .*Request who-has (\\S+) tell (\\S+),");
    List<String> foreign = new ArrayList<>();
    int seen = 0;
    for (String line : wire) {
      Matcher r = reply.matcher(line);
      Matcher g = gratuitous.matcher(line);
      String vip = null;
      String from = null;
      if (r.find()) {
        vip = r.group(2);
        from = r.group(3);
      } else if (g.find() && g.group(2).equals(g.group(3))) {
        vip = g.group(2);
        from = g.group(1);
      }
      if (vip == null || !others.contains(vip)) {
        continue;
      }
      seen++;
      if (!from.equals(mac(ownerOf.get(vip)))) {
        foreign.add(line);
      }
    }
    System.out.printf(
        "speaker crash: victim %s with %s; others %s; failover %.2f s; back %.2f s after its"
            + " restart; %d rounds of arping, %d ARP answers for the others' addresses seen%n",
        victim, victims, others, failoverS, backS, rounds, seen);
    assertThat(seen).as("ARP answers for the others' addresses on the wire").isPositive();
    assertThat(foreign).as("the others' addresses answered by another node").isEmpty();
    assertThat(wrongRounds).as("rounds where another node's address was not its owner's").isEmpty();
  }

  /** One arping of each of {@code vips}; a wrong answer (or none) goes to {@code wrong}. */
  private static int checkRound(List<String> vips, Map<String, String> ownerOf, List<String> wrong)
      throws IOException {
    for (String vip : vips) {
      Set<String> macs = arpingOnce(vip);
      if (!macs.equals(Set.of(mac(ownerOf.get(vip))))) {
        wrong.add(System.currentTimeMillis() + " " + vip + " answered by " + macs);
      }
    }
    return 1;
  }

  /** The MACs that answer one ARP request for {@code ip} within a second. */
  static Set<String> arpingOnce(String ip) throws IOException {
    return macsIn(run("ip netns exec " + P + "cli arping -c 1 -w 1 -I eth0 " + ip));
  }

  @Test
  void everyNodeAdvertisesAClusterServiceToTheRouterAsEcmpWithTheCommunity() throws IOException {
    Assumptions.assumeTrue(
        frr != null, "FRR is not installed (/usr/lib/frr/bgpd): BGP part skipped");
    service("bgp-cluster", "203.0.113.205", "Cluster", "n1", "n2", "n3");

    awaitNextHopsFromEveryNode("203.0.113.205/32");
    assertThat(vtysh("show bgp ipv4 unicast 203.0.113.205/32")).contains("64500:7");
    await()
        .atMost(WAIT)
        .until(
            () -> announced("bgp-cluster"),
            c ->
                c.startsWith("True Layer2AndBGP")
                    && c.contains(
                        "advertised over BGP by nodes \"n1\", \"n2\", \"n3\" to peer frr"));
    for (String n : NODES) {
      await()
          .atMost(WAIT)
          .until(
              () -> metrics(n),
              m ->
                  // MetalLB's peer label: address:port
                  m.contains("metallb_bgp_session_up{peer=\"203.0.113.1:179\"} 1.0")
                      && m.matches(
                          "(?s).*metallb_bgp_pending_prefixes_total\\{peer=\"203.0.113.1:179\"\\} [1-9].*")
                      && m.contains(
                          "metallb_speaker_announced{ip=\"203.0.113.205\",node=\""
                              + n
                              + "\",protocol=\"bgp\"")
                      && m.matches(
                          "(?s).*metallb_bgp_announced_prefixes_total\\{peer=\"203.0.113.1:179\"\\}"
                              + " [1-9].*"));
      MetallbMetrics.assertMatches(
          metrics(n),
          "speaker",
          Set.of(
              "metallb_bgp_session_up",
              "metallb_bgp_updates_total",
              "metallb_bgp_announced_prefixes_total",
              "metallb_bgp_pending_prefixes_total",
              "metallb_speaker_announced"));
    }
  }

  @Test
  void theServicesCommunityAnnotationIsAddedToTheAdvertisementsCommunityOnTheRouter()
      throws IOException {
    Assumptions.assumeTrue(
        frr != null, "FRR is not installed (/usr/lib/frr/bgpd): BGP part skipped");
    var annotation = Map.of("ferrolb.io/bgp-communities", "64500:8, large:64500:1:2");
    service("bgp-annotated", "203.0.113.208", "Cluster", annotation, "n1", "n2", "n3");

    awaitNextHopsFromEveryNode("203.0.113.208/32");
    assertThat(vtysh("show bgp ipv4 unicast 203.0.113.208/32"))
        .contains("64500:7", "64500:8", "64500:1:2");
  }

  @Test
  void aSpeakerStoppedWithSigtermLeavesItsRoutesOnTheRouterUntilItIsBack() throws Exception {
    Assumptions.assumeTrue(
        frr != null, "FRR is not installed (/usr/lib/frr/bgpd): BGP part skipped");
    service("bgp-restart", "203.0.113.207", "Cluster", "n1", "n2", "n3");
    awaitNextHopsFromEveryNode("203.0.113.207/32");

    // what a rolling upgrade does to the pod: SIGTERM, then wait for the process to exit
    Process n3 = speakers.get("n3");
    n3.destroy();
    try {
      assertThat(n3.waitFor(15, TimeUnit.SECONDS)).as("n3 exits after SIGTERM").isTrue();
      assertThat(Files.readString(dir.resolve("speaker-n3.log")))
          .contains("event=bgpStoppedForRestart");
      await("FRR sees n3's session go down")
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  !vtysh("show bgp neighbor 203.0.113.13 json")
                      .contains("\"bgpState\":\"Established\""));
      // no NOTIFICATION was sent: graceful restart keeps n3's path, marked stale
      assertThat(nextHops("203.0.113.207/32")).contains("203.0.113.13");
      assertThat(vtysh("show bgp ipv4 unicast 203.0.113.207/32 json")).contains("\"stale\":true");
    } finally {
      startSpeaker("n3");
    }
    await("n3 back, its route fresh")
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                vtysh("show bgp neighbor 203.0.113.13 json")
                        .contains("\"bgpState\":\"Established\"")
                    && !vtysh("show bgp ipv4 unicast 203.0.113.207/32 json").contains("stale"));
  }

  /** The speaker's /metrics, fetched inside its namespace. */
  static String metrics(String node) throws IOException {
    return run("ip netns exec " + P + node + " curl -s http://127.0.0.1:7472/metrics");
  }

  @Test
  void aLocalServiceIsAdvertisedOnlyByTheNodeWithTheEndpoint() {
    Assumptions.assumeTrue(
        frr != null, "FRR is not installed (/usr/lib/frr/bgpd): BGP part skipped");
    service("bgp-local", "203.0.113.206", "Local", "n2");

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> nextHops("203.0.113.206/32"), h -> h.equals(Set.of("203.0.113.12")));
  }

  /** Waits until FRR holds {@code prefix} with all three nodes as next hops (ECMP). */
  static void awaitNextHopsFromEveryNode(String prefix) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> nextHops(prefix),
            h -> h.equals(Set.of("203.0.113.11", "203.0.113.12", "203.0.113.13")));
  }

  /** The next hops FRR holds for {@code prefix}, from its BGP table. */
  static Set<String> nextHops(String prefix) throws IOException {
    String out = vtysh("show bgp ipv4 unicast " + prefix + " json");
    Set<String> hops = new TreeSet<>();
    Matcher m = Pattern.compile("\"ip\":\"(203\\.0\\.113\\.\\d+)\"").matcher(out);
    while (m.find()) {
      hops.add(m.group(1));
    }
    return hops;
  }

  static String neighbour(String ip) throws IOException {
    return run("ip -n " + P + "cli neigh show " + ip).toLowerCase();
  }

  // --- shell helpers ---

  static String missing(String... binaries) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root (running as " + System.getProperty("user.name") + ")";
    }
    for (String b : binaries) {
      if (Stream.of("/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/")
          .noneMatch(d -> Files.isExecutable(Path.of(d + b)))) {
        return b + " is not installed";
      }
    }
    return null;
  }

  static String sh(String cmd) throws IOException {
    Result r = exec(cmd);
    if (r.exit() != 0) {
      throw new IOException(cmd + " -> exit " + r.exit() + ": " + r.out());
    }
    return r.out();
  }

  static String run(String cmd) throws IOException {
    return exec(cmd).out();
  }

  record Result(int exit, String out) {}

  static Result exec(String cmd) throws IOException {
    Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(cmd + ": timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return new Result(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }
}
