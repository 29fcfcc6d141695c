package io.ferrolb.it.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.ferrolb.it.controller.Fixtures;
import io.ferrolb.it.support.Crds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ferrolb's jar swapped into MetalLB's own manifests (config/manifests/metallb-native.yaml): the
 * controller and the speaker started as processes, with the image's JVM flags, with exactly the
 * arguments and environment those manifests give MetalLB's containers, against a mock API server.
 * Nothing else is passed: the namespace comes from the kubeconfig context, which stands for the
 * pod's service account namespace (no METALLB_NAMESPACE in MetalLB's manifests). The probes and the
 * metrics answer on MetalLB's ports (17472, 9120), each MetalLB setting without meaning here is
 * named in one log line, and both components do their job in metallb-system.
 */
class MetallbManifestsIT {
  /** The speaker's node: a network namespace, reached from here over a veth pair (RFC 2544). */
  private static final String NODE_NS = "flbmm";

  private static final String API = "198.19.254.1";
  private static final String NODE_IP = "198.19.254.2";

  private static final String NS = "metallb-system";
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path APP_JAR = REPO.resolve("app/target/ferrolb.jar");
  private static final Path WORK = Path.of("target", "metallb-manifests-it").toAbsolutePath();
  private static final Duration WAIT = Duration.ofSeconds(40);

  // metallb-native.yaml, Deployment "controller": args and env
  static final List<String> CONTROLLER_ARGS = List.of("--port=9120", "--log-level=info");
  static final Map<String, String> CONTROLLER_ENV =
      Map.of(
          "METALLB_POD_NAME", "controller-5c9f7d8b6-x7k2p", // fieldRef metadata.name
          "METALLB_ML_SECRET_NAME", "memberlist",
          "METALLB_DEPLOYMENT", "controller");

  // metallb-native.yaml, DaemonSet "speaker": args and env (fieldRefs filled as a node would)
  static final List<String> SPEAKER_ARGS = List.of("--port=9120", "--log-level=info");
  static final Map<String, String> SPEAKER_ENV =
      Map.of(
          "METALLB_NODE_NAME", "node-a", // spec.nodeName
          "METALLB_POD_NAME", "speaker-q8r4t", // metadata.name
          "METALLB_HOST", NODE_IP, // status.hostIP
          "METALLB_ML_BIND_ADDR", NODE_IP, // status.podIP (host network)
          "METALLB_ML_LABELS", "app=metallb,component=speaker",
          "METALLB_ML_SECRET_KEY_PATH", "/etc/ml_secret_key");

