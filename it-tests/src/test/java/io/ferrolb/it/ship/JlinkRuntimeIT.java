package io.ferrolb.it.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.ferrolb.adapters.k8s.Fabric8WebhookCertStore;
import io.ferrolb.it.controller.Fixtures;
import io.ferrolb.it.support.Crds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image's Java runtime, built here: {@code jlink} with the Dockerfile's options and the modules
 * of scripts/jlink-modules.txt, ferrolb's class-data archive trained on it by
 * scripts/cds-archive.sh, then the application jar run on it with the Dockerfile's
 * JAVA_TOOL_OPTIONS and {@code -Xshare:on} — {@code --version}, and a controller against a mock API
 * server. The part of the image that can go wrong silently (a module missing from the runtime fails
 * only when its class is first loaded), checked also where the image itself cannot be built (no
 * root, no mmdebstrap); where it can, ContainerImageIT runs the image.
 */
@EnableKubernetesMockClient(crud = true)
class JlinkRuntimeIT {
  private static final String NS = "ferrolb-system";
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path APP_JAR = REPO.resolve("app/target/ferrolb.jar");
  private static final Path RUNTIME = Path.of("target", "jlink-runtime").toAbsolutePath();
  private static final Path WORK = Path.of("target", "jlink-it").toAbsolutePath();
  private static final Path ARCHIVE = WORK.resolve("ferrolb.jsa");
  private static final Duration WAIT = Duration.ofSeconds(30);

