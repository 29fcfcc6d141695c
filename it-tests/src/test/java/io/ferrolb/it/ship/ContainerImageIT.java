package io.ferrolb.it.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.ferrolb.it.controller.Fixtures;
import io.ferrolb.it.support.Crds;
import io.ferrolb.it.support.Sh;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The container image users run, as CI built it (scripts/build-image.sh, target/ferrolb-image.tar):
 * compared with the Dockerfile that describes it, loaded by podman, and run on a real OCI runtime —
 * {@code ferrolb controller} in one container, {@code ferrolb speaker} in another, each with the
 * user, capabilities, read-only root, no-new-privileges, memory limit, env and args of its
 * deploy/base manifest, reading a kubeconfig mounted read-only the way a Secret volume is. The
 * tutorial: a LoadBalancer Service gets its EXTERNAL-IP from the controller container, and the
 * speaker container answers ARP for it on a veth into a client namespace; both stop on SIGTERM
 * within their pod's grace period.
 *
 * <p>Network: flbimg-sw (a switch namespace: bridge flbimgapibr), the root namespace's end
 * flbimgapi 198.19.253.1/24 where the in-memory API server listens, flbimg-ctl (the controller's
 * pod network, 198.19.253.21), flbimg-n1 (the node: API link 198.19.253.11, LAN eth0
 * 198.51.100.11/24) and flbimg-cli (198.51.100.100/24, a veth to the node). No default routes;
 * everything is removed afterwards, also after a failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerImageIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path ARCHIVE = REPO.resolve("target/ferrolb-image.tar");
  private static final Path WORK = Path.of("target", "image-it").toAbsolutePath();
  private static final String NS = "ferrolb-system";
  private static final String P = "flbimg-";
  private static final String API = "198.19.253.1";
  private static final String NODE = P + "n1";
  private static final String NODE_IP = "198.51.100.11";
  private static final String NODE_MAC = "02:fb:00:00:00:11";
  private static final String NODE_API_IP = "198.19.253.11";
  private static final String CTL_API_IP = "198.19.253.21";
  private static final Duration WAIT = Duration.ofSeconds(60);

  static String tag;
  static Podman podman;
  static KubernetesMockServer server;
  static KubernetesClient client;
  static boolean networkUp;
  static final List<String> containers = new ArrayList<>();

  /** terminationGracePeriodSeconds of each container's pod template. */
  static final Map<String, Long> grace = new HashMap<>();

  @BeforeAll
  static void loadImage() throws Exception {
    Assumptions.assumeTrue(
        Files.isRegularFile(ARCHIVE),
        "skipped: no "
            + ARCHIVE
            + " (scripts/build-image.sh needs root and mmdebstrap; mvn verify runs it where"
            + " /usr/bin/mmdebstrap exists)");
    Assumptions.assumeTrue(
        Podman.installed(), "skipped: podman is not installed (apt-get install podman)");
    tag = awk("image:", REPO.resolve("deploy/base/controller.yaml"));
    Files.createDirectories(WORK);
    podman = new Podman(WORK.resolve("podman"));
    reset();
    Sh.Result load = podman.run(300, "load", "-i", ARCHIVE.toString());
    assertThat(load.ok()).as("podman load -i %s: %s", ARCHIVE, load.out()).isTrue();
    assertThat(load.out()).contains("Loaded image: " + tag);
    // crun is podman's default; where it cannot run (crun 1.8 refuses hosts with cgroup v1
    // hierarchies and controllers on the v2 mount as well) runc, the other OCI runtime, may
    List<String> errors =
        podman.pickRuntime(tag, List.of("crun", "runc"), "/opt/ferrolb/jre/bin/java", "-version");
    Files.writeString(WORK.resolve("runtimes.txt"), String.join("\n", errors) + "\n");
    Assumptions.assumeTrue(
        podman.runtime() != null, "skipped: no OCI runtime can start a container here: " + errors);
    System.out.println(
        "ContainerImageIT: OCI runtime "
            + podman.runtime()
            + (errors.isEmpty() ? "" : "; " + errors));
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (podman != null) {
      for (String c : containers) {
        Files.writeString(WORK.resolve(c + ".log"), podman.run(30, "logs", c).out());
      }
      reset();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.destroy();
    }
    if (networkUp) {
      networkDown();
    }
  }

  /**
   * Removes every container and image of the test's own storage, then the storage (not {@code
   * podman system reset}: that also deletes the machine's podman networks).
   */
  private static void reset() throws IOException {
    if (podman.dirs().stream().anyMatch(Files::isDirectory)) {
      podman.run(60, "rm", "--all", "--force", "--time", "0");
      podman.run(60, "rmi", "--all", "--force");
    }
    for (Path dir : podman.dirs()) {
      // containers/storage keeps its overlay directory mounted on itself
      Sh.sh("findmnt -rn -o TARGET | grep '^" + dir + "' | sort -r | xargs -r -n1 umount -l");
      Sh.sh("rm -rf " + dir);
    }
  }

  // ---- the image and the Dockerfile

  @Test
  @Order(1)
  @SuppressWarnings("unchecked")
  void theImageIsWhatTheDockerfileDescribes() throws Exception {
    Path layout = WORK.resolve("layout");
    Sh.sh(
        "rm -rf " + layout + " && mkdir -p " + layout + " && tar -C " + layout + " -xf " + ARCHIVE);
    Map<String, Object> index =
        Serialization.unmarshal(Files.readString(layout.resolve("index.json")), Map.class);
    var manifests = (List<Map<String, Object>>) index.get("manifests");
    assertThat(manifests).hasSize(1);
    assertThat((Map<String, String>) manifests.get(0).get("annotations"))
        .containsEntry("io.containerd.image.name", tag);
    Map<String, Object> manifest = blobJson(layout, (String) manifests.get(0).get("digest"));
    Map<String, Object> config =
        blobJson(layout, (String) ((Map<String, Object>) manifest.get("config")).get("digest"));
    // docker load reads manifest.json: the same config and layers
    List<Map<String, Object>> docker =
        Serialization.unmarshal(Files.readString(layout.resolve("manifest.json")), List.class);
    assertThat(docker.get(0).get("RepoTags")).isEqualTo(List.of(tag));
    assertThat(docker.get(0).get("Config"))
        .isEqualTo(
            "blobs/sha256/"
                + ((String) ((Map<String, Object>) manifest.get("config")).get("digest"))
                    .substring(7));

    String dockerfile = Files.readString(REPO.resolve("Dockerfile"));
    Map<String, Object> c = (Map<String, Object>) config.get("config");
    assertThat(c.get("User")).isEqualTo(line(dockerfile, "USER (.+)"));
    assertThat(c.get("Entrypoint"))
        .isEqualTo(Serialization.unmarshal(line(dockerfile, "ENTRYPOINT (\\[.+\\])"), List.class));
    String flags = line(dockerfile, "ENV JAVA_TOOL_OPTIONS=\"([^\"$]+)\"");
    String cds = line(dockerfile, "ENV JAVA_TOOL_OPTIONS=\"\\$\\{JAVA_TOOL_OPTIONS} ([^\"]+)\"");
    assertThat((List<String>) c.get("Env")).contains("JAVA_TOOL_OPTIONS=" + flags + " " + cds);

    // the files, layer by layer; every entry owned by root
    List<Map<String, Object>> layers = (List<Map<String, Object>>) manifest.get("layers");
    Set<String> files = new TreeSet<>(); // every entry's path
    Set<String> nonDirectories = new TreeSet<>(); // files and links
    long total = 0;
    for (Map<String, Object> l : layers) {
      Path blob = blob(layout, (String) l.get("digest"));
      assertThat(sha256(blob))
          .as("layer digest")
          .isEqualTo(((String) l.get("digest")).substring(7));
      total += Files.size(blob);
      for (String entry : Sh.sh("tar -tvf " + blob + " --numeric-owner").lines().toList()) {
        String[] f = entry.trim().split("\\s+", 6);
        assertThat(f[1]).as("owner of %s", entry).isEqualTo("0/0");
        String path = f[5].replaceFirst(" -> .*", "").replaceFirst("/$", "");
        files.add(path);
        if (!entry.startsWith("d")) {
          nonDirectories.add(path);
        }
      }
    }
    System.out.printf("ContainerImageIT: image %d bytes in %d layers%n", total, layers.size());
    assertThat(total).as("uncompressed image size").isLessThanOrEqualTo(120_000_000L);

    // the runtime: what the Dockerfile's jlink line makes here, minus what its clean-up removes
    Path jre = WORK.resolve("jre");
    Sh.sh("rm -rf " + jre);
    List<String> jlink =
        new ArrayList<>(List.of(JlinkRuntimeIT.jdkHome().resolve("bin/jlink").toString()));
    jlink.addAll(JlinkRuntimeIT.dockerfileJlinkOptions());
    jlink.addAll(List.of("--output", jre.toString()));
    assertThat(Sh.run(jlink, Duration.ofSeconds(120)).exit()).isZero();
    Set<String> wanted;
    try (Stream<Path> s = Files.walk(jre)) {
      wanted =
          s.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
              .map(p -> "opt/ferrolb/jre/" + jre.relativize(p))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Matcher rm = Pattern.compile("rm -f (/jre/\\S+)").matcher(dockerfile);
    while (rm.find()) {
      wanted.remove("opt/ferrolb" + rm.group(1));
    }
    Set<String> jreFiles =
        nonDirectories.stream()
            .filter(f -> f.startsWith("opt/ferrolb/jre/"))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(jreFiles).isEqualTo(wanted);

    // the application: the build's jar, and lib/ without the jars the excludes list names, as the
    // Dockerfile removes them
    assertThat(dockerfile)
        .contains("scripts/image-lib-excludes.txt")
        .contains("COPY --from=train /opt/ferrolb/app/ferrolb.jsa /opt/ferrolb/app/ferrolb.jsa");
    Set<String> excluded =
        Files.readAllLines(REPO.resolve("scripts/image-lib-excludes.txt")).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .collect(Collectors.toSet());
    Set<String> libWanted;
    try (Stream<Path> s = Files.list(REPO.resolve("app/target/lib"))) {
      libWanted =
          s.map(p -> p.getFileName().toString())
              .filter(n -> !excluded.contains(n.replaceFirst("-[^-]*$", "")))
              .map(n -> "opt/ferrolb/app/lib/" + n)
              .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> app =
        files.stream()
            .filter(f -> f.startsWith("opt/ferrolb/app/"))
            .filter(f -> !f.equals("opt/ferrolb/app/lib"))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> appWanted = new TreeSet<>(libWanted);
    appWanted.addAll(Set.of("opt/ferrolb/app/ferrolb.jar", "opt/ferrolb/app/ferrolb.jsa"));
    assertThat(app).isEqualTo(appWanted);
    assertThat(files.stream().filter(f -> f.startsWith("opt/")))
        .allMatch(f -> f.equals("opt") || f.startsWith("opt/ferrolb"));

    // the base: Debian's runtime libraries of the Dockerfile's release, the CA bundle, nobody
    String release = line(dockerfile, "FROM debian:(\\w+)-slim AS base");
    assertThat(Files.readString(Path.of("/etc/os-release")))
        .as("the base is built from this machine's Debian release, the Dockerfile names it")
        .contains("VERSION_CODENAME=" + release);
    // the packages the Dockerfile installs on debian-slim are among those the build unpacks
    String build = Files.readString(REPO.resolve("scripts/build-image.sh"));
    Matcher pkgs = Pattern.compile("^packages=\"([^\"]+)\"$", Pattern.MULTILINE).matcher(build);
    assertThat(pkgs.find()).as("scripts/build-image.sh names its packages").isTrue();
    assertThat(List.of(pkgs.group(1).split(",")))
        .containsAll(
            List.of(
                line(
                        dockerfile,
                        "RUN apt-get update && apt-get install -y --no-install-recommends (.+) \\\\")
                    .split(" ")));
    assertThat(files)
        .contains(
            "usr/lib/x86_64-linux-gnu/libpcap.so.0.8",
            "etc/ssl/certs/ca-certificates.crt",
            "etc/passwd",
            "etc/ld.so.cache",
            "tmp");
  }

  @Test
  @Order(2)
  void theRuntimeMapsTheClassDataArchiveAndTheEmbeddedApiIsLeftOut() throws Exception {
    // -Xshare:on fails at start unless both archives (the runtime's and ferrolb's) map
    Sh.Result version =
        runOnce(
            "--entrypoint",
            "/opt/ferrolb/jre/bin/java",
            tag,
            "-Xshare:on",
            "-Xlog:cds=info",
            "-jar",
            "/opt/ferrolb/app/ferrolb.jar",
            "--version");
    assertThat(version.exit()).as(version.out()).isZero();
    assertThat(version.out())
        .contains("Mapped dynamic region", "ferrolb 0.1.0")
        .doesNotContain("[warning][cds]");
    Sh.Result demo = runOnce(tag, "api-server", "--kubeconfig-out", "/tmp/kubeconfig");
    assertThat(demo.exit()).as(demo.out()).isEqualTo(2);
    assertThat(demo.out())
        .contains("api-server: the embedded Kubernetes API is not in this installation");
  }

  private static Sh.Result runOnce(String... args) {
    List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--network", "none"));
    cmd.addAll(Podman.limits());
    cmd.addAll(List.of(args));
    return podman.run(120, cmd);
  }

  // ---- the tutorial in containers

  @Test
  @Order(3)
  void controllerAndSpeakerContainersGiveTheServiceAnAddressAndAnswerArpForIt() throws Exception {
    Assumptions.assumeTrue(
        ProcessHandle.current().info().user().orElse("").equals("root"),
        "skipped: network namespaces need root");
    for (String tool : List.of("/usr/sbin/ip", "/usr/bin/arping")) {
      Assumptions.assumeTrue(
          Files.isExecutable(Path.of(tool))
              || Files.isExecutable(Path.of(tool.replace("/usr", ""))),
          "skipped: " + tool + " missing (iproute2, iputils-arping)");
    }
    networkUp();
    startApiServer();

    Deployment ctlManifest =
        Serialization.unmarshal(
            Files.readString(REPO.resolve("deploy/base/controller.yaml")).split("\n---\n")[0],
            Deployment.class);
    DaemonSet spkManifest =
        Serialization.unmarshal(
            Files.readString(REPO.resolve("deploy/base/speaker.yaml")), DaemonSet.class);
    Path kubeconfig =
        secretVolume(
            "kubeconfig",
            "kubeconfig",
            JlinkRuntimeIT.kubeconfig("http://" + API + ":" + server.getPort(), "default"));
    startContainer(
        "flbimg-controller",
        ctlManifest.getSpec().getTemplate().getSpec(),
        Map.of("metadata.namespace", NS, "metadata.name", "controller-0"),
        "ns:/run/netns/" + P + "ctl",
        kubeconfig);
    startContainer(
        "flbimg-speaker",
        spkManifest.getSpec().getTemplate().getSpec(),
        Map.of(
            "metadata.namespace", NS,
            "metadata.name", "speaker-" + NODE,
            "spec.nodeName", NODE,
            "status.hostIP", NODE_IP),
        "ns:/run/netns/" + NODE,
        kubeconfig);

    // what the processes in the containers are: user, capabilities, no_new_privs
    Map<String, String> ctl = status("flbimg-controller");
    assertThat(ctl.get("Uid").split("\\s+")[0]).isEqualTo("65534");
    assertThat(ctl.get("CapEff")).isEqualTo("0000000000000000");
    assertThat(ctl.get("NoNewPrivs")).isEqualTo("1");
    Map<String, String> spk = status("flbimg-speaker");
    assertThat(spk.get("Uid").split("\\s+")[0]).isEqualTo("0");
    // CAP_NET_ADMIN (12) and CAP_NET_RAW (13), nothing else
    assertThat(spk.get("CapEff")).isEqualTo("0000000000003000");
    assertThat(spk.get("NoNewPrivs")).isEqualTo("1");

    readyz("controller", CTL_API_IP);
    readyz("speaker", NODE_API_IP);

    // the tutorial: a pool, an L2Advertisement, a LoadBalancer Service with a ready endpoint
    cr(
        "IPAddressPool",
        "ipaddresspools",
        "lan",
        Map.of("addresses", List.of("198.51.100.200-198.51.100.210")));
    cr("L2Advertisement", "l2advertisements", "lan", Map.of("ipAddressPools", List.of("lan")));
    client.resource(Fixtures.lb("default", "web", 7)).create();
    client
        .resource(
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName("web-1")
                .withNamespace("default")
                .withLabels(Map.of("kubernetes.io/service-name", "web"))
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint()
                .withAddresses("10.244.0.7")
                .withNodeName(NODE)
                .withNewConditions()
                .withReady(true)
                .endConditions()
                .endEndpoint()
                .addNewPort()
                .withPort(80)
                .withProtocol("TCP")
                .endPort()
                .build())
        .create();
    String ip =
        await("EXTERNAL-IP of default/web (controller container log: target/image-it/)")
            .atMost(WAIT)
            .until(() -> Fixtures.ingress(client, "default", "web"), i -> !i.isEmpty())
            .get(0);
    assertThat(ip).isEqualTo("198.51.100.200");

    // the client resolves it: the node's MAC answers, from the speaker container's raw socket
    String arping =
        await("an ARP answer for " + ip + " from " + NODE)
            .atMost(WAIT)
            .pollInterval(Duration.ofSeconds(1))
            .until(
                () ->
                    Sh.run(
                            List.of(
                                "ip", "netns", "exec", P + "cli", "arping", "-c", "2", "-w", "3",
                                "-I", "eth0", ip))
                        .out(),
                o -> o.contains("reply from " + ip));
    assertThat(arping).containsIgnoringCase("[" + NODE_MAC + "]");
    assertThat(podman.run(10, "logs", "flbimg-speaker").out())
        .doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "UnsatisfiedLinkError");
    assertThat(podman.run(10, "logs", "flbimg-controller").out())
        .doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
  }

  @Test
  @Order(4)
  void bothStopOnSigtermWithinTheirGracePeriod() throws Exception {
    Assumptions.assumeTrue(containers.size() == 2, "skipped: the containers did not start");
    for (String c : List.of("flbimg-speaker", "flbimg-controller")) {
      // podman stop sends SIGTERM, then SIGKILL after the pod's terminationGracePeriodSeconds
      long seconds = grace.get(c);
      long t0 = System.nanoTime();
      Sh.Result stop = podman.run(30, "stop", "--time", String.valueOf(seconds), c);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(stop.ok()).as(stop.out()).isTrue();
      String exit = podman.run(10, "inspect", "--format", "{{.State.ExitCode}}", c).out().strip();
      System.out.printf("ContainerImageIT: %s stopped in %d ms, exit code %s%n", c, ms, exit);
      assertThat(exit).as("%s was not killed after the grace period", c).isNotEqualTo("137");
      assertThat(ms).as("%s stopped within the grace period", c).isLessThan(seconds * 1000);
    }
  }

  // ---- helpers

  private static void startContainer(
      String name, PodSpec pod, Map<String, String> fieldRefs, String network, Path kubeconfig)
      throws IOException {
    Container container = pod.getContainers().get(0);
    grace.put(name, pod.getTerminationGracePeriodSeconds());
    Path tmp = WORK.resolve(name + "-tmp"); // the emptyDir, a directory of the node as kubelet's
    Sh.sh("rm -rf " + tmp);
    Files.createDirectories(
        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    List<String> cmd =
        new ArrayList<>(List.of("run", "--detach", "--name", name, "--network", network));
    cmd.addAll(Podman.limits());
    cmd.addAll(Podman.runFlags(pod, container, fieldRefs, Map.of("tmp", tmp)));
    cmd.addAll(
        List.of(
            "-v",
            kubeconfig + ":/var/run/secrets/ferrolb:ro",
            "-e",
            "KUBECONFIG=/var/run/secrets/ferrolb/kubeconfig"));
    assertThat(container.getImage()).isEqualTo(tag);
    cmd.add(container.getImage());
    cmd.addAll(Podman.args(container, fieldRefs));
    Files.writeString(WORK.resolve(name + ".cmd"), String.join(" ", cmd) + "\n");
    Sh.Result run = podman.run(60, cmd);
    assertThat(run.ok()).as("podman %s: %s", cmd, run.out()).isTrue();
    containers.add(name);
  }

  /** /proc/PID/status of the container's process, as fields. */
  private static Map<String, String> status(String container) throws IOException {
    String pid = podman.run(10, "inspect", "--format", "{{.State.Pid}}", container).out().strip();
    assertThat(pid).as("pid of %s", container).matches("[1-9][0-9]*");
    Map<String, String> out = new HashMap<>();
    for (String l : Files.readAllLines(Path.of("/proc", pid, "status"))) {
      int i = l.indexOf(':');
      out.put(l.substring(0, i), l.substring(i + 1).trim());
    }
    return out;
  }

  private static void readyz(String what, String host) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI uri = URI.create("http://" + host + ":7472/readyz");
    await(what + " container ready at " + uri)
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode(),
            code -> code == 200);
  }

  /**
   * A directory laid out as the kubelet lays out a Secret volume: the files behind a {@code ..data}
   * link to a timestamped directory, each name a link through {@code ..data}.
   */
  private static Path secretVolume(String name, String key, String content) throws IOException {
    Path dir = WORK.resolve("secret-" + name);
    Sh.sh("rm -rf " + dir);
    Path data = dir.resolve("..2026_12_06_00_00_00.000000001");
    Files.createDirectories(data);
    Files.writeString(data.resolve(key), content);
    Files.createSymbolicLink(dir.resolve("..data"), data.getFileName());
    Files.createSymbolicLink(dir.resolve(key), Path.of("..data", key));
    Sh.sh("chmod -R a+rX " + dir); // defaultMode 0644 (the controller runs as 65534)
    return dir;
  }

  private static void startApiServer() throws IOException {
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
    for (String ns : List.of(NS, "default")) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(NODE)
                .withLabels(new HashMap<>(Map.of("kubernetes.io/hostname", NODE)))
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
                .withName("speaker-" + NODE)
                .withLabels(
                    Map.of(
                        "app.kubernetes.io/name",
                        "ferrolb",
                        "app.kubernetes.io/component",
                        "speaker"))
                .endMetadata()
                .withNewSpec()
                .withNodeName(NODE)
                .addNewContainer()
                .withName("speaker")
                .withImage(tag)
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withHostIP(NODE_IP)
                .withPodIP(NODE_IP)
                .endStatus()
                .build())
        .create();
  }

  private static void cr(String kind, String plural, String name, Map<String, Object> spec) {
    client
        .genericKubernetesResources(
            new ResourceDefinitionContext.Builder()
                .withGroup("metallb.io")
                .withVersion("v1beta1")
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build())
        .inNamespace(NS)
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("metallb.io/v1beta1")
                .withKind(kind)
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build())
        .create();
  }

  private static void networkUp() throws IOException {
    networkDown(); // whatever an earlier, killed run left
    networkUp = true;
    for (String ns : List.of("sw", "ctl", "n1", "cli")) {
      Sh.sh("ip netns add " + P + ns);
      Sh.sh("ip -n " + P + ns + " link set lo up");
    }
    Sh.sh("ip -n " + P + "sw link add flbimgapibr type bridge");
    Sh.sh("ip -n " + P + "sw link set flbimgapibr up");
    // the root namespace's end of the API link: the API server listens here
    Sh.sh("ip link add flbimgapi type veth peer name flbimgapip netns " + P + "sw");
    Sh.sh("ip -n " + P + "sw link set flbimgapip master flbimgapibr up");
    Sh.sh("ip addr add " + API + "/24 dev flbimgapi");
    Sh.sh("ip link set flbimgapi up");
    for (String[] h : new String[][] {{"ctl", CTL_API_IP}, {"n1", NODE_API_IP}}) {
      Sh.sh(
          "ip -n "
              + P
              + "sw link add flbimga"
              + h[0]
              + " type veth peer name api0 netns "
              + P
              + h[0]);
      Sh.sh("ip -n " + P + "sw link set flbimga" + h[0] + " master flbimgapibr up");
      Sh.sh("ip -n " + P + h[0] + " addr add " + h[1] + "/24 dev api0");
      Sh.sh("ip -n " + P + h[0] + " link set api0 up");
    }
    // the LAN: the node's eth0 and the client's, one veth pair
    Sh.sh("ip -n " + NODE + " link add eth0 type veth peer name eth0 netns " + P + "cli");
    Sh.sh("ip -n " + NODE + " link set eth0 address " + NODE_MAC);
    Sh.sh("ip -n " + NODE + " addr add " + NODE_IP + "/24 dev eth0");
    Sh.sh("ip -n " + NODE + " link set eth0 up");
    Sh.sh("ip -n " + P + "cli addr add 198.51.100.100/24 dev eth0");
    Sh.sh("ip -n " + P + "cli link set eth0 up");
  }

  private static void networkDown() throws IOException {
    for (String ns : List.of("sw", "ctl", "n1", "cli")) {
      Sh.run(List.of("ip", "netns", "del", P + ns));
    }
    Sh.run(List.of("ip", "link", "del", "flbimgapi"));
    networkUp = false;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> blobJson(Path layout, String digest) throws IOException {
    return Serialization.unmarshal(Files.readString(blob(layout, digest)), Map.class);
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** The first group of the first Dockerfile line matching {@code regex} as a whole. */
  private static String line(String dockerfile, String regex) {
    Matcher m = Pattern.compile("(?m)^" + regex + "$").matcher(dockerfile);
    assertThat(m.find()).as("the Dockerfile has a line %s", regex).isTrue();
    return m.group(1);
  }

  private static String awk(String key, Path file) throws IOException {
    return Files.readAllLines(file).stream()
        .map(String::trim)
        .filter(l -> l.startsWith(key))
        .map(l -> l.substring(key.length()).trim())
        .findFirst()
        .orElseThrow();
  }
}
