package io.ferrolb.it.controller;

import static io.ferrolb.it.controller.Fixtures.NS;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * bench/controller: the released controller ({@code java -jar app/target/ferrolb.jar controller},
 * the image's JVM flags, the shipped lease timing) against an API server in a process of its own
 * ({@link BenchApiServer}), in three phases over N LoadBalancer Services:
 *
 * <ol>
 *   <li><b>cold start</b>: the pool and N Services exist, controller A starts; time until the
 *       harness's watch has seen an address on every Service; then Services created one by one,
 *       create to address seen;
 *   <li><b>resync</b>: A stops (SIGTERM), a fresh B starts with every Service assigned; time until
 *       B leads and has re-admitted every Service ({@code ferrolb_controller_rebuilt_services} in
 *       its /metrics reaches N), and the writes the API server received from the controllers
 *       meanwhile;
 *   <li><b>handover</b>: a standby C starts next to B, a burst of Services is created, B is killed
 *       (SIGKILL) once it has assigned a quarter of them; time until C leads ({@code takeover_s}),
 *       until every Service there was at the kill has an address ({@code handover_s}) and until the
 *       whole burst has ({@code handover_all_s}); how many addresses changed (listed right after
 *       the kill and at the end; must be 0, as must every move the watch saw during the run).
 * </ol>
 *
 * <p>The controllers' requests are counted at the API server (by User-Agent: the harness's own
 * client is told apart); {@code writes_on_resync} is every POST, PUT, PATCH and DELETE from B's
 * start until the controllers made no request but the Lease's for 3 s, Lease renewals apart ({@code
 * lease_writes_on_resync}). CPU seconds are utime + stime of each process ({@link BenchProcess}).
 * Phase 1 lasts until A is idle the same way, so that B restarts on what a controller leaves after
 * it has long finished (the Announced conditions included).
 *
 * <p>After every phase the Services are listed from the API: one address each, inside the pool, no
 * two alike (the bench creates no Services that may share). A failure exits 1 without a RESULT
 * line; every process started is killed on the way out. Arguments: {@code [services] [one-by-one]
 * [burst]}; system properties {@code bench.dir} (work directory), {@code bench.jar}, {@code
 * bench.controllerJavaOptions} (JAVA_TOOL_OPTIONS of the controllers) and {@code
 * bench.apiJavaOptions}.
 */
public final class ControllerBench {
  /** The pool: two ranges, so the allocator crosses from one to the next. */
  private static final List<String> POOL = List.of("198.18.0.0/20", "198.19.0.0/17");

  private static final List<BenchProcess> STARTED = new CopyOnWriteArrayList<>();

  private final Path dir = Path.of(System.getProperty("bench.dir"));
  private final Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath();
  private final Path pids = dir.resolve("pids");
  private final Tracker tracker = new Tracker();
  private final Map<String, Double> result = new LinkedHashMap<>();
  private BenchProcess api;
  private int countsPort;
  private KubernetesClient client;
  private Path kubeconfig;

  private ControllerBench() {}

