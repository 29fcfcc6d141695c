package io.ferrolb.domain.allocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.Pool;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random operation sequences against small pools, checked after every step against a brute-force
 * model built from scratch: addresses only from the pools, never one address to incompatible
 * Services, release frees, exact counts, lowest free first.
 */
class AllocatorPropertiesTest {

  private static final int SERVICES = 12;

  /** Pool layouts the sequence switches between (small enough to enumerate). */
  private static final List<List<Pool>> LAYOUTS =
      List.of(
          List.of(
              Pool.of(
                  "a", List.of(IpRange.parse("10.0.0.6-10.0.0.9"), IpRange.parse("10.0.0.0/31"))),
              new Pool(
                  "b",
                  List.of(IpRange.parse("10.0.1.254-10.0.2.1"), IpRange.parse("2001:db8::/126")),
                  true,
                  true,
                  Optional.empty(),
                  Map.of())),
          List.of(
              Pool.of("a", List.of(IpRange.parse("10.0.0.6-10.0.0.7"))),
              Pool.of("c", List.of(IpRange.parse("2001:db8::2-2001:db8::5")))),
          List.of(
              Pool.of(
                  "b",
                  List.of(
                      IpRange.parse("10.0.1.255-10.0.2.2"),
                      IpRange.parse("2001:db8::/127"),
                      IpRange.parse("10.0.0.0/30")))),
          List.of());

  private static final List<String> REQUESTABLE =
      List.of(
          "10.0.0.0", "10.0.0.7", "10.0.2.0", "10.0.2.1", "2001:db8::1", "2001:db8::3", "10.0.0.6");

  sealed interface Op permits Apply, Delete, SetPools {}

  record Apply(
      int svc,
      int family, // 0 v4, 1 v6, 2 dual prefer, 3 dual require
      String sharingKey,
      boolean local,
      int ports, // bit mask over TCP/80, UDP/53, TCP/443
      Optional<String> requestedIp,
      Optional<String> pool)
      implements Op {}

  record Delete(int svc) implements Op {}