  KubernetesClient client;
  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void buildRuntime() throws Exception {
    Path jlink = jdkHome().resolve("bin").resolve("jlink");
    Assumptions.assumeTrue(
        Files.isExecutable(jlink), "skipped: no jlink at " + jlink + " (a JRE, not a JDK)");
    assertThat(APP_JAR).as("the application jar (mvn package -pl app)").exists();
    deleteTree(RUNTIME);
    Files.createDirectories(WORK);
    // the Dockerfile's own jlink command line, with the module list it reads from the script
    List<String> command = new ArrayList<>();
    command.add(jlink.toString());
    command.addAll(dockerfileJlinkOptions());
    command.addAll(List.of("--output", RUNTIME.toString()));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(WORK.resolve("jlink.log").toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("jlink finished within 120 s").isTrue();
    assertThat(p.exitValue()).as("jlink exit code; " + read(WORK.resolve("jlink.log"))).isZero();

    // the image's class-data archive, trained on this runtime by the script the Dockerfile runs
    Files.deleteIfExists(ARCHIVE);
    ProcessBuilder train =
        new ProcessBuilder(
                "bash",
                REPO.resolve("scripts/cds-archive.sh").toString(),
                java(),
                APP_JAR.toString(),
                ARCHIVE.toString())
            .redirectErrorStream(true)
            .redirectOutput(WORK.resolve("cds-archive.log").toFile());
    train.environment().putAll(imageFlags());
    Process t = train.start();
    assertThat(t.waitFor(180, TimeUnit.SECONDS)).as("cds-archive.sh finished in 180 s").isTrue();
    assertThat(t.exitValue()).as(read(WORK.resolve("cds-archive.log"))).isZero();
    assertThat(ARCHIVE).isNotEmptyFile();
  }

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : started) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theRuntimeHoldsTheListedModulesAndPrintsTheVersion() throws Exception {
    Process list = start(List.of(java(), "--list-modules"), Map.of(), "list-modules.log");
    assertThat(list.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> modules =
        read(WORK.resolve("list-modules.log"))
            .lines()
            .filter(l -> !l.startsWith("Picked up"))
            .map(l -> l.replaceFirst("@.*", ""))
            .sorted()
            .toList();
    // the listed modules and what they require, not a whole JDK
    assertThat(modules)
        .containsAll(List.of(modules().split(",")))
        .doesNotContain("jdk.compiler", "jdk.jshell", "jdk.jdeps", "java.rmi");

    // -Xshare:on fails at start without usable class-data archives: the runtime's own (jlink
    // --generate-cds-archive) and ferrolb's (scripts/cds-archive.sh)
    Process version =
        start(
            List.of(java(), "-Xshare:on", "-jar", APP_JAR.toString(), "--version"),
            jvmEnv(),
            "version.log");
    assertThat(version.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = read(WORK.resolve("version.log"));
    assertThat(version.exitValue()).as(out).isZero();
    assertThat(out.lines()).as(out).contains("ferrolb " + implementationVersion());
  }

  @Test
  void aControllerOnTheRuntimeGivesAServiceAnAddressAndReportsReady() throws Exception {
    installCrdsAndNamespace();
    client
        .genericKubernetesResources(Fixtures.POOLS)
        .inNamespace(NS)
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("metallb.io/v1beta1")
                .withKind("IPAddressPool")
                .withNewMetadata()
                .withName("ship")
                .withNamespace(NS)
                .endMetadata()
                .withAdditionalProperties(
                    Map.of("spec", Map.of("addresses", List.of("198.51.100.40/30"))))
                .build())
        .create();
    Path kubeconfig = WORK.resolve("kubeconfig");
    Files.writeString(kubeconfig, kubeconfig(client.getMasterUrl().toString(), "default"));
    int metricsPort = freePort();
    int webhookPort = freePort();
    client
        .genericKubernetesResources(WEBHOOKS)
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("admissionregistration.k8s.io/v1")
                .withKind("ValidatingWebhookConfiguration")
                .withNewMetadata()
                .withName("ferrolb-webhook-configuration")
                .endMetadata()
                .withAdditionalProperties(
                    Map.of(
                        "webhooks",
                        List.of(
                            Map.of(
                                "name",
                                "config.ferrolb.io",
                                "clientConfig",
                                Map.of("service", Map.of("name", "localhost", "namespace", NS))))))
                .build())
        .create();
    Map<String, String> env = new java.util.HashMap<>(jvmEnv());
    env.put("KUBECONFIG", kubeconfig.toString());
    Process controller =
        start(
            List.of(
                java(),
                "-Xshare:on", // fails at start unless the image's class-data archive is usable
                "-jar",
                APP_JAR.toString(),
                "controller",
                "--namespace",
                NS,
                "--metrics-port",
                String.valueOf(metricsPort),
                "--identity",
                "jlink-it",
                // the webhook, named "localhost" so the check below can verify the host name
                "--webhook-port",
                String.valueOf(webhookPort),
                "--webhook-service",
                "localhost"),
            env,
            "controller.log");
    client.resource(Fixtures.lb("default", "web", 9)).create();

    await()
        .atMost(WAIT)
        .failFast(
            "controller exited; " + WORK.resolve("controller.log"), () -> !controller.isAlive())
        .until(
            () -> Fixtures.ingress(client, "default", "web"),
            i -> i.equals(List.of("198.51.100.40")));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI readyz = URI.create("http://127.0.0.1:" + metricsPort + "/readyz");
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                        HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode(),
            code -> code == 200);
    // the webhook on the image's runtime: its own EC certificate, trusted through the caBundle it
    // patched in, refuses a pool that overlaps the one in the cluster
    String refused = webhookReview(webhookPort, "198.51.100.42/31");
    assertThat(refused).contains("\"allowed\":false", "198.51.100.42/31", "ship");
    assertThat(read(WORK.resolve("controller.log")))
        .as("no class missing from the runtime")
        .doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
  }

  // ---- helpers

  static final ResourceDefinitionContext WEBHOOKS = Fabric8WebhookCertStore.WEBHOOKS;

  /** POSTs an AdmissionReview creating pool {@code cidr}, trusting only the patched caBundle. */
  @SuppressWarnings("unchecked")
  private String webhookReview(int port, String cidr) throws Exception {
    String caBundle =
        await()
            .atMost(WAIT)
            .until(
                () -> {
                  var vwc =
                      client
                          .genericKubernetesResources(WEBHOOKS)
                          .withName("ferrolb-webhook-configuration")
                          .get();
                  var hook =
                      (Map<String, Object>)
                          ((List<?>) vwc.getAdditionalProperties().get("webhooks")).get(0);
                  Object b = ((Map<String, Object>) hook.get("clientConfig")).get("caBundle");
                  return b == null ? "" : (String) b;
                },
                b -> !b.isEmpty());
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (var c :
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new java.io.ByteArrayInputStream(java.util.Base64.getDecoder().decode(caBundle)))) {
      trust.setCertificateEntry("ca" + i++, c);
    }
    var tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    var tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    String review =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
            + "\"uid\":\"1\",\"operation\":\"CREATE\",\"namespace\":\""
            + NS
            + "\",\"object\":{\"apiVersion\":\"metallb.io/v1beta1\",\"kind\":\"IPAddressPool\","
            + "\"metadata\":{\"name\":\"dup\",\"namespace\":\""
            + NS
            + "\"},\"spec\":{\"addresses\":[\""
            + cidr
            + "\"]}}}}";
    HttpClient https = HttpClient.newBuilder().sslContext(tls).build();
    return await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(
            () ->
                https
                    .send(
                        HttpRequest.newBuilder(
                                URI.create("https://localhost:" + port + "/validate"))
                            .POST(HttpRequest.BodyPublishers.ofString(review))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .body(),
            b -> b.contains("\"allowed\""));
  }

  /** The JDK that runs the tests ($JAVA_HOME, else java.home): its jlink builds the runtimes. */
  static Path jdkHome() {
    String env = System.getenv("JAVA_HOME");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("java.home"));
  }

  /**
   * The options of the Dockerfile's {@code RUN jlink} (continuation lines joined), up to its {@code
   * --output}; the shell expression that reads the module list becomes the list itself.
   */
  static List<String> dockerfileJlinkOptions() throws IOException {
    String dockerfile = Files.readString(REPO.resolve("Dockerfile")).replace("\\\n", " ");
    String run =
        dockerfile
            .lines()
            .filter(l -> l.startsWith("RUN jlink "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the Dockerfile has no 'RUN jlink' line"));
    String options = run.substring("RUN jlink ".length(), run.indexOf(" --output "));
    String modulesExpr = "\"$(tr -d '\\n' < /tmp/modules.txt)\"";
    assertThat(options).as("the Dockerfile's jlink reads the module list").contains(modulesExpr);
    return List.of(options.replace(modulesExpr, modules()).trim().split("\\s+"));
  }

  /** scripts/jlink-modules.txt: one comma-separated line, as the Dockerfile reads it. */
  private static String modules() throws IOException {
    return Files.readString(REPO.resolve("scripts/jlink-modules.txt")).replace("\n", "").trim();
  }

  /** The Dockerfile's first {@code ENV JAVA_TOOL_OPTIONS="..."}: the image's JVM flags. */
  static Map<String, String> imageFlags() throws IOException {
    Matcher m =
        Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"$]+)\"")
            .matcher(Files.readString(REPO.resolve("Dockerfile")));
    assertThat(m.find()).as("Dockerfile sets JAVA_TOOL_OPTIONS").isTrue();
    return Map.of("JAVA_TOOL_OPTIONS", m.group(1), "MALLOC_ARENA_MAX", "2");
  }

  /**
   * What the image runs with: its flags plus, as the Dockerfile's second JAVA_TOOL_OPTIONS line
   * adds, the class-data archive (here the one trained on this runtime).
   */
  private static Map<String, String> jvmEnv() throws IOException {
    assertThat(Files.readString(REPO.resolve("Dockerfile")))
        .contains(
            "ENV JAVA_TOOL_OPTIONS=\"${JAVA_TOOL_OPTIONS}"
                + " -XX:SharedArchiveFile=/opt/ferrolb/app/ferrolb.jsa\"");
    return Map.of(
        "JAVA_TOOL_OPTIONS",
        imageFlags().get("JAVA_TOOL_OPTIONS") + " -XX:SharedArchiveFile=" + ARCHIVE,
        "MALLOC_ARENA_MAX",
        "2");
  }

  private static String java() {
    return RUNTIME.resolve("bin").resolve("java").toString();
  }

  private static String implementationVersion() throws IOException {
    try (JarFile jar = new JarFile(APP_JAR.toFile())) {
      return jar.getManifest().getMainAttributes().getValue("Implementation-Version");
    }
  }

  private Process start(List<String> cmd, Map<String, String> env, String log) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(WORK.resolve(log).toFile())
            .directory(WORK.toFile());
    // nothing of the test JVM's cluster settings leaks in: only KUBECONFIG names the cluster
    pb.environment().keySet().removeIf(k -> k.startsWith("KUBERNETES") || k.startsWith("JAVA_"));
    pb.environment().remove("KUBECONFIG");
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private void installCrdsAndNamespace() throws IOException {
    Crds.install(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
  }

  /**
   * A kubeconfig for the mock API at {@code url}, its context in {@code namespace} (also the one
   * ContainerImageIT mounts into its containers; for an http URL the TLS setting does nothing).
   */
  static String kubeconfig(String url, String namespace) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: mock",
        // the mock serves TLS with a self-signed certificate: the TLS stack of the runtime is used
        "  cluster: {server: \"" + url + "\", insecure-skip-tls-verify: true}",
        "contexts:",
        "- name: mock",
        "  context: {cluster: mock, user: mock, namespace: " + namespace + "}",
        "current-context: mock",
        "users:",
        "- name: mock",
        "  user: {token: mock}",
        "");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
