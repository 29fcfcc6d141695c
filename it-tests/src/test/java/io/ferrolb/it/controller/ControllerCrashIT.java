package io.ferrolb.it.controller;

import static io.ferrolb.it.controller.Fixtures.NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.ferrolb.app.cli.IndexedCrudDispatcher;
import io.ferrolb.app.controller.Controller;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the leading controller, again and again, while it assigns addresses (issue
 * 15): two {@code ferrolb controller} processes of the shipped jar (the command's defaults: a 2 s
 * Lease renewed at 1.5 s, retried every 200 ms) on the CRUD mock server, 1,000 Services created in
 * bursts, and after each burst, at a random point of its assignment, SIGKILL of whichever process
 * holds the Lease. A new standby process takes the dead one's place before the next kill.
 *
 * <p>Asserted: a direct watch ({@link AddressChecker}) never sees an address held twice at once, a
 * second address or an address that changed; every Service ends with exactly one address from the
 * pool; after each kill the survivor holds the Lease within 2.5 lease durations (it cannot before
 * the Lease expires, one lease after the last renewal it saw). Figures (printed and in
 * target/controller-crash-it/figures.txt): kills, the takeover times (p50 and max), how many
 * Services were still waiting at each kill, and the time from the last kill to every address in
 * place. Sizes: {@code -Dcrash.services} (1000), {@code -Dcrash.kills} (20), {@code -Dcrash.seed}
 * (7).
 */
class ControllerCrashIT {
  private static final int SERVICES = Integer.getInteger("crash.services", 1000);
  private static final int KILLS = Integer.getInteger("crash.kills", 20);
  private static final long SEED = Long.getLong("crash.seed", 7);
  private static final String APP_NS = "crash";
  private static final String POOL = "198.18.0.0/22"; // 1,024 addresses, RFC 2544
  private static final Duration LEASE = Duration.ofSeconds(2); // ControllerCommand's default
  private static final Duration RETRY = LEASE.dividedBy(10);
  // a Lease changes hands no sooner than one lease after the last renewal the standby saw, and
  // then at its next retry (fabric8 adds up to 20% jitter); the rest is slack for a busy 2-core
  // machine (measured there: p50 2.78 s, max 3.60 s; in CI p50 3.16 s, max 3.71 s)
  private static final Duration TAKEOVER_BOUND = LEASE.multipliedBy(5).dividedBy(2);
  private static final Path WORK = Path.of("target", "controller-crash-it").toAbsolutePath();
  private static final Path APP_JAR =
      Path.of("..").toAbsolutePath().normalize().resolve("app/target/ferrolb.jar");

  private KubernetesMockServer server;
  private KubernetesClient client;
  private Path kubeconfig;
  private final Map<String, BenchProcess> controllers = new LinkedHashMap<>(); // identity -> it
  private final AddressChecker checker = new AddressChecker();
  private Watch watch;

  @BeforeEach
  void start() throws Exception {
    assertThat(APP_JAR).as("the shipped jar (mvn package of app)").exists();
    Files.createDirectories(WORK);
    server = IndexedCrudDispatcher.serve(new IndexedCrudDispatcher());
    client = server.createClient();
    Fixtures.installCrds(client);
    for (String ns : List.of(NS, APP_NS)) {
      client
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    Fixtures.applyPool(client, "crash", POOL);
    kubeconfig = WORK.resolve("kubeconfig");
    Files.writeString(kubeconfig, ControllerBench.kubeconfig(client.getMasterUrl().toString()));
    watch = client.services().inAnyNamespace().watch(checker);
  }

  @AfterEach
  void stop() {
    controllers.values().forEach(BenchProcess::destroyQuietly);
    if (watch != null) {
      watch.close();
    }
    client.close();
    server.destroy();
  }

  private BenchProcess startController(String id) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Map<String, String> env = new HashMap<>();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("MALLOC_ARENA_MAX", "2"); // as deploy/base/controller.yaml sets it
    env.put("FERROLB_POD_NAME", null);
    env.put("JAVA_TOOL_OPTIONS", null);
    BenchProcess p =
        BenchProcess.start(
            id,
            List.of(
                ControllerBench.java(),
                "-jar",
                APP_JAR.toString(),
                "controller",
                "--namespace=" + NS,
                "--metrics-port=" + port,
                "--identity=" + id),
            env,
            WORK,
            WORK.resolve(id + ".log"),
            WORK.resolve("pids"),
            port);
    controllers.put(id, p);
    return p;
  }

  private Optional<String> holder() {
    Lease l = client.leases().inNamespace(NS).withName(Controller.LEASE_NAME).get();
    return Optional.ofNullable(l == null ? null : l.getSpec().getHolderIdentity());
  }

