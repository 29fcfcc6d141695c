package io.ferrolb.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.ferrolb.adapters.k8s.Fabric8SpeakerView;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.adapters.k8s.RequestRateLimit;
import io.ferrolb.adapters.k8s.RetryAfter;
import io.ferrolb.app.controller.Controller;
import io.ferrolb.app.speaker.Speaker;
import io.ferrolb.domain.ownership.SplitBrainPolicy;
import io.ferrolb.it.controller.AddressChecker;
import io.ferrolb.it.controller.Fixtures;
import io.ferrolb.it.speaker.RecordingAnnouncerProvider;
import io.ferrolb.it.support.Crds;
import io.ferrolb.ports.out.DesiredAnnouncements;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller and three speakers through {@link FaultyApiProxy} while Services come and go
 * (issue 15, item 1). The test's own client and the checker's watch go to the mock server directly:
 * the checker keeps address -> Service from every event, so two Services holding one address at
 * once, an address changing or a second address is recorded the moment the API server stores it.
 * When the faults stop, churn stops too, and the test measures how long until every Service has one
 * address of its own, announced by exactly one speaker, with a matching ServiceL2Status; the loop
 * threads must have lived throughout.
 *
 * <p>Sizes: {@code -Dchaos.services} Services created in all (1000), at most {@code -Dchaos.live}
 * at once (120), over {@code -Dchaos.seconds} of faults (120); {@code -Dchaos.seed} (15).
 */
class ChaosIT {
  private static final String NS = "ferrolb-system";
  private static final List<String> NODES = List.of("n1", "n2", "n3");
  private static final List<String> TEAMS = List.of("team-a", "team-b", "team-c");
  private static final int TOTAL = Integer.getInteger("chaos.services", 1000);
  private static final int LIVE = Integer.getInteger("chaos.live", 120);
  private static final int FAULT_SECONDS = Integer.getInteger("chaos.seconds", 120);
  private static final long SEED = Long.getLong("chaos.seed", 15);
  private static final Duration CONVERGE_WITHIN = Duration.ofSeconds(60);
  // fabric8 8.0.0's informer can stop watching for good under these faults (isWatching() false, no
  // watch open in the proxy); the views replace such an informer (adapters-k8s Watched). The
  // speakers' side is asserted unless -Dchaos.announcements=false (then measured and printed).
  private static final boolean ASSERT_ANNOUNCEMENTS =
      Boolean.parseBoolean(System.getProperty("chaos.announcements", "true"));
  private static final ResourceDefinitionContext L2_STATUS =
      context("ServiceL2Status", "servicel2statuses");

