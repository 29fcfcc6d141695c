package io.ferrolb.it.controller;

import static io.ferrolb.it.controller.Fixtures.NS;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.controller.Controller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * bench/controller: N LoadBalancer Services on a standalone mock API server; cold start of the
 * controller (sync, allocate, status written for all); then 200 Services created one by one,
 * measuring create to status written (seen by a watch); then a controller restart, counting
 * Services whose address changed. Prints the RESULT line last.
 */
public final class ControllerBench {
  private static final Map<String, List<String>> INGRESS = new ConcurrentHashMap<>();
  private static final Map<String, CountDownLatch> WAITING = new ConcurrentHashMap<>();

  private ControllerBench() {}

  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0);
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1); // the controller's and mock server's threads would keep the JVM alive
    }
  }

  private static void run(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int oneByOne = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new IndexedCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    Fixtures.applyPool(client, "bench", "198.18.0.0/16");

    log("creating " + services + " Services");
    ExecutorService creators = Executors.newFixedThreadPool(8);
    for (int i = 0; i < services; i++) {
      int n = i;
      creators.submit(
          () -> client.resource(Fixtures.lb("bench" + (n % 20), "svc-" + n, n)).create());
    }
    creators.shutdown();
    creators.awaitTermination(10, TimeUnit.MINUTES);

    SharedIndexInformer<Service> watch = client.services().inAnyNamespace().inform(tracker(), 0);
    CountDownLatch allAssigned = new CountDownLatch(services);
    WAITING.put("*", allAssigned);

    log("cold start");
    long t0 = System.nanoTime();
    Controller first = start(server, "bench-1");
    Thread phases =
        new Thread(
            () -> {
              while (!first.loop().rebuilt()) {
                LockSupport.parkNanos(1_000_000); // 1 ms resolution is plenty for a phase time
              }
              log(
                  String.format(
                      "  caches synced and every Service reconciled after %.2f s",
                      (System.nanoTime() - t0) / 1e9));
            },
            "bench-phases");
    phases.setDaemon(true);
    phases.start();
    if (!allAssigned.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("cold start: not every Service got an address");
    }
    double coldStartS = (System.nanoTime() - t0) / 1e9;
    WAITING.remove("*");
    log(String.format("cold start %.2f s", coldStartS));

    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < oneByOne; i++) {
      int n = services + i;
      String key = "bench-live/svc-" + n;
      CountDownLatch done = new CountDownLatch(1);
      WAITING.put(key, done);
      long c0 = System.nanoTime();
      client.resource(Fixtures.lb("bench-live", "svc-" + n, n)).create();
      if (!done.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(key + ": no address within 30 s");
      }
      latencies.add((System.nanoTime() - c0) / 1_000_000);
      WAITING.remove(key);
    }
    Collections.sort(latencies);
    long p50 = latencies.get(latencies.size() / 2);
    long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
    log("create->status p50=" + p50 + "ms p99=" + p99 + "ms");

    Map<String, List<String>> before = new HashMap<>(INGRESS);
    log("restart");
    first.close();
    Controller second = start(server, "bench-2");
    // a probe created after the restart is processed after the rebuild of everything else
    String probe = "bench-live/probe";
    CountDownLatch probeDone = new CountDownLatch(1);
    WAITING.put(probe, probeDone);
    client.resource(Fixtures.lb("bench-live", "probe", services + oneByOne)).create();
    if (!probeDone.await(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("after restart: the probe got no address");
    }
    int reassigned = 0;
    for (Map.Entry<String, List<String>> e : before.entrySet()) {
      if (!e.getValue().equals(INGRESS.get(e.getKey()))) {
        reassigned++;
      }
    }
    second.close();
    watch.close();
    client.close();
    server.destroy();
    System.out.printf(
        "RESULT controller services=%d cold_start_s=%.2f create_to_status_p50_ms=%d"
            + " create_to_status_p99_ms=%d reassigned_after_restart=%d%n",
        services, coldStartS, p50, p99, reassigned);
  }

  private static Controller start(KubernetesMockServer server, String id) {
    return Controller.start(
        server.createClient(),
        new Controller.Options(NS, "", id, LeaseLeadership.Timing.FAST, true, Optional.empty()),
        new PrometheusRegistry());
  }

  private static ResourceEventHandler<Service> tracker() {
    return new ResourceEventHandler<>() {
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
    };
  }

  private static void seen(Service s) {
    String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    List<String> ips = Fixtures.ingress(s);
    List<String> was = INGRESS.put(key, ips);
    if (!ips.isEmpty()) {
      if (was == null || was.isEmpty()) {
        CountDownLatch all = WAITING.get("*");
        if (all != null) {
          all.countDown();
        }
      }
      CountDownLatch one = WAITING.get(key);
      if (one != null) {
        one.countDown();
      }
    }
  }

  private static void log(String s) {
    System.err.println("bench: " + s);
  }
}