  public static void main(String[] args) {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ControllerBench::killAll, "bench-cleanup")); // also on SIGTERM
    int code = 1;
    try {
      new ControllerBench().run(args);
      code = 0;
    } catch (Exception | Error e) {
      System.err.println("bench: FAILED: " + e);
      e.printStackTrace();
    } finally {
      killAll();
    }
    System.exit(code);
  }

  private static void killAll() {
    for (BenchProcess p : STARTED) {
      p.destroyQuietly();
    }
  }

  private void run(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int oneByOne = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int burst = args.length > 2 ? Integer.parseInt(args[2]) : Math.max(50, services / 10);
    long bench0 = System.nanoTime();

    startApi();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(daemon());
    sampler.scheduleAtFixedRate(
        () -> STARTED.forEach(BenchProcess::sample), 100, 100, TimeUnit.MILLISECONDS);

    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Fixtures.applyPool(client, "bench", POOL.toArray(String[]::new));
    // announced in Layer 2, as a working setup is (a pool without one is warned about by every new
    // leader, an Event each time)
    client
        .genericKubernetesResources(
            new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                .withGroup("metallb.io")
                .withVersion("v1beta1")
                .withKind("L2Advertisement")
                .withPlural("l2advertisements")
                .withNamespaced(true)
                .build())
        .inNamespace(NS)
        .resource(
            new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
                .withApiVersion("metallb.io/v1beta1")
                .withKind("L2Advertisement")
                .withNewMetadata()
                .withName("bench")
                .withNamespace(NS)
                .endMetadata()
                .withAdditionalProperties(
                    Map.of("spec", Map.of("ipAddressPools", List.of("bench"))))
                .build())
        .create();
    log("creating " + services + " Services");
    createAll(0, services, "bench", 20).forEach(ControllerBench::join);
    SharedIndexInformer<Service> watch = client.services().inAnyNamespace().inform(tracker, 0);
    waitFor(
        "the watch lists " + services + " Services",
        Duration.ofMinutes(2),
        () -> tracker.ingress.size() >= services);
    double apiSetup = api.cpuSeconds();

    // ---- phase 1: cold start, then Services one by one ----
    log("phase 1: cold start");
    long t0 = System.nanoTime();
    BenchProcess a = startController("a");
    waitFor(
        "cold start: an address on every Service",
        Duration.ofMinutes(8),
        () -> tracker.assigned.get() >= services);
    double coldStart = seconds(t0);
    log(String.format("  every Service has an address after %.2f s", coldStart));
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < oneByOne; i++) {
      int n = services + i;
      String key = "bench-live/svc-" + n;
      long c0 = System.nanoTime();
      client.resource(Fixtures.lb("bench-live", "svc-" + n, n)).create();
      waitFor(
          key + ": an address", Duration.ofSeconds(30), () -> tracker.assignedAt.containsKey(key));
      latencies.add((tracker.assignedAt.get(key) - c0) / 1_000_000);
    }
    Collections.sort(latencies);
    long p50 = latencies.isEmpty() ? 0 : latencies.get(latencies.size() / 2);
    long p99 =
        latencies.isEmpty() ? 0 : latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
    log("  create->status p50=" + p50 + " ms p99=" + p99 + " ms");
    int total = services + oneByOne;
    audit("after the cold start", total);
    // the common case: a controller that has long finished its work (the Announced conditions too)
    settle(counts());
    double coldIdle = seconds(t0);
    log(
        String.format(
            "  A is idle (no request but the Lease's for 3 s) %.1f s after its start", coldIdle));
    double coldApi = api.cpuSeconds() - apiSetup;
    double coldController = a.cpuSeconds();

    // ---- phase 2: restart with every Service assigned ----
    log("phase 2: restart (A stops, a fresh B starts)");
    a.stop(Duration.ofSeconds(30));
    double aCpu = a.cpuSeconds();
    Map<String, List<String>> beforeRestart = listIngress();
    Map<String, Long> counts0 = counts();
    double api1 = api.cpuSeconds();
    long r0 = System.nanoTime();
    BenchProcess b = startController("b");
    waitFor(
        "resync: B leads and has re-admitted every Service",
        Duration.ofMinutes(5),
        () ->
            b.metric("ferrolb_controller_leader_bool").orElse(0) == 1
                && b.metric("ferrolb_controller_rebuilt_services").orElse(0) >= total);
    double resync = seconds(r0);
    log(String.format("  B leads and has looked at every Service after %.2f s", resync));
    Map<String, Long> counts1 = settle(counts0);
    double quiet = seconds(r0);
    Map<String, Long> resyncRequests = delta(counts0, counts1);
    long writesOnResync = sum(resyncRequests, true, false);
    long leaseWrites = sum(resyncRequests, true, true) - writesOnResync;
    log(
        "  controller requests during the resync ("
            + String.format("%.1f", quiet)
            + " s): "
            + resyncRequests);
    double resyncApi = api.cpuSeconds() - api1;
    double resyncController = b.cpuSeconds();
    Map<String, List<String>> afterRestart = listIngress();
    int resyncChanges = changes(beforeRestart, afterRestart);
    audit("after the restart", total);
    if (resyncChanges != 0) {
      throw new IllegalStateException(
          resyncChanges + " Services changed address across the restart");
    }

    // ---- phase 3: kill -9 of the leader while it assigns a burst ----
    log("phase 3: standby C, a burst of " + burst + " Services, SIGKILL of leader B");
    double api2 = api.cpuSeconds();
    double b2 = b.cpuSeconds();
    BenchProcess c = startController("c");
    waitFor(
        "standby C ready",
        Duration.ofMinutes(3),
        () -> c.ready() && c.metric("ferrolb_controller_leader_bool").orElse(1) == 0);
    int from = total;
    List<Future<?>> creating = createAll(from, burst, "bench-burst", 1);
    int trigger = Math.max(1, burst / 4);
    waitFor(
        "B assigns " + trigger + " of the burst",
        Duration.ofMinutes(2),
        () -> burstAssigned(from, burst) >= trigger);
    Map<String, Long> countsAtKill = counts();
    long k0 = System.nanoTime();
    b.kill9();
    double killedAfter = seconds(k0);
    int assignedAtKill = burstAssigned(from, burst);
    Map<String, List<String>> beforeKill = listIngress();
    long heldAtKill = beforeKill.values().stream().filter(l -> !l.isEmpty()).count();
    log(
        "  B killed ("
            + String.format("%.3f", killedAfter)
            + " s to reap) with "
            + assignedAtKill
            + " of "
            + burst
            + " burst Services seen assigned; "
            + heldAtKill
            + " Services hold one");
    if (heldAtKill >= total + burst) {
      throw new IllegalStateException(
          "B assigned the whole burst before the kill: nothing was handed over mid-assignment"
              + " (give a larger burst)");
    }
    waitFor(
        "C leads",
        Duration.ofMinutes(1),
        () -> c.metric("ferrolb_controller_leader_bool").orElse(0) == 1);
    double takeover = seconds(k0);
    // the handover: every Service there was when B died has an address (the harness may still be
    // creating the rest of the burst, at its own pace; those are counted in handover_all_s)
    waitFor(
        "handover: an address on every Service there was at the kill",
        Duration.ofMinutes(3),
        () -> tracker.assignedAt.keySet().containsAll(beforeKill.keySet()));
    double handover = seconds(k0);
    creating.forEach(ControllerBench::join);
    double created = seconds(k0);
    int all = total + burst;
    waitFor(
        "handover: an address on every Service",
        Duration.ofMinutes(3),
        () -> tracker.assigned.get() >= all);
    double handoverAll = seconds(k0);
    log("  controller requests from the kill to the handover: " + delta(countsAtKill, counts()));
    log(
        String.format(
            "  C leads after %.2f s; every Service there was at the kill (%d) has an address after"
                + " %.2f s; the burst was all created after %.2f s, and had addresses after %.2f s",
            takeover, beforeKill.size(), handover, created, handoverAll));
    Map<String, List<String>> afterKill = listIngress();
    int handoverChanges = changes(beforeKill, afterKill);
    audit("after the handover", all);
    if (handoverChanges != 0) {
      throw new IllegalStateException(
          handoverChanges + " Services changed address across the handover");
    }
    if (!tracker.moves.isEmpty()) {
      throw new IllegalStateException("addresses moved during the run: " + tracker.moves);
    }
    double handoverApi = api.cpuSeconds() - api2;
    double handoverLeader = b.cpuSeconds() - b2;
    double handoverStandby = c.cpuSeconds();
    c.stop(Duration.ofSeconds(30));
    watch.close();
    client.close();
    double apiTotal = api.cpuSeconds();
    api.stop(Duration.ofSeconds(15));
    sampler.shutdownNow();
    double controllerTotal = aCpu + b.cpuSeconds() + c.cpuSeconds();

    result.put("services", (double) services);
    result.put("cold_start_s", coldStart);
    result.put("create_to_status_p50_ms", (double) p50);
    result.put("create_to_status_p99_ms", (double) p99);
    result.put("cold_idle_s", coldIdle);
    result.put("resync_s", resync);
    result.put("writes_on_resync", (double) writesOnResync);
    result.put("lease_writes_on_resync", (double) leaseWrites);
    result.put("requests_on_resync", (double) sum(resyncRequests, false, true));
    result.put("resync_quiet_s", quiet);
    result.put("burst", (double) burst);
    result.put("burst_assigned_at_kill", (double) assignedAtKill);
    result.put("takeover_s", takeover);
    result.put("handover_s", handover);
    result.put("handover_all_s", handoverAll);
    result.put("handover_changes", (double) handoverChanges);
    result.put("duplicates", 0.0);
    result.put("api_cpu_s", apiTotal);
    result.put("controller_cpu_s", controllerTotal);
    result.put("cold_api_cpu_s", coldApi);
    result.put("cold_controller_cpu_s", coldController);
    result.put("resync_api_cpu_s", resyncApi);
    result.put("resync_controller_cpu_s", resyncController);
    result.put("handover_api_cpu_s", handoverApi);
    result.put("handover_leader_cpu_s", handoverLeader);
    result.put("handover_standby_cpu_s", handoverStandby);
    result.put("harness_cpu_s", selfCpu());
    result.put("run_s", seconds(bench0));
    StringBuilder line = new StringBuilder("RESULT controller");
    result.forEach((k, v) -> line.append(' ').append(k).append('=').append(format(v)));
    System.out.println(line);
  }

  // ---- processes ----

  private void startApi() throws IOException, InterruptedException {
    Path props = dir.resolve("api.properties");
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(split(System.getProperty("bench.apiJavaOptions", "")));
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            BenchApiServer.class.getName(),
            props.toString()));
    Map<String, String> env = new HashMap<>();
    env.put("JAVA_TOOL_OPTIONS", null);
    // Crds.DIR is relative to it-tests, where failsafe runs
    api =
        BenchProcess.start(
            "api", cmd, env, root.resolve("it-tests"), dir.resolve("api.log"), pids, -1);
    STARTED.add(api);
    waitFor(
        "the API server serves", Duration.ofMinutes(1), () -> Files.exists(props) || !api.alive());
    if (!api.alive()) {
      throw new IllegalStateException("the API server exited; see " + dir.resolve("api.log"));
    }
    Properties p = new Properties();
    try (var in = Files.newInputStream(props)) {
      p.load(in);
    }
    countsPort = Integer.parseInt(p.getProperty("counts"));
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, kubeconfig(p.getProperty("url")));
    Config config =
        new ConfigBuilder(Config.fromKubeconfig(Files.readString(kubeconfig)))
            .withUserAgent(BenchApiServer.BENCH_AGENT)
            .build();
    client = new KubernetesClientBuilder().withConfig(config).build();
    log("API server pid " + api.pid() + " at " + p.getProperty("url"));
  }

  /** {@code ferrolb controller} as deploy/base/controller.yaml runs it, with this identity. */
  private BenchProcess startController(String id) throws IOException {
    int port = freePort();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java(),
                "-jar",
                System.getProperty("bench.jar"),
                "controller",
                "--namespace=" + NS,
                "--metrics-port=" + port,
                "--identity=bench-" + id));
    String extra = System.getProperty("bench.controllerArgs", "").trim();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+"))); // BENCH_CONTROLLER_ARGS
    }
    Map<String, String> env = new HashMap<>();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("JAVA_TOOL_OPTIONS", System.getProperty("bench.controllerJavaOptions", ""));
    env.put("MALLOC_ARENA_MAX", "2"); // as deploy/base/controller.yaml sets it
    env.put("FERROLB_NAMESPACE", NS);
    env.put("FERROLB_POD_NAME", null);
    BenchProcess p =
        BenchProcess.start(
            "controller-" + id,
            cmd,
            env,
            dir,
            dir.resolve("controller-" + id + ".log"),
            pids,
            port);
    STARTED.add(p);
    log("  controller " + id + " pid " + p.pid() + ", metrics on " + port);
    return p;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static List<String> split(String options) {
    return options.isBlank() ? List.of() : List.of(options.strip().split("\\s+"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static double selfCpu() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (double) (Long.parseLong(f[11]) + Long.parseLong(f[12])) / BenchProcess.CLK_TCK;
    } catch (IOException e) {
      return -1;
    }
  }

  // ---- API-side request counts ----

  /** The controllers' requests so far, by "method resource". */
  private Map<String, Long> counts() {
    HttpResponse<String> r =
        BenchProcess.get(countsPort, "/counts")
            .orElseThrow(() -> new IllegalStateException("the API server's counts do not answer"));
    Map<String, Long> out = new TreeMap<>();
    for (String line : r.body().split("\n")) {
      String[] f = line.split(" ");
      if (f.length == 4 && f[0].equals("controller")) {
        out.put(f[1] + " " + f[2], Long.parseLong(f[3]));
      }
    }
    return out;
  }

  /**
   * Waits until the controllers make no request but the Lease's for 3 s in a row (at most 2 min),
   * so that work a leader does after its rebuild (the Announced conditions' pass, delayed writes)
   * is counted too; returns the counts then.
   */
  private Map<String, Long> settle(Map<String, Long> since) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    Map<String, Long> last = counts();
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
      Map<String, Long> now = counts();
      if (!withoutLeases(now).equals(withoutLeases(last))) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= Duration.ofSeconds(3).toNanos()) {
        return now;
      }
    }
    log("  the controllers were still busy 2 min after the restart: " + delta(since, last));
    return last;
  }

  private static Map<String, Long> withoutLeases(Map<String, Long> counts) {
    Map<String, Long> out = new TreeMap<>(counts);
    out.keySet().removeIf(k -> k.endsWith(" leases"));
    return out;
  }

  private static Map<String, Long> delta(Map<String, Long> from, Map<String, Long> to) {
    Map<String, Long> out = new TreeMap<>();
    to.forEach(
        (k, v) -> {
          long d = v - from.getOrDefault(k, 0L);
          if (d != 0) {
            out.put(k, d);
          }
        });
    return out;
  }

  /** Requests in {@code counts}: only writes (POST/PUT/PATCH/DELETE) or all; Lease ones or not. */
  private static long sum(Map<String, Long> counts, boolean writesOnly, boolean leases) {
    long n = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      String method = e.getKey().split(" ")[0];
      boolean write = List.of("POST", "PUT", "PATCH", "DELETE").contains(method);
      boolean lease = e.getKey().endsWith(" leases");
      if ((write || !writesOnly) && (leases || !lease)) {
        n += e.getValue();
      }
    }
    return n;
  }

  // ---- Services ----

  /** Creates Services {@code from .. from+n-1} on 8 threads, in {@code namespaces} namespaces. */
  private List<Future<?>> createAll(int from, int n, String prefix, int namespaces) {
    ExecutorService creators = Executors.newFixedThreadPool(8, daemon());
    List<Future<?>> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      int k = i;
      String ns = namespaces == 1 ? prefix : prefix + (k % namespaces);
      out.add(creators.submit(() -> create(Fixtures.lb(ns, "svc-" + k, k))));
    }
    creators.shutdown();
    return out;
  }

  /**
   * Creates {@code svc}; a 409 is taken as done when the Service is there (the client retries a
   * request that timed out, and the first attempt may have been served).
   */
  private Void create(Service svc) {
    try {
      client.resource(svc).create();
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      if (e.getCode() != 409 || client.resource(svc).get() == null) {
        throw e;
      }
      log(
          "  create "
              + svc.getMetadata().getName()
              + ": 409, the Service exists (a retried request)");
    }
    return null;
  }

  private int burstAssigned(int from, int n) {
    int count = 0;
    for (int i = from; i < from + n; i++) {
      if (tracker.assignedAt.containsKey("bench-burst/svc-" + i)) {
        count++;
      }
    }
    return count;
  }

  private Map<String, List<String>> listIngress() {
    Map<String, List<String>> out = new TreeMap<>();
    for (Service s : client.services().inAnyNamespace().list().getItems()) {
      out.put(
          s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), Fixtures.ingress(s));
    }
    return out;
  }

  /**
   * Services that held an address in {@code before} and hold another (or none) in {@code after}.
   */
  private static int changes(Map<String, List<String>> before, Map<String, List<String>> after) {
    int n = 0;
    for (Map.Entry<String, List<String>> e : before.entrySet()) {
      if (!e.getValue().isEmpty() && !e.getValue().equals(after.get(e.getKey()))) {
        if (n < 10) {
          log("  changed: " + e.getKey() + " " + e.getValue() + " -> " + after.get(e.getKey()));
        }
        n++;
      }
    }
    return n;
  }

  /**
   * Every Service listed from the API holds exactly one address, inside the pool, and no two hold
   * the same one (the bench creates no Services allowed to share).
   */
  private void audit(String when, int expected) {
    Map<String, List<String>> all = listIngress();
    if (all.size() != expected) {
      throw new IllegalStateException(
          when + ": " + all.size() + " Services (expected " + expected + ")");
    }
    Map<String, String> holder = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : all.entrySet()) {
      List<String> ips = e.getValue();
      if (ips.size() != 1) {
        problems.add(e.getKey() + " holds " + ips + " (expected: one address)");
        continue;
      }
      String ip = ips.get(0);
      if (!inPool(ip)) {
        problems.add(e.getKey() + " holds " + ip + ", outside the pool " + POOL);
      }
      String other = holder.put(ip, e.getKey());
      if (other != null) {
        problems.add("duplicate: " + ip + " held by " + other + " and " + e.getKey());
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          when
              + ": "
              + problems.size()
              + " problems, first "
              + problems.subList(0, Math.min(10, problems.size())));
    }
    log(
        "  "
            + when
            + ": "
            + all.size()
            + " Services, "
            + holder.size()
            + " distinct addresses, all inside the pool");
  }

  private static boolean inPool(String ip) {
    long a = v4(ip);
    for (String cidr : POOL) {
      String[] p = cidr.split("/");
      int bits = Integer.parseInt(p[1]);
      long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
      if ((a & mask) == (v4(p[0]) & mask)) {
        return true;
      }
    }
    return false;
  }

  private static long v4(String ip) {
    String[] o = ip.split("\\.");
    if (o.length != 4) {
      throw new IllegalStateException("not an IPv4 address: " + ip);
    }
    long v = 0;
    for (String s : o) {
      int b = Integer.parseInt(s);
      if (b < 0 || b > 255) {
        throw new IllegalStateException("not an IPv4 address: " + ip);
      }
      v = v << 8 | b;
    }
    return v;
  }

  /**
   * What the harness's watch saw: each Service's ingress, when it first had an address, and every
   * change of an address once held.
   */
  private static final class Tracker implements ResourceEventHandler<Service> {
    final Map<String, List<String>> ingress = new ConcurrentHashMap<>();
    final Map<String, Long> assignedAt = new ConcurrentHashMap<>();
    final AtomicInteger assigned = new AtomicInteger();
    final ConcurrentLinkedQueue<String> moves = new ConcurrentLinkedQueue<>();

    @Override
    public void onAdd(Service s) {
      seen(s);
    }

    @Override
    public void onUpdate(Service old, Service s) {
      seen(s);
    }

    @Override
    public void onDelete(Service s, boolean unknown) {}

    private void seen(Service s) {
      long now = System.nanoTime();
      String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
      List<String> ips = Fixtures.ingress(s);
      List<String> was = ingress.put(key, ips);
      if (was != null && !was.isEmpty() && !was.equals(ips)) {
        moves.add(key + " " + was + " -> " + ips);
      }
      if (!ips.isEmpty() && assignedAt.putIfAbsent(key, now) == null) {
        assigned.incrementAndGet();
      }
    }
  }

  // ---- small helpers ----

  private static void waitFor(String what, Duration limit, BooleanSupplier done) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": not within " + limit);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // 20 ms resolution on phase times
    }
  }

  private static void join(Future<?> f) {
    try {
      f.get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException("creating a Service failed: " + e, e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    };
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format("%.2f", v);
  }

  static String kubeconfig(String url) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: bench",
        "  cluster:",
        "    server: " + url,
        "contexts:",
        "- name: bench",
        "  context: {cluster: bench, user: bench, namespace: default}",
        "current-context: bench",
        "users:",
        "- name: bench",
        "  user: {token: bench}",
        "");
  }

  private static void log(String s) {
    System.err.println("bench: " + s);
  }
}
