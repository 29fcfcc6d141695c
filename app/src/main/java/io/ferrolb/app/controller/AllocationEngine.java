package io.ferrolb.app.controller;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.Pool;
import io.ferrolb.ports.out.PoolUsage;
import io.ferrolb.ports.out.ServiceSnapshot;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one seam between the controller and the domain's allocator: the loop talks only to this
 * class, which owns the allocation state and is touched by the loop thread alone.
 *
 * <p>INTERIM: until {@code io.ferrolb.domain.allocation.Allocator} is on main this holds a
 * placeholder (single address, requested IP, {@code metallb.io/address-pool}, first free address of
 * the ClusterIP's family in declaration order). Swap the body of each method for the Allocator call
 * of the same name; the loop does not change.
 */
final class AllocationEngine {
  static final String POOL_REQUEST = "metallb.io/address-pool";
  static final String IPS_REQUEST = "metallb.io/loadBalancerIPs";

  /** One user-facing event the loop should emit on the Service. */
  record Note(boolean warning, String reason, String message) {}

  sealed interface Verdict permits Assign, Clear, Ignore {
    List<Note> notes();
  }

  /** Desired ingress {@code ips} from {@code pool}. */
  record Assign(List<IpAddress> ips, String pool, boolean changed, List<Note> notes)
      implements Verdict {
    Assign {
      ips = List.copyOf(ips);
      notes = List.copyOf(notes);
    }
  }

  /** Desired ingress empty (not LoadBalancer, no pools, rejected). */
  record Clear(String why, List<Note> notes) implements Verdict {
    Clear {
      notes = List.copyOf(notes);
    }
  }

  /** Not ours (another load-balancer class): do not touch the Service. */
  record Ignore(String why) implements Verdict {
    @Override
    public List<Note> notes() {
      return List.of();
    }
  }

  private record Held(String pool, List<IpAddress> ips) {}

  private final String lbClass;
  private List<Pool> pools = List.of();
  private final Map<String, Held> held = new HashMap<>();
  private final Map<IpAddress, String> owner = new HashMap<>();
  // per range: no free address below this one (a hint, lowered on release)
  private final Map<IpRange, IpAddress> lowestFree = new HashMap<>();
  private boolean freed;

  AllocationEngine(String lbClass) {
    this.lbClass = Objects.requireNonNull(lbClass, "lbClass");
  }

  boolean hasPools() {
    return !pools.isEmpty();
  }

  /** Installs new pools; returns the keys of services that lost their addresses. */
  Set<String> setPools(List<Pool> newPools) {
    this.pools = List.copyOf(newPools);
    lowestFree.clear();
    Set<String> lost = new HashSet<>();
    for (Map.Entry<String, Held> e : List.copyOf(held.entrySet())) {
      Optional<Pool> p = pool(e.getValue().pool());
      if (p.isEmpty() || !e.getValue().ips().stream().allMatch(p.get()::contains)) {
        lost.add(e.getKey());
        release(e.getKey());
      }
    }
    return lost;
  }

  Verdict reconcile(ServiceSnapshot svc, Map<String, String> namespaceLabels) {
    String key = svc.key();
    String wanted = svc.loadBalancerClass().orElse("");
    if (!wanted.equals(lbClass)) {
      return new Ignore("loadBalancerClass \"" + wanted + "\" is not ours");
    }
    if (!svc.isLoadBalancer()) {
      release(key);
      return new Clear("not a LoadBalancer", List.of());
    }
    if (pools.isEmpty()) {
      release(key);
      return new Clear("no pools", List.of());
    }
    if (svc.clusterIps().isEmpty()) {
      release(key);
      return new Clear("no ClusterIP", List.of());
    }
    IpFamily family = svc.clusterIps().get(0).family();
    Optional<String> poolRequest = Optional.ofNullable(svc.annotations().get(POOL_REQUEST));
    Optional<IpAddress> ipRequest = Optional.empty();
    Optional<String> ipText =
        svc.loadBalancerIp().or(() -> Optional.ofNullable(svc.annotations().get(IPS_REQUEST)));
    if (ipText.isPresent()) {
      String first = ipText.get().split(",")[0].trim();
      Optional<IpAddress> parsed = IpAddress.tryParse(first);
      if (parsed.isEmpty()) {
        release(key);
        return rejected("invalid requested IP \"" + first + "\"");
      }
      ipRequest = parsed;
    }
    Held now = held.get(key);
    // 1. keep what it holds (or what its status says it held) when still acceptable
    List<IpAddress> current = now != null ? now.ips() : svc.ingress();
    if (!current.isEmpty()) {
      Optional<Pool> p = poolOf(current.get(0));
      boolean ok =
          p.isPresent()
              && current.get(0).family() == family
              && poolRequest.map(r -> r.equals(p.get().name())).orElse(true)
              && ipRequest.map(r -> r.equals(current.get(0))).orElse(true)
              && key.equals(owner.getOrDefault(current.get(0), key));
      if (ok) {
        take(key, p.get().name(), current.get(0));
        return new Assign(List.of(current.get(0)), p.get().name(), false, List.of());
      }
      release(key);
    }
    // 2. requested IP
    if (ipRequest.isPresent()) {
      IpAddress ip = ipRequest.get();
      Optional<Pool> p = poolOf(ip);
      if (p.isEmpty()) {
        return rejected("requested IP " + ip + " is not in any IPAddressPool");
      }
      if (poolRequest.isPresent() && !poolRequest.get().equals(p.get().name())) {
        return rejected(
            "requested IP " + ip + " is not in the requested pool \"" + poolRequest.get() + "\"");
      }
      if (owner.containsKey(ip)) {
        return rejected("requested IP " + ip + " is already in use by " + owner.get(ip));
      }
      return assigned(key, p.get().name(), ip);
    }
    // 3. requested pool, or every auto-assign pool in declaration order
    List<Pool> candidates = new ArrayList<>();
    if (poolRequest.isPresent()) {
      Optional<Pool> p = pool(poolRequest.get());
      if (p.isEmpty()) {
        return rejected("unknown pool \"" + poolRequest.get() + "\"");
      }
      candidates.add(p.get());
    } else {
      for (Pool p : pools) {
        if (p.autoAssign()) {
          candidates.add(p);
        }
      }
    }
    for (Pool p : candidates) {
      Optional<IpAddress> free = firstFree(p, family);
      if (free.isPresent()) {
        return assigned(key, p.name(), free.get());
      }
    }
    return rejected("no available IPs");
  }

  private Verdict assigned(String key, String pool, IpAddress ip) {
    take(key, pool, ip);
    return new Assign(
        List.of(ip),
        pool,
        true,
        List.of(new Note(false, "IPAllocated", "Assigned IP [\"" + ip + "\"]")));
  }

  private static Verdict rejected(String detail) {
    return new Clear(
        detail, List.of(new Note(true, "AllocationFailed", "Failed to allocate IP: " + detail)));
  }

  private void take(String key, String pool, IpAddress ip) {
    held.put(key, new Held(pool, List.of(ip)));
    owner.put(ip, key);
  }

  /** Frees the addresses of {@code key}; true when it held any. */
  boolean release(String key) {
    Held h = held.remove(key);
    if (h == null) {
      return false;
    }
    for (IpAddress ip : h.ips()) {
      owner.remove(ip);
      for (Map.Entry<IpRange, IpAddress> e : lowestFree.entrySet()) {
        if (e.getKey().contains(ip) && ip.compareTo(e.getValue()) < 0) {
          e.setValue(ip);
        }
      }
    }
    freed = true;
    return true;
  }

  /** True (once) when an address was freed since the last call. */
  boolean takeFreed() {
    boolean f = freed;
    freed = false;
    return f;
  }

  boolean holds(String key) {
    return held.containsKey(key);
  }

  Optional<String> poolOfService(String key) {
    Held h = held.get(key);
    return h == null ? Optional.empty() : Optional.of(h.pool());
  }

  List<PoolUsage> stats() {
    Map<String, BigInteger[]> used = new HashMap<>();
    for (Held h : held.values()) {
      BigInteger[] u = used.computeIfAbsent(h.pool(), k -> zeros());
      for (IpAddress ip : h.ips()) {
        int i = ip.isV4() ? 0 : 1;
        u[i] = u[i].add(BigInteger.ONE);
      }
    }
    List<PoolUsage> out = new ArrayList<>();
    for (Pool p : pools) {
      BigInteger[] cap = zeros();
      for (IpRange r : p.ranges()) {
        int i = r.family() == IpFamily.IPV4 ? 0 : 1;
        BigInteger size = r.size();
        if (p.avoidBuggyIps() && r.family() == IpFamily.IPV4) {
          size = size.subtract(BigInteger.valueOf(buggyIn(r)));
        }
        cap[i] = cap[i].add(size);
      }
      BigInteger[] u = used.getOrDefault(p.name(), zeros());
      out.add(
          new PoolUsage(
              p.name(),
              u[0],
              u[1],
              cap[0].subtract(u[0]).max(BigInteger.ZERO),
              cap[1].subtract(u[1]).max(BigInteger.ZERO)));
    }
    return out;
  }

  /** Capacity per pool and family: {v4, v6}. */
  Map<String, BigInteger[]> capacity() {
    Map<String, BigInteger[]> out = new HashMap<>();
    for (PoolUsage u : stats()) {
      out.put(
          u.pool(),
          new BigInteger[] {
            u.assignedV4().add(u.availableV4()), u.assignedV6().add(u.availableV6())
          });
    }
    return out;
  }

  private static long buggyIn(IpRange r) {
    long n = 0;
    long first = r.first().lo();
    long last = r.last().lo();
    for (long v = first; v <= last; v++) {
      long octet = v & 0xff;
      if (octet == 0 || octet == 0xff) {
        n++;
      }
    }
    return n;
  }

  private static BigInteger[] zeros() {
    return new BigInteger[] {BigInteger.ZERO, BigInteger.ZERO};
  }

  private Optional<Pool> pool(String name) {
    for (Pool p : pools) {
      if (p.name().equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private Optional<Pool> poolOf(IpAddress ip) {
    for (Pool p : pools) {
      if (p.contains(ip)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private Optional<IpAddress> firstFree(Pool p, IpFamily family) {
    for (IpRange r : p.ranges()) {
      if (r.family() != family) {
        continue;
      }
      IpAddress a = lowestFree.getOrDefault(r, r.first());
      while (true) {
        if (!owner.containsKey(a) && p.contains(a)) {
          lowestFree.put(r, a);
          return Optional.of(a);
        }
        if (a.equals(r.last())) {
          lowestFree.put(r, r.last());
          break;
        }
        a = a.next().orElseThrow();
      }
    }
    return Optional.empty();
  }

  /** Holders of ingress first, then the rest; by key within each group (MetalLB PR 2004). */
  static List<ServiceSnapshot> recoveryOrder(Collection<ServiceSnapshot> services) {
    List<ServiceSnapshot> out = new ArrayList<>(services);
    out.sort(
        Comparator.comparing((ServiceSnapshot s) -> s.ingress().isEmpty())
            .thenComparing(ServiceSnapshot::key));
    return out;
  }
}
