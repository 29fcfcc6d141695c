package io.ferrolb.domain.allocation.bench;

import io.ferrolb.domain.allocation.AllocationResult;
import io.ferrolb.domain.allocation.Allocator;
import io.ferrolb.domain.allocation.PoolStats;
import io.ferrolb.domain.allocation.Protocol;
import io.ferrolb.domain.allocation.ServiceRequest;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.Pool;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Allocator benchmark (not a unit test; run by {@code bench/allocator} under the image's JVM flags,
 * 64 MB Serial heap included). Two workloads:
 *
 * <ul>
 *   <li><b>mixed</b>: 100,000 Services across an IPv4 /16, an IPv4 range and an IPv6 /64 — 20%
 *       IPv6, 20% asking for the range's pool (a quarter of those for a fixed address), 10% sharing
 *       an address in pairs (TCP/80 + UDP/53 under one {@code allow-shared-ip} key) — assigned in a
 *       shuffled order; then 10% released at random and assigned again (churn).
 *   <li><b>IPv6 only</b>: the same number of Services from one pool, an IPv6 /48 against a small
 *       prefix they (nearly) fill: a /111 for 100,000 Services, and a /112 for 65,536 (a /112 holds
 *       65,536 addresses, so 100,000 do not fit in it). The time ratio is what can refute the claim
 *       that the allocator's cost does not depend on pool size.
 * </ul>
 *
 * <p>Only the {@code reconcile} calls are timed: requests are built in batches of {@link #BATCH}
 * before each timed batch (as an informer delivers them), and the pools are set before timing
 * starts. Throughput is per second of elapsed (wall) time, and per second of CPU time (this thread,
 * plus the GC's pauses, which Serial runs on the VM thread). Per-operation latencies come from
 * separate runs, so that the throughput runs carry no per-call timer.
 */
public final class AllocatorBench {

  private static final int SERVICES = 100_000;
  private static final int V6_FILL_112 = 65_536; // 2^(128 - 112)
  private static final int BATCH = 1_000;
  private static final Map<String, String> NS_LABELS = Map.of();

  private AllocatorBench() {}

  /** Pools, a request per index (built on demand), arrival order and the churn's releases. */
  private record Workload(
      String name,
      List<Pool> pools,
      IntFunction<ServiceRequest> request,
      int[] order,
      int[] churn) {
    int size() {
      return order.length;
    }
  }

  // ------------------------------------------------------------------------------ workloads

  private static Workload mixed(long seed) {
    List<Pool> pools =
        List.of(
            Pool.of("v4-cidr", List.of(IpRange.parse("198.18.0.0/16"))),
            Pool.of("v4-range", List.of(IpRange.parse("198.19.0.0-198.19.199.255"))),
            Pool.of("v6", List.of(IpRange.parse("2001:db8:1::/64"))));
    int v6 = 20_000;
    int annotated = 20_000; // metallb.io/address-pool: v4-range
    int requested = 5_000; // of those, metallb.io/loadBalancerIPs from the top of the range
    int shared = 10_000; // pairs sharing one address, auto-assigned from the /16
    int v4auto = SERVICES - v6 - annotated;
    IntFunction<ServiceRequest> req =
        i -> {
          ServiceRequest.Builder b = ServiceRequest.builder("ns" + (i % 100), "svc-" + i);
          if (i < v4auto) {
            b.clusterIps(IpAddress.v4(0x0A60_0000L + i));
            if (i < shared) {
              b.annotation("metallb.io/allow-shared-ip", "share-" + (i / 2))
                  .port(i % 2 == 0 ? Protocol.TCP : Protocol.UDP, i % 2 == 0 ? 80 : 53);
            } else {
              b.port(Protocol.TCP, 443);
            }
          } else if (i < v4auto + annotated) {
            int k = i - v4auto;
            b.clusterIps(IpAddress.v4(0x0A60_0000L + i))
                .port(Protocol.TCP, 8080)
                .annotation("metallb.io/address-pool", "v4-range");
            if (k < requested) {
              // 198.19.199.255 downwards: never handed out automatically before it is requested
              b.annotation("metallb.io/loadBalancerIPs", IpAddress.v4(0xC613_C7FFL - k).toString());
            }
          } else {
            b.clusterIps(IpAddress.v6(0x2001_0db8_ffff_0000L, i)).port(Protocol.TCP, 443);
          }
          return b.build();
        };
    return shuffled("mixed", pools, req, SERVICES, seed);
  }

  /** {@code services} IPv6-only Services, one pool with the prefix {@code cidr}. */
  private static Workload v6Only(String cidr, int services, long seed) {
    List<Pool> pools = List.of(Pool.of("v6", List.of(IpRange.parse(cidr))));
    IntFunction<ServiceRequest> req =
        i ->
            ServiceRequest.builder("ns" + (i % 100), "svc-" + i)
                .clusterIps(IpAddress.v6(0x2001_0db8_ffff_0000L, i))
                .port(Protocol.TCP, 443)
                .build();
    return shuffled("v6 " + cidr, pools, req, services, seed);
  }

  private static Workload shuffled(
      String name, List<Pool> pools, IntFunction<ServiceRequest> req, int n, long seed) {
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    Random rnd = new Random(seed);
    for (int k = n - 1; k > 0; k--) {
      int j = rnd.nextInt(k + 1);
      int t = order[k];
      order[k] = order[j];
      order[j] = t;
    }
    int[] churn = rnd.ints(0, n).distinct().limit(n / 10).toArray();
    return new Workload(name, pools, req, order, churn);
  }

  // ------------------------------------------------------------------------------ one run

  /** Times, GC and allocation of the timed {@code reconcile} calls of one run. */
  private record Run(
      int assigns,
      long wallNanos,
      long cpuNanos,
      long gcMillis,
      long gcCount,
      long allocatedBytes,
      long churnWallNanos,
      int churnAssigns,
      long[] latencies,
      Optional<Allocator> allocator) {}

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private static final List<GarbageCollectorMXBean> GCS =
      ManagementFactory.getGarbageCollectorMXBeans();

  private static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean gc : GCS) {
      t += gc.getCollectionTime();
    }
    return t;
  }

  private static long gcCount() {
    long t = 0;
    for (GarbageCollectorMXBean gc : GCS) {
      t += gc.getCollectionCount();
    }
    return t;
  }

  /** A stopwatch over the timed sections only: wall, this thread's CPU, GC, allocated bytes. */
  private static final class Meter {
    long wall;
    long cpu;
    long gcMs;
    long gcN;
    long bytes;
    private long wall0;
    private long cpu0;
    private long gcMs0;
    private long gcN0;
    private long bytes0;

    void start() {
      gcMs0 = gcMillis();
      gcN0 = gcCount();
      bytes0 = THREADS.getCurrentThreadAllocatedBytes();
      cpu0 = THREADS.getCurrentThreadCpuTime();
      wall0 = System.nanoTime();
    }

    void stop() {
      long w = System.nanoTime();
      long c = THREADS.getCurrentThreadCpuTime();
      long b = THREADS.getCurrentThreadAllocatedBytes();
      wall += w - wall0;
      cpu += c - cpu0;
      bytes += b - bytes0;
      gcMs += gcMillis() - gcMs0;
      gcN += gcCount() - gcN0;
    }
  }

  private static Run run(Workload w, boolean latencies) {
    return run(w, latencies, false);
  }

  /** One run; with {@code keep}, the filled allocator comes back too (to measure its heap). */
  private static Run run(Workload w, boolean latencies, boolean keep) {
    System.gc(); // every run starts from a collected heap, as JMH does between iterations
    Allocator a = new Allocator();
    a.setPools(w.pools());
    long[] lat = latencies ? new long[w.size()] : new long[0];
    ServiceRequest[] batch = new ServiceRequest[BATCH];
    Meter m = new Meter();
    int n = 0;
    for (int from = 0; from < w.size(); from += BATCH) {
      int len = Math.min(BATCH, w.size() - from);
      for (int k = 0; k < len; k++) {
        batch[k] = w.request().apply(w.order()[from + k]);
      }
      m.start();
      if (latencies) {
        for (int k = 0; k < len; k++) {
          long t0 = System.nanoTime();
          AllocationResult d = a.reconcile(batch[k], "", NS_LABELS);
          lat[n++] = System.nanoTime() - t0;
          check(d, batch[k]);
        }
      } else {
        for (int k = 0; k < len; k++) {
          check(a.reconcile(batch[k], "", NS_LABELS), batch[k]);
        }
      }
      m.stop();
    }
    Arrays.fill(batch, null);
    // churn: release 10% (untimed), assign them again (timed)
    for (int idx : w.churn()) {
      a.release(w.request().apply(idx).key());
    }
    Meter churn = new Meter();
    for (int from = 0; from < w.churn().length; from += BATCH) {
      int len = Math.min(BATCH, w.churn().length - from);
      for (int k = 0; k < len; k++) {
        batch[k] = w.request().apply(w.churn()[from + k]);
      }
      churn.start();
      for (int k = 0; k < len; k++) {
        check(a.reconcile(batch[k], "", NS_LABELS), batch[k]);
      }
      churn.stop();
    }
    if (a.assignments().size() != w.size()) {
      throw new IllegalStateException(
          w.name() + ": " + a.assignments().size() + " assignments (expected: " + w.size() + ")");
    }
    // the GC's pauses run on the VM thread (Serial): add them to this thread's CPU time
    return new Run(
        w.size(),
        m.wall,
        m.cpu + m.gcMs * 1_000_000L,
        m.gcMs,
        m.gcN,
        m.bytes,
        churn.wall,
        w.churn().length,
        lat,
        keep ? Optional.of(a) : Optional.empty());
  }

  private static void check(AllocationResult d, ServiceRequest r) {
    if (!(d instanceof AllocationResult.Allocated)) {
      throw new IllegalStateException(r.key() + ": " + d);
    }
  }

  // ------------------------------------------------------------------------------ statistics

  private static long percentile(long[] sorted, double p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  private static double median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }

  /** The run with the median wall time of {@code runs} (odd count). */
  private static Run medianByWall(List<Run> runs) {
    List<Run> s = new ArrayList<>(runs);
    s.sort((x, y) -> Long.compare(x.wallNanos(), y.wallNanos()));
    return s.get(s.size() / 2);
  }

  /** Median wall time of {@code a} over median wall time of {@code b}, ABBA-ordered runs. */
  private static double[] abbaRatio(Workload a, Workload b, int reps) {
    long[] ta = new long[reps];
    long[] tb = new long[reps];
    long[] ca = new long[reps];
    long[] cb = new long[reps];
    for (int k = 0; k < reps; k++) {
      // ABBA order, so that neither shape always runs first
      Run x;
      Run y;
      if (k % 2 == 0) {
        x = run(a, false);
        y = run(b, false);
      } else {
        y = run(b, false);
        x = run(a, false);
      }
      ta[k] = x.wallNanos();
      tb[k] = y.wallNanos();
      ca[k] = x.cpuNanos();
      cb[k] = y.cpuNanos();
    }
    return new double[] {
      median(ta) / median(tb), median(ca) / median(cb), median(ta) / 1e6, median(tb) / 1e6
    };
  }

  public static void main(String[] args) {
    Locale.setDefault(Locale.ROOT);
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Workload main = mixed(42);
    Workload v48 = v6Only("2001:db8:2::/48", SERVICES, 7);
    Workload v111 = v6Only("2001:db8:3::/111", SERVICES, 7);
    Workload f48 = v6Only("2001:db8:4::/48", V6_FILL_112, 9);
    Workload f112 = v6Only("2001:db8:5::/112", V6_FILL_112, 9);

    // JIT warm-up (the image's flags: C1 only, compiled after 1,000+ calls): every shape, dropped
    for (int k = 0; k < 2; k++) {
      for (Workload w : List.of(main, v48, v111, f48, f112)) {
        run(w, k == 0);
      }
    }

    List<Run> runs = new ArrayList<>();
    for (int k = 0; k < reps; k++) {
      runs.add(run(main, false));
    }
    Run measured = medianByWall(runs);
    long[] wall = runs.stream().mapToLong(Run::wallNanos).toArray();
    long[] cpu = runs.stream().mapToLong(Run::cpuNanos).toArray();
    runs = null;
    double perWall = SERVICES / (median(wall) / 1e9);
    double perCpu = SERVICES / (median(cpu) / 1e9);
    double churnPerWall = measured.churnAssigns() / (measured.churnWallNanos() / 1e9);
    long gcMs = measured.gcMillis();
    long gcN = measured.gcCount();
    double bytesPerAssign = (double) measured.allocatedBytes() / measured.assigns();

    // heap with one filled allocator live, everything else collected
    Allocator live = run(main, false, true).allocator().orElseThrow();
    for (int k = 0; k < 3; k++) {
      System.gc();
    }
    double heapMb =
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
    List<PoolStats> stats = live.stats();
    int assigned = live.assignments().size();
    live = null;

    // latency: separate runs with a timer around each call, all calls pooled
    long[] lat = new long[0];
    for (int k = 0; k < 3; k++) {
      long[] l = run(main, true).latencies();
      long[] all = Arrays.copyOf(lat, lat.length + l.length);
      System.arraycopy(l, 0, all, lat.length, l.length);
      lat = all;
    }
    Arrays.sort(lat);

    double[] r111 = abbaRatio(v48, v111, 2 * reps);
    double[] r112 = abbaRatio(f48, f112, 2 * reps);

    String gcNames = String.join(",", GCS.stream().map(GarbageCollectorMXBean::getName).toList());
    double maxHeapMb = Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0);
    System.out.printf(
        "jvm: heap max %.0f MB, collectors %s, %s%n",
        maxHeapMb, gcNames, System.getProperty("java.vm.version"));
    System.out.printf(
        "mixed: %d Services, median of %d runs: wall %.1f ms, cpu %.1f ms (incl. GC);"
            + " median run: gc %d ms in %d collections, %.0f bytes allocated per assignment%n",
        SERVICES, reps, median(wall) / 1e6, median(cpu) / 1e6, gcMs, gcN, bytesPerAssign);
    System.out.printf(
        "mixed: assign/s per wall second %d, per CPU second %d; churn (10%% released, assigned"
            + " again) %d/s wall%n",
        Math.round(perWall), Math.round(perCpu), Math.round(churnPerWall));
    System.out.printf(
        "latency us (%d calls): p50=%.2f p99=%.2f p99.9=%.2f max=%.1f%n",
        lat.length,
        percentile(lat, 50) / 1000.0,
        percentile(lat, 99) / 1000.0,
        percentile(lat, 99.9) / 1000.0,
        lat[lat.length - 1] / 1000.0);
    for (PoolStats s : stats) {
      System.out.printf(
          "pool %-8s capacity v4=%s v6=%s in-use v4=%s v6=%s%n",
          s.pool(), s.capacityV4(), s.capacityV6(), s.inUseV4(), s.inUseV6());
    }
    System.out.printf("services assigned=%d heap_after_gc=%.1f MB%n", assigned, heapMb);
    System.out.printf(
        "v6 100,000 Services: /48 %.1f ms vs /111 %.1f ms (median wall): ratio %.2f wall, %.2f cpu%n",
        r111[2], r111[3], r111[0], r111[1]);
    System.out.printf(
        "v6 65,536 Services: /48 %.1f ms vs /112 %.1f ms (median wall, the /112 full): ratio %.2f"
            + " wall, %.2f cpu%n",
        r112[2], r112[3], r112[0], r112[1]);
    System.out.printf(
        "RESULT allocator services=%d assign_per_s_wall=%d assign_per_s_cpu=%d p99_us=%.1f"
            + " heap_mb=%d v6_48_vs_112=%.2f v6_48_vs_111=%.2f gc_ms=%d alloc_b_per_assign=%d"
            + " churn_assign_per_s_wall=%d heap_max_mb=%.0f%n",
        SERVICES,
        Math.round(perWall),
        Math.round(perCpu),
        percentile(lat, 99) / 1000.0,
        Math.round(Math.ceil(heapMb)),
        r112[0],
        r111[0],
        gcMs,
        Math.round(bytesPerAssign),
        Math.round(churnPerWall),
        maxHeapMb);
  }
}