  private KubernetesMockServer server;
  private KubernetesClient client;
  private FaultyApiProxy proxy;
  private Watch checkerWatch;
  private final AddressChecker checker = new AddressChecker();
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
    DeletionAwareDispatcher dispatcher = new DeletionAwareDispatcher();
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    Crds.install(client);
    for (String ns : concat(List.of(NS), TEAMS)) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
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
        "IPAddressPool", "ipaddresspools", "chaos", Map.of("addresses", List.of("203.0.113.0/24")));
    apply("L2Advertisement", "l2advertisements", "l2", Map.of());
    RecordingAnnouncerProvider.recorded().clear();
    checkerWatch = client.services().inAnyNamespace().watch(checker);
    proxy =
        FaultyApiProxy.start(
            FaultyApiProxy.Options.defaults(SEED),
            InetAddress.getLoopbackAddress().getHostAddress(),
            server.getPort(),
            dispatcher);
  }

  @AfterEach
  void stop() throws Exception {
    Collections.reverse(running);
    for (AutoCloseable c : running) {
      c.close();
    }
    if (checkerWatch != null) {
      checkerWatch.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    client.close();
    server.destroy();
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
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
    client.genericKubernetesResources(context(kind, plural)).inNamespace(NS).resource(r).create();
  }

  /**
   * A client of a component under test: through the proxy, with what the commands give theirs
   * (Serve): the default API limit, RetryAfter and its bounded in-call retries.
   */
  private KubernetesClient proxied(String who) {
    KubernetesClient c =
        RequestRateLimit.install(
                new KubernetesClientBuilder()
                    .withConfig(
                        RetryAfter.boundRetries(
                            new ConfigBuilder()
                                .withMasterUrl(proxy.url())
                                .withNamespace(NS)
                                .withTrustCerts(true)
                                .withCustomHeaders(Map.of(FaultyApiProxy.CLIENT_HEADER, who))
                                .build())),
                RequestRateLimit.Settings.DEFAULT)
            .build();
    running.add(c);
    return c;
  }

  private Controller controller;
  private final List<Speaker> speakers = new ArrayList<>();

  private void startAll() {
    // the controller command's default timing: a 2 s lease renewed at 1.5 s, retried every 200 ms
    controller =
        Controller.start(
            proxied("ctrl"),
            new Controller.Options(
                NS,
                "",
                "ctrl",
                new LeaseLeadership.Timing(
                    Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200)),
                true,
                Optional.empty()),
            new PrometheusRegistry());
    running.add(controller);
    for (String n : NODES) {
      Speaker s =
          Speaker.start(
              proxied(n),
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
                  Duration.ofSeconds(10),
                  Fabric8SpeakerView.SPEAKER_PODS,
                  Optional.empty()),
              new PrometheusRegistry());
      speakers.add(s);
      running.add(s);
    }
  }

  // ------------------------------------------------------------------------------ the checker

  // ------------------------------------------------------------------------------- the churn

  private final Map<String, Long> createdAt = new ConcurrentHashMap<>(); // ns/name -> epoch ms
  private final List<String> live = new ArrayList<>();
  private int created;
  private int deleted;

  private void createService(int i) {
    String ns = TEAMS.get(i % TEAMS.size());
    String name = "svc-" + i;
    createTolerantly(() -> client.resource(Fixtures.lb(ns, name, i)).create());
    createTolerantly(
        () ->
            client
                .discovery()
                .v1()
                .endpointSlices()
                .inNamespace(ns)
                .resource(
                    new EndpointSliceBuilder()
                        .withNewMetadata()
                        .withName(name + "-ep")
                        .withNamespace(ns)
                        .withLabels(Map.of("kubernetes.io/service-name", name))
                        .endMetadata()
                        .withAddressType("IPv4")
                        .addNewEndpoint()
                        .withAddresses("10.244." + (i / 250) + "." + (1 + i % 250))
                        .withNodeName(NODES.get(i % NODES.size()))
                        .withNewConditions()
                        .withReady(true)
                        .withServing(true)
                        .endConditions()
                        .endEndpoint()
                        .build())
                .create());
    createdAt.put(ns + "/" + name, System.currentTimeMillis());
    live.add(ns + "/" + name);
    created++;
  }

  /**
   * Creates; a 409 AlreadyExists means an earlier attempt of this very create reached the server
   * (the client retries a request whose answer it lost, on a loaded machine).
   */
  private static void createTolerantly(Runnable create) {
    try {
      create.run();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private void deleteService(String key) {
    String[] p = key.split("/");
    client.services().inNamespace(p[0]).withName(p[1]).delete();
    client.discovery().v1().endpointSlices().inNamespace(p[0]).withName(p[1] + "-ep").delete();
    live.remove(key);
    deleted++;
  }

  /** Creates and deletes Services for {@code duration}, {@link #TOTAL} creations spread evenly. */
  private void churn(Duration duration, Random random) throws InterruptedException {
    long end = System.currentTimeMillis() + duration.toMillis();
    long tick = Math.max(5, duration.toMillis() / (2L * TOTAL));
    while (System.currentTimeMillis() < end) {
      long next = System.currentTimeMillis() + tick;
      boolean create =
          created < TOTAL && live.size() < LIVE && (live.isEmpty() || random.nextDouble() < 0.55);
      if (create) {
        createService(created);
      } else if (!live.isEmpty() && (created >= TOTAL || live.size() > LIVE / 2)) {
        deleteService(live.get(random.nextInt(live.size())));
      }
      long sleep = next - System.currentTimeMillis();
      if (sleep > 0) {
        Thread.sleep(sleep);
      }
    }
  }

  // ------------------------------------------------------------------------ the final state

  private static int aliveThreads(String name) {
    int n = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name) && t.isAlive()) {
        n++;
      }
    }
    return n;
  }

  /**
   * What is still wrong with the cluster (empty once converged): the addresses, and the speakers'
   * announcements too when {@code announcements}.
   */
  private List<String> divergence() {
    return divergence(ASSERT_ANNOUNCEMENTS);
  }

  private List<String> divergence(boolean announcements) {
    List<String> wrong = new ArrayList<>();
    Map<String, String> ipOf = new TreeMap<>(); // ns/name -> ip
    Map<String, String> byIp = new HashMap<>();
    for (Service s : client.services().inAnyNamespace().list().getItems()) {
      String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
      List<String> ingress = Fixtures.ingress(s);
      if (ingress.size() != 1) {
        wrong.add(key + " has addresses " + ingress);
        continue;
      }
      ipOf.put(key, ingress.get(0));
      String other = byIp.put(ingress.get(0), key);
      if (other != null) {
        wrong.add(ingress.get(0) + " is held by " + other + " and " + key);
      }
    }
    if (!announcements) {
      return wrong;
    }
    Map<String, Set<String>> claims = new HashMap<>(); // ip -> nodes
    for (Map.Entry<String, DesiredAnnouncements> e :
        RecordingAnnouncerProvider.recorded().entrySet()) {
      e.getValue()
          .entries()
          .forEach(
              a ->
                  claims
                      .computeIfAbsent(a.address().toString(), k -> new HashSet<>())
                      .add(e.getKey()));
    }
    Map<String, List<String>> statusNodes = new HashMap<>(); // name -> nodes
    for (GenericKubernetesResource r :
        client.genericKubernetesResources(L2_STATUS).inNamespace(NS).list().getItems()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> status = (Map<String, Object>) r.getAdditionalProperties().get("status");
      if (status != null) {
        statusNodes
            .computeIfAbsent(String.valueOf(status.get("serviceName")), k -> new ArrayList<>())
            .add(String.valueOf(status.get("node")));
      }
    }
    Set<String> liveNames = new HashSet<>();
    for (Map.Entry<String, String> e : ipOf.entrySet()) {
      String name = e.getKey().split("/")[1];
      liveNames.add(name);
      Set<String> nodes = claims.getOrDefault(e.getValue(), Set.of());
      if (nodes.size() != 1) {
        wrong.add(e.getKey() + " (" + e.getValue() + ") is announced by " + nodes);
        continue;
      }
      List<String> reported = statusNodes.getOrDefault(name, List.of());
      if (!reported.equals(List.copyOf(nodes))) {
        wrong.add(e.getKey() + " announced by " + nodes + " but ServiceL2Status says " + reported);
      }
    }
    for (String ip : claims.keySet()) {
      if (!byIp.containsKey(ip)) {
        wrong.add(ip + " is announced by " + claims.get(ip) + " but no Service holds it");
      }
    }
    for (String name : statusNodes.keySet()) {
      if (!liveNames.contains(name)) {
        wrong.add("a ServiceL2Status is left for " + name + " " + statusNodes.get(name));
      }
    }
    return wrong;
  }

  @Test
  void everyAddressStaysUniqueAndStableAndTheClusterConvergesAfterTheFaults() throws Exception {
    startAll();
    Random random = new Random(SEED);
    int[] minAlive = {Integer.MAX_VALUE, Integer.MAX_VALUE};
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                minAlive[0] = Math.min(minAlive[0], aliveThreads("ferrolb-reconcile"));
                minAlive[1] = Math.min(minAlive[1], aliveThreads("speaker-loop"));
                try {
                  Thread.sleep(250);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "chaos-sampler");
    sampler.setDaemon(true);
    sampler.start();

    long started = System.currentTimeMillis();
    churn(Duration.ofSeconds(FAULT_SECONDS), random);
    long lastFault = proxy.stopFaults();
    long stopped = System.currentTimeMillis();

    List<String> wrong = divergence();
    long convergedAt = 0;
    List<String> trail = new ArrayList<>(); // what was still wrong, every 5 s
    long nextTrail = stopped;
    while (System.currentTimeMillis() - stopped < CONVERGE_WITHIN.toMillis()) {
      wrong = divergence();
      if (wrong.isEmpty()) {
        convergedAt = System.currentTimeMillis();
        break;
      }
      if (System.currentTimeMillis() >= nextTrail) {
        trail.add(
            "+"
                + (System.currentTimeMillis() - stopped) / 1000
                + " s: "
                + wrong.size()
                + " wrong, e.g. "
                + wrong.get(0));
        nextTrail += 5000;
      }
      Thread.sleep(250);
    }
    Thread.sleep(2000); // and it stays so
    List<String> after = divergence();
    List<String> announcements = ASSERT_ANNOUNCEMENTS ? after : divergence(true);
    // a diagnosis, not a repair: if one more pass of every speaker fixes it, a change was seen
    // but no pass followed; if not, the speakers' views are wrong (see inViews)
    int afterPass = 0;
    if (!announcements.isEmpty()) {
      speakers.forEach(sp -> sp.loop().trigger());
      Thread.sleep(3000);
      afterPass = divergence(true).size();
    }
    sampler.interrupt();
    sampler.join();

    List<Long> latencies = new ArrayList<>();
    int neverAssigned = 0;
    for (Map.Entry<String, Long> e : createdAt.entrySet()) {
      Long at = checker.assignedAt.get(e.getKey());
      if (at == null) {
        neverAssigned++;
      } else {
        latencies.add(at - e.getValue());
      }
    }
    Collections.sort(latencies);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("seed", SEED);
    figures.put("fault phase (s)", (stopped - started) / 1000.0);
    figures.put("services created", created);
    figures.put("services deleted", deleted);
    figures.put("services at the end", live.size());
    figures.put("requests through the proxy", proxy.requests());
    figures.put("watch events forwarded", proxy.watchEvents());
    proxy.faults().forEach((k, v) -> figures.put("fault " + k, v));
    figures.put("faults in all", proxy.faults().values().stream().mapToLong(Long::longValue).sum());
    figures.put("watches answered 410 (resume impossible on the mock)", proxy.expiredWatches());
    // the same client, method, URI and body again within a 429's Retry-After: ferrolb's RetryAfter
    // holds fabric8's retry back, so a match is a new request of the same kind (see the log)
    figures.put("same request again within a 429's Retry-After", proxy.earlyRetries());
    figures.put("watch events the mock sent out of order (dropped)", proxy.reorderedEvents());
    figures.put("checker events", checker.events.get());
    figures.put("violations seen by the checker", checker.violations.size());
    figures.put(
        "create -> address p50 (ms)",
        latencies.isEmpty() ? -1 : latencies.get(latencies.size() / 2));
    figures.put(
        "create -> address max (ms)",
        latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1));
    figures.put("services deleted before they had an address", neverAssigned);
    figures.put(
        "converged after the last fault (ms)",
        convergedAt == 0 ? "not within " + CONVERGE_WITHIN : convergedAt - lastFault);
    figures.put(
        "converged after faults and churn stopped (ms)",
        convergedAt == 0 ? "-" : convergedAt - stopped);
    figures.put(
        "divergent at the end, the speakers' announcements included"
            + (ASSERT_ANNOUNCEMENTS ? "" : " (not asserted)"),
        announcements.size());
    figures.put("of those, still divergent after one more pass of every speaker", afterPass);
    int replaced = 0;
    for (Speaker sp : speakers) {
      if (sp.view() instanceof Fabric8SpeakerView v) {
        replaced += v.informerReplacements();
      }
    }
    figures.put("speaker informers replaced for not watching", replaced);
    figures.put("fewest live controller loop threads", minAlive[0]);
    figures.put("fewest live speaker loop threads", minAlive[1]);
    StringBuilder out = new StringBuilder("ChaosIT figures\n");
    figures.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    trail.forEach(t -> out.append("  converging ").append(t).append('\n'));
    if (!ASSERT_ANNOUNCEMENTS) {
      announcements.stream()
          .limit(30)
          .forEach(
              w ->
                  out.append("  ANNOUNCEMENT NOT CONVERGED (not asserted) ")
                      .append(w)
                      .append('\n')
                      .append(
                          w.split(" ")[0].contains("/")
                              ? "    in the speakers' views: " + inViews(w.split(" ")[0]) + "\n"
                              : ""));
    }
    checker.violations.forEach(v -> out.append("  VIOLATION ").append(v).append('\n'));
    if (!wrong.isEmpty() || !announcements.isEmpty()) { // what was open, to tell a stuck watch
      proxy.liveWatches().forEach(w -> out.append("  open watch ").append(w).append('\n'));
    }
    for (int i = 0; i < speakers.size() && !(wrong.isEmpty() && announcements.isEmpty()); i++) {
      if (speakers.get(i).view() instanceof Fabric8SpeakerView v) {
        out.append("  informers of ")
            .append(NODES.get(i))
            .append(": ")
            .append(v.informerStates())
            .append('\n');
      }
    }
    wrong.stream()
        .limit(30)
        .forEach(
            w ->
                out.append("  NOT CONVERGED ")
                    .append(w)
                    .append(" (the direct watch saw its address: ")
                    .append(checker.assignedAt.containsKey(w.split(" ")[0]))
                    .append("; Announced: ")
                    .append(
                        w.split(" ")[0].contains("/") ? announcedCondition(w.split(" ")[0]) : "-")
                    .append(")\n")
                    .append(
                        w.split(" ")[0].contains("/")
                            ? "    in the speakers' views: " + inViews(w.split(" ")[0]) + "\n"
                            : ""));
    System.out.print(out);
    write(out.toString());

    assertThat(checker.violations).as("violations seen by the checker").isEmpty();
    assertThat(wrong).as("divergence %s after the faults stopped", CONVERGE_WITHIN).isEmpty();
    assertThat(after).as("divergence 2 s after converging").isEmpty();
    assertThat(minAlive[0]).as("controller loop thread alive throughout").isEqualTo(1);
    assertThat(minAlive[1]).as("speaker loop threads alive throughout").isEqualTo(NODES.size());
    assertThat(controller.loop().ready()).as("controller ready").isTrue();
    for (Speaker s : speakers) {
      assertThat(s.notReady()).as("speaker ready").isEmpty();
    }
  }

  /**
   * What each speaker's informers hold of a Service ("ns/name"): its addresses and endpoints, or
   * that it is missing; tells a lost watch event from a wrong decision on a right view.
   */
  private String inViews(String key) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < speakers.size(); i++) {
      Optional<io.ferrolb.domain.announce.ServiceState> st =
          speakers.get(i).view().services().stream()
              .filter(s -> s.key().toString().equals(key))
              .findFirst();
      b.append(NODES.get(i))
          .append('=')
          .append(
              st.map(
                      s ->
                          "ingress "
                              + s.ingress()
                              + " endpoints "
                              + s.endpoints().size()
                              + (s.hasServingEndpoint() ? " serving" : " none serving"))
                  .orElse("missing"))
          .append(i + 1 < speakers.size() ? "; " : "");
    }
    return b.toString();
  }

  /** The controller's summary of the speakers' reports on a Service ("ns/name"), or "-". */
  private String announcedCondition(String key) {
    String[] p = key.split("/");
    String c = p.length == 2 ? Fixtures.announced(client, p[0], p[1]) : "";
    return c.isEmpty() ? "-" : c;
  }

  private static void write(String figures) throws IOException {
    Path target = Path.of("target");
    if (Files.isDirectory(target)) {
      Files.writeString(target.resolve("chaos-figures.txt"), figures);
    }
  }
}