  record SetPools(int layout) implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> apply =
        Combinators.combine(
                Arbitraries.integers().between(0, SERVICES - 1),
                Arbitraries.integers().between(0, 3),
                Arbitraries.of("", "", "k1", "k2"),
                Arbitraries.of(false, false, true),
                Arbitraries.integers().between(0, 7),
                Arbitraries.of(REQUESTABLE).optional(0.3),
                Arbitraries.of("a", "b", "c", "nope").optional(0.3))
            .as(Apply::new);
    Arbitrary<Op> delete = Arbitraries.integers().between(0, SERVICES - 1).map(Delete::new);
    Arbitrary<Op> pools = Arbitraries.integers().between(0, LAYOUTS.size() - 1).map(SetPools::new);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(10, apply),
            net.jqwik.api.Tuple.of(3, delete),
            net.jqwik.api.Tuple.of(1, pools))
        .list()
        .ofMinSize(1)
        .ofMaxSize(60);
  }

  static ServiceRequest request(Apply a, List<IpAddress> ingress, Optional<String> poolAnn) {
    ServiceRequest.Builder b = ServiceRequest.builder("ns", "s" + a.svc());
    IpAddress c4 = IpAddress.v4(0x0A60_0000L + a.svc());
    IpAddress c6 = IpAddress.v6(0xfd00_0096L << 32, a.svc());
    switch (a.family()) {
      case 0 -> b.clusterIps(c4);
      case 1 -> b.clusterIps(c6);
      case 2 -> b.clusterIps(c4, c6).ipFamilyPolicy(IpFamilyPolicy.PREFER_DUAL_STACK);
      default -> b.clusterIps(c6, c4).ipFamilyPolicy(IpFamilyPolicy.REQUIRE_DUAL_STACK);
    }
    if (!a.sharingKey().isEmpty()) {
      b.annotation("metallb.io/allow-shared-ip", a.sharingKey());
    }
    if (a.local()) {
      b.externalTrafficPolicy(TrafficPolicy.LOCAL).selector("app", "s" + (a.svc() % 2));
    }
    if ((a.ports() & 1) != 0) {
      b.port(Protocol.TCP, 80);
    }
    if ((a.ports() & 2) != 0) {
      b.port(Protocol.UDP, 53);
    }
    if ((a.ports() & 4) != 0) {
      b.port(Protocol.TCP, 443);
    }
    a.requestedIp().ifPresent(b::specLoadBalancerIp);
    a.pool().ifPresent(p -> b.annotation("metallb.io/address-pool", p));
    poolAnn.ifPresent(p -> b.annotation(Allocator.ALLOCATED_FROM_POOL_ANNOTATION, p));
    return b.currentIngress(ingress).build();
  }

  @Property(tries = 400)
  void randomSequencesKeepEveryInvariant(@ForAll("ops") List<Op> ops) {
    Allocator alloc = new Allocator();
    List<Pool> pools = LAYOUTS.get(0);
    alloc.setPools(pools);
    Map<Integer, Apply> specs = new TreeMap<>();
    Map<Integer, List<IpAddress>> ingress = new HashMap<>();

    for (Op op : ops) {
      if (op instanceof Apply a) {
        Set<IpAddress> usedBefore = usedAddresses(alloc);
        boolean heldBefore = alloc.assignment(key(a.svc())).isPresent();
        specs.put(a.svc(), a);
        AllocationResult d =
            alloc.reconcile(
                request(a, ingress.getOrDefault(a.svc(), List.of()), Optional.empty()),
                "",
                Map.of());
        ingress.put(a.svc(), d.desiredIngress());
        checkDecisionMatchesState(alloc, a.svc(), d);
        checkLowestFree(pools, a, heldBefore, usedBefore, d);
      } else if (op instanceof Delete del) {
        Optional<Assignment> had = alloc.assignment(key(del.svc()));
        Optional<Assignment> released = alloc.release(key(del.svc()));
        specs.remove(del.svc());
        ingress.remove(del.svc());
        assertThat(released).isEqualTo(had);
        assertThat(alloc.assignment(key(del.svc()))).isEmpty();
        Set<IpAddress> used = usedAddresses(alloc);
        for (IpAddress ip : had.map(Assignment::ips).orElse(List.of())) {
          boolean otherHolder = alloc.assignments().stream().anyMatch(x -> x.ips().contains(ip));
          assertThat(used.contains(ip)).isEqualTo(otherHolder);
        }
      } else if (op instanceof SetPools sp) {
        pools = LAYOUTS.get(sp.layout());
        Map<ServiceKey, Assignment> before = new HashMap<>();
        alloc.assignments().forEach(x -> before.put(x.key(), x));
        PoolsChange change = alloc.setPools(pools);
        for (ServiceKey k : before.keySet()) {
          boolean kept = alloc.assignment(k).isPresent();
          assertThat(kept).isNotEqualTo(change.lostAddresses().contains(k));
          if (kept) {
            assertThat(alloc.assignment(k).orElseThrow().ips()).isEqualTo(before.get(k).ips());
          }
        }
        // the controller reprocesses everyone after a pool change
        for (Apply a : specs.values()) {
          AllocationResult d =
              alloc.reconcile(
                  request(a, ingress.getOrDefault(a.svc(), List.of()), Optional.empty()),
                  "",
                  Map.of());
          ingress.put(a.svc(), d.desiredIngress());
          checkDecisionMatchesState(alloc, a.svc(), d);
        }
      }
      checkInvariants(alloc, pools, specs);
    }
  }

  private static ServiceKey key(int svc) {
    return new ServiceKey("ns", "s" + svc);
  }

  private static Set<IpAddress> usedAddresses(Allocator alloc) {
    Set<IpAddress> used = new HashSet<>();
    alloc.assignments().forEach(a -> used.addAll(a.ips()));
    return used;
  }

  private static void checkDecisionMatchesState(Allocator alloc, int svc, AllocationResult d) {
    Optional<Assignment> a = alloc.assignment(key(svc));
    if (d instanceof AllocationResult.Allocated al) {
      assertThat(a).isPresent();
      assertThat(new HashSet<>(al.ips())).isEqualTo(new HashSet<>(a.get().ips()));
      assertThat(al.pool()).isEqualTo(a.get().pool());
    } else {
      assertThat(a).as("no assignment after %s", d).isEmpty();
    }
  }

  /**
   * A fresh automatic single-family allocation from a named pool, without sharing, gets the first
   * usable address of that family walking the pool's ranges in declaration order.
   */
  private static void checkLowestFree(
      List<Pool> pools,
      Apply a,
      boolean heldBefore,
      Set<IpAddress> usedBefore,
      AllocationResult d) {
    if (heldBefore
        || a.family() > 1
        || a.requestedIp().isPresent()
        || a.pool().isEmpty()
        || !a.sharingKey().isEmpty()
        || !(d instanceof AllocationResult.Allocated al)) {
      return;
    }
    Pool p = pools.stream().filter(x -> x.name().equals(a.pool().get())).findFirst().orElseThrow();
    IpFamily f = a.family() == 0 ? IpFamily.IPV4 : IpFamily.IPV6;
    Optional<IpAddress> expected = Optional.empty();
    outer:
    for (IpRange r : p.ranges()) {
      if (r.family() != f) {
        continue;
      }
      for (Optional<IpAddress> x = Optional.of(r.first());
          x.isPresent() && r.contains(x.get());
          x = x.get().next()) {
        if (p.contains(x.get()) && !usedBefore.contains(x.get())) {
          expected = x;
          break outer;
        }
      }
    }
    assertThat(al.ips()).containsExactly(expected.orElseThrow());
  }

  private static void checkInvariants(
      Allocator alloc, List<Pool> pools, Map<Integer, Apply> specs) {
    Map<String, Pool> byName = new HashMap<>();
    pools.forEach(p -> byName.put(p.name(), p));
    Map<IpAddress, List<Assignment>> holders = new HashMap<>();
    Map<String, Set<IpAddress>> perPool = new HashMap<>();
    for (Assignment a : alloc.assignments()) {
      Pool p = byName.get(a.pool());
      assertThat(p).as("pool of %s", a).isNotNull();
      assertThat(a.ips()).isNotEmpty().hasSizeLessThanOrEqualTo(2);
      if (a.ips().size() == 2) {
        assertThat(a.ips().get(0).family()).isNotEqualTo(a.ips().get(1).family());
      }
      Apply spec = specs.get(Integer.parseInt(a.key().name().substring(1)));
      for (IpAddress ip : a.ips()) {
        // never outside its pools (buggy addresses excluded)
        assertThat(p.contains(ip)).as("%s in %s", ip, p.name()).isTrue();
        holders.computeIfAbsent(ip, k -> new ArrayList<>()).add(a);
        perPool.computeIfAbsent(a.pool(), k -> new HashSet<>()).add(ip);
        // LB family follows ClusterIP family for single-stack Services
        if (spec.family() == 0) {
          assertThat(ip.isV4()).isTrue();
        } else if (spec.family() == 1) {
          assertThat(ip.isV6()).isTrue();
        }
      }
    }
    // never one address to incompatible Services
    for (Map.Entry<IpAddress, List<Assignment>> e : holders.entrySet()) {
      List<Assignment> hs = e.getValue();
      if (hs.size() < 2) {
        continue;
      }
      Set<String> ports = new HashSet<>();
      for (Assignment h : hs) {
        Apply s = specs.get(Integer.parseInt(h.key().name().substring(1)));
        Apply first = specs.get(Integer.parseInt(hs.get(0).key().name().substring(1)));
        assertThat(s.sharingKey()).isNotEmpty().isEqualTo(first.sharingKey());
        assertThat(backend(s)).isEqualTo(backend(first));
        for (int bit = 0; bit < 3; bit++) {
          if ((s.ports() & (1 << bit)) != 0) {
            assertThat(ports.add("p" + bit)).as("port overlap on %s", e.getKey()).isTrue();
          }
        }
      }
    }
    // counts match a brute-force model
    List<PoolStats> stats = alloc.stats();
    assertThat(stats)
        .extracting(PoolStats::pool)
        .containsExactlyElementsOf(pools.stream().map(Pool::name).toList());
    for (int i = 0; i < pools.size(); i++) {
      Pool p = pools.get(i);
      PoolStats s = stats.get(i);
      Set<IpAddress> used = perPool.getOrDefault(p.name(), Set.of());
      assertThat(s.inUseV4())
          .isEqualTo(BigInteger.valueOf(used.stream().filter(IpAddress::isV4).count()));
      assertThat(s.inUseV6())
          .isEqualTo(BigInteger.valueOf(used.stream().filter(IpAddress::isV6).count()));
      assertThat(s.capacityV4()).isEqualTo(bruteCapacity(p, IpFamily.IPV4));
      assertThat(s.capacityV6()).isEqualTo(bruteCapacity(p, IpFamily.IPV6));
    }
  }

  private static String backend(Apply a) {
    return a.local() ? "app=s" + (a.svc() % 2) : "";
  }

  private static BigInteger bruteCapacity(Pool p, IpFamily f) {
    Set<IpAddress> all = new HashSet<>();
    for (IpRange r : p.ranges()) {
      if (r.family() != f) {
        continue;
      }
      for (Optional<IpAddress> x = Optional.of(r.first());
          x.isPresent() && r.contains(x.get());
          x = x.get().next()) {
        if (p.contains(x.get())) {
          all.add(x.get());
        }
      }
    }
    return BigInteger.valueOf(all.size());
  }
}