  private KubernetesMockServer server;
  private KubernetesClient client;
  private final List<Process> started = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void cluster() throws IOException {
    assertThat(APP_JAR).as("the application jar (mvn package -pl app)").exists();
    Files.createDirectories(WORK);
    removeNode();
    sh("ip netns add " + NODE_NS);
    sh("ip -n " + NODE_NS + " link set lo up");
    sh("ip link add " + NODE_NS + "0 type veth peer name eth0 netns " + NODE_NS);
    sh("ip addr add " + API + "/30 dev " + NODE_NS + "0");
    sh("ip link set " + NODE_NS + "0 up");
    sh("ip -n " + NODE_NS + " addr add " + NODE_IP + "/30 dev eth0");
    sh("ip -n " + NODE_NS + " link set eth0 up");
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
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    client
        .genericKubernetesResources(Fixtures.POOLS)
        .inNamespace(NS)
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("metallb.io/v1beta1")
                .withKind("IPAddressPool")
                .withNewMetadata()
                .withName("dropin")
                .withNamespace(NS)
                .endMetadata()
                .withAdditionalProperties(
                    Map.of("spec", Map.of("addresses", List.of("198.51.100.60/30"))))
                .build())
        .create();
  }

  @AfterEach
  void stopProcesses() throws Exception {
    try {
      for (Process p : started) {
        stop(p);
      }
      if (client != null) {
        client.close();
      }
      if (server != null) {
        server.destroy();
      }
    } finally {
      removeNode();
    }
  }

  @Test
  void theControllerRunsWithMetallbsArgsAndEnv() throws Exception {
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("controller-5c9f7d8b6-x7k2p")
                .withNamespace(NS)
                .endMetadata()
                .build())
        .create();
    Process controller =
        start(List.of(), "controller", CONTROLLER_ARGS, CONTROLLER_ENV, "controller.log");
    client.resource(Fixtures.lb("default", "web", 10)).create();
    await()
        .atMost(WAIT)
        .failFast("controller exited; " + log("controller.log"), () -> !controller.isAlive())
        .until(
            () -> Fixtures.ingress(client, "default", "web"),
            i -> i.equals(List.of("198.51.100.60")));

    assertThat(status("http://127.0.0.1:17472/healthz")).isEqualTo(200);
    awaitStatus("http://127.0.0.1:17472/readyz", 200, controller, "controller.log");
    assertThat(body("http://127.0.0.1:9120/metrics")).contains("metallb_allocator_addresses_total");
    // METALLB_POD_NAME is the Lease holder; the Lease, the Secret and the state are in the
    // namespace the kubeconfig context (in a pod: the service account) names
    Lease lease = client.leases().inNamespace(NS).withName("ferrolb-controller").get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("controller-5c9f7d8b6-x7k2p");
    assertThat(client.secrets().inNamespace(NS).withName("memberlist").get()).isNotNull();
    assertThat(state("controller")).containsEntry("result", "Valid");
    assertThat(condition("controller", "poolReconcilerValid"))
        .containsEntry("status", "True")
        .containsEntry("reason", "Reconciled");
    // METALLB_POD_NAME also names the owner of the ConfigurationState, as in MetalLB
    assertThat(owners("controller")).containsExactly("Pod/controller-5c9f7d8b6-x7k2p");

    String out = log("controller.log");
    assertThat(out)
        .doesNotContain("Unknown option")
        .contains("event=flagIgnored METALLB_DEPLOYMENT=\\\"controller\\\" is ignored");
    assertThat(out.lines().filter(l -> l.contains("event=flagIgnored")).count())
        .as("one line per setting without meaning, nothing else: " + out)
        .isEqualTo(1);
  }

  @Test
  void theSpeakerRunsWithMetallbsArgsAndEnv() throws Exception {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName("node-a")
                .endMetadata()
                .withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress(NODE_IP)
                .endAddress()
                .endStatus()
                .build())
        .create();
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("speaker-q8r4t")
                .withNamespace(NS)
                .withLabels(Map.of("app", "metallb", "component", "speaker"))
                .endMetadata()
                .withNewSpec()
                .withNodeName("node-a")
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
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("memberlist")
                .withNamespace(NS)
                .endMetadata()
                .withStringData(Map.of("secretkey", "a-test-key-of-32-bytes-or-more-0123456789"))
                .build())
        .create();
    // on the host network of a node: in its namespace, as a DaemonSet pod with hostNetwork
    Process speaker =
        start(
            List.of("ip", "netns", "exec", NODE_NS),
            "speaker",
            SPEAKER_ARGS,
            SPEAKER_ENV,
            "speaker.log");

    await()
        .atMost(WAIT)
        .failFast("speaker exited; " + log("speaker.log"), () -> !speaker.isAlive())
        .until(() -> state("speaker-node-a"), s -> "Valid".equals(s.get("result")));
    assertThat(condition("speaker-node-a", "configReconcilerValid"))
        .containsEntry("status", "True")
        .containsEntry("reason", "Reconciled");
    assertThat(status("http://" + NODE_IP + ":17472/healthz")).isEqualTo(200);
    assertThat(body("http://" + NODE_IP + ":9120/metrics")).contains("metallb_");
    assertThat(log("speaker.log")).contains("namespace=metallb-system").contains("gossip=on:7946");
    await()
        .atMost(WAIT)
        .alias("gossip listens on METALLB_ML_BIND_ADDR")
        .until(
            () -> bash("ip netns exec " + NODE_NS + " ss -lnu")[1],
            o -> o.contains(NODE_IP + ":7946") || o.contains(NODE_IP + "]:7946"));

    String out = log("speaker.log");
    assertThat(out)
        .doesNotContain("Unknown option")
        .contains("event=flagIgnored METALLB_ML_SECRET_KEY_PATH=\\\"")
        .doesNotContain("event=statusOwnerUnknown");
    assertThat(out.lines().filter(l -> l.contains("event=flagIgnored")).count())
        .as("one line per setting without meaning, nothing else: " + out)
        .isEqualTo(1);
    // METALLB_POD_NAME names the speaker's Pod, the owner of its status objects (MetalLB's)
    assertThat(owners("speaker-node-a")).containsExactly("Pod/speaker-q8r4t");
  }

  // ---- helpers

  private Process start(
      List<String> wrapper,
      String component,
      List<String> args,
      Map<String, String> env,
      String log)
      throws IOException {
    Path kubeconfig = WORK.resolve("kubeconfig");
    Files.writeString(
        kubeconfig, JlinkRuntimeIT.kubeconfig("http://" + API + ":" + server.getPort(), NS));
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.add(System.getProperty("java.home") + "/bin/java");
    cmd.addAll(List.of("-jar", APP_JAR.toString(), component));
    cmd.addAll(args);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(WORK.resolve(log).toFile())
            .directory(WORK.toFile());
    // nothing of the test JVM's settings leaks in: only KUBECONFIG names the cluster
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("KUBERNETES")
                    || k.startsWith("JAVA_")
                    || k.startsWith("FERROLB_")
                    || k.startsWith("METALLB_"));
    Map<String, String> all = new HashMap<>(env);
    all.put("KUBECONFIG", kubeconfig.toString());
    all.putAll(JlinkRuntimeIT.imageFlags());
    pb.environment().putAll(all);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static void removeNode() {
    shQuiet("ip netns pids " + NODE_NS + " | xargs -r kill -9");
    shQuiet("ip netns del " + NODE_NS);
    shQuiet("ip link del " + NODE_NS + "0");
  }

  /** Runs a shell command; a failure fails the test, with its output. */
  private static void sh(String command) {
    String[] result = bash(command);
    if (!result[0].equals("0")) {
      throw new AssertionError("'" + command + "' exited " + result[0] + ": " + result[1]);
    }
  }

  private static void shQuiet(String command) {
    bash(command);
  }

  private static String[] bash(String command) {
    try {
      Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new String[] {"timeout", out};
      }
      return new String[] {String.valueOf(p.exitValue()), out};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private int status(String url) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private String body(String url) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private void awaitStatus(String url, int code, Process p, String log) {
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .failFast("exited; " + log(log), () -> !p.isAlive())
        .until(() -> status(url), c -> c == code);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> state(String name) {
    GenericKubernetesResource s =
        client.genericKubernetesResources(Fixtures.STATES).inNamespace(NS).withName(name).get();
    if (s == null || !(s.getAdditionalProperties().get("status") instanceof Map<?, ?> st)) {
      return Map.of();
    }
    return (Map<String, Object>) st;
  }

  /** The owners of the ConfigurationState, as kind/name. */
  private List<String> owners(String name) {
    GenericKubernetesResource s =
        client.genericKubernetesResources(Fixtures.STATES).inNamespace(NS).withName(name).get();
    return s.getMetadata().getOwnerReferences().stream()
        .map(r -> r.getKind() + "/" + r.getName())
        .toList();
  }

  /** MetalLB's condition of that type in the ConfigurationState, empty when absent. */
  private Map<String, Object> condition(String state, String type) {
    if (state(state).get("conditions") instanceof List<?> cs) {
      for (Object c : cs) {
        if (c instanceof Map<?, ?> m && type.equals(m.get("type"))) {
          Map<String, Object> out = new HashMap<>();
          m.forEach((k, v) -> out.put(String.valueOf(k), v));
          return out;
        }
      }
    }
    return Map.of();
  }

  private static String log(String name) {
    return JlinkRuntimeIT.read(WORK.resolve(name));
  }
}