  private static void awaitTrue(String what, Duration within, java.util.function.BooleanSupplier ok)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  private int withoutAddress() {
    int n = 0;
    for (Service s : client.services().inNamespace(APP_NS).list().getItems()) {
      if (Fixtures.ingress(s).size() != 1) {
        n++;
      }
    }
    return n;
  }

  @Test
  void theLeaderKilledMidAssignmentLosesNothing() throws Exception {
    Random random = new Random(SEED);
    startController("crash-0");
    startController("crash-1");
    awaitTrue(
        "both controllers ready and one leading",
        Duration.ofSeconds(60),
        () -> controllers.values().stream().allMatch(BenchProcess::ready) && holder().isPresent());

    List<Double> takeovers = new ArrayList<>();
    List<Integer> waitingAtKill = new ArrayList<>();
    int perBurst = Math.max(1, SERVICES / KILLS);
    int created = 0;
    int next = 2;
    long lastKill = 0;
    for (int k = 0; k < KILLS; k++) {
      for (int i = 0; i < perBurst && created < SERVICES; i++, created++) {
        client.resource(Fixtures.lb(APP_NS, "svc-" + created, created)).create();
      }
      Thread.sleep(random.nextInt(400)); // a random point of the burst's assignment
      String leader = holder().orElseThrow(() -> new AssertionError("no Lease holder"));
      BenchProcess dying = controllers.get(leader);
      assertThat(dying).as("the Lease holder %s is one of ours", leader).isNotNull();
      waitingAtKill.add(withoutAddress());
      dying.kill9();
      long killedAt = System.nanoTime();
      lastKill = System.currentTimeMillis();
      controllers.remove(leader);
      awaitTrue(
          "a survivor takes the Lease after kill " + (k + 1) + " of " + leader,
          Duration.ofSeconds(30),
          () -> holder().filter(h -> !h.equals(leader)).isPresent());
      takeovers.add((System.nanoTime() - killedAt) / 1e9);
      // the next standby, ready before the next kill
      BenchProcess standby = startController("crash-" + next++);
      awaitTrue("standby " + standby.name + " ready", Duration.ofSeconds(60), standby::ready);
    }
    while (created < SERVICES) {
      client.resource(Fixtures.lb(APP_NS, "svc-" + created, created)).create();
      created++;
    }
    awaitTrue("every Service has one address", Duration.ofSeconds(90), () -> withoutAddress() == 0);
    double settled = (System.currentTimeMillis() - lastKill) / 1000.0;

    List<Double> sorted = new ArrayList<>(takeovers);
    Collections.sort(sorted);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("seed", SEED);
    figures.put("services", created);
    figures.put("kills (SIGKILL of the Lease holder)", takeovers.size());
    figures.put("takeover p50 (s)", String.format("%.2f", sorted.get(sorted.size() / 2)));
    figures.put("takeover max (s)", String.format("%.2f", sorted.get(sorted.size() - 1)));
    figures.put("Services without an address at each kill", waitingAtKill);
    figures.put("every address in place after the last kill (s)", settled);
    figures.put("checker events", checker.events.get());
    figures.put("violations seen by the checker", checker.violations.size());
    StringBuilder out = new StringBuilder("ControllerCrashIT figures\n");
    figures.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    checker.violations.forEach(v -> out.append("  VIOLATION ").append(v).append('\n'));
    System.out.print(out);
    Files.writeString(WORK.resolve("figures.txt"), out);

    assertThat(checker.violations).as("violations seen by the checker").isEmpty();
    assertThat(checker.closed).as("the checker's watch stayed open").isFalse();
    Map<String, String> byIp = new TreeMap<>();
    for (Service s : client.services().inNamespace(APP_NS).list().getItems()) {
      String ip = Fixtures.ingress(s).get(0);
      assertThat(inPool(ip)).as("%s of %s is in %s", ip, s.getMetadata().getName(), POOL).isTrue();
      assertThat(byIp.put(ip, s.getMetadata().getName())).as("%s held twice", ip).isNull();
    }
    assertThat(byIp).hasSize(created);
    assertThat(sorted.get(sorted.size() - 1))
        .as("takeover after SIGKILL, at most %s", TAKEOVER_BOUND)
        .isLessThanOrEqualTo(TAKEOVER_BOUND.toMillis() / 1000.0);
  }

  private static boolean inPool(String ip) {
    String[] p = ip.split("\\.");
    // 198.18.0.0/22: 198.18.0.0 - 198.18.3.255
    return p.length == 4
        && p[0].equals("198")
        && p[1].equals("18")
        && Integer.parseInt(p[2]) >= 0
        && Integer.parseInt(p[2]) <= 3;
  }
}
