package io.ferrolb.domain.allocation;

import io.ferrolb.domain.allocation.AllocationAnnotations.Requested;
import io.ferrolb.domain.allocation.Holdings.Alloc;
import io.ferrolb.domain.pool.FreeAddressIndex;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.Pool;
import io.ferrolb.domain.pool.ServiceAllocation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Load-balancer address allocation with MetalLB's semantics, rule for rule (MetalLB: {@code
 * controller/service.go} {@code convergeBalancer}, {@code internal/allocator/allocator.go}), but
 * deterministic where MetalLB iterates Go maps, and in O(log n) per operation: each pool range
 * keeps a {@link FreeAddressIndex} of used runs, so the lowest free address is found without
 * scanning and memory does not depend on pool size.
 *
 * <p>Mutable, single-threaded, no I/O. The caller (the controller) keeps one instance as its only
 * allocation state: it feeds {@link #recoveryOrder} of all Services through {@link #reconcile} at
 * start, then reconciles Services one at a time, and reprocesses every Service without an address
 * whenever {@link #generation()} moved (an address was freed, pools changed, or a Service's sharing
 * key changed).
 *
 * <p>Differences from MetalLB, all deliberate: pools are tried in declaration order (MetalLB: map
 * order for unscoped pools and equal priorities); when the status has no ingress but this allocator
 * still holds an assignment (stale informer cache), the held assignment is re-validated instead of
 * dropped, so IPs never flap; a PreferDualStack Service whose ClusterIPs are single-stack is never
 * given a second family; a pool that does not have the missing family does not produce an {@code
 * AdditionalAssignFailed} event on every reconcile; a {@code namespaceSelectors} that matches no
 * namespace scopes the pool to nothing (MetalLB: to everything); invalid requested IPs always give
 * {@code LoadBalancerFailed} (MetalLB: {@code AllocationFailed} on a Service without an address).
 */
public final class Allocator {

  /** The annotation the controller writes with the pool name (never read back for allocation). */
  public static final String ALLOCATED_FROM_POOL_ANNOTATION =
      AllocationAnnotations.ALLOCATED_FROM_POOL;

  private List<PoolState> pools = List.of();
  private Map<String, PoolState> poolsByName = Map.of();
  private List<PoolState> scopedAutoPools = List.of(); // by priority, then declaration order
  private List<PoolState> unscopedAutoPools = List.of(); // declaration order
  private final Holdings holdings = new Holdings();
  private long generation;

  /** An allocator with no pools. */
  public Allocator() {}

  // ---------------------------------------------------------------- public API

  /**
   * Replaces the pools. Every assignment whose addresses all still lie in one pool is kept (moved
   * to that pool if it changed name); the others are dropped and reported, and those Services must
   * be reprocessed (MetalLB: {@code SetPools}).
   *
   * @throws IllegalArgumentException when two pools have the same name
   */
  public PoolsChange setPools(List<Pool> newPools) {
    List<PoolState> states = new ArrayList<>(newPools.size());
    Map<String, PoolState> byName = new LinkedHashMap<>();
    for (Pool p : newPools) {
      PoolState ps = new PoolState(p, states.size());
      if (byName.putIfAbsent(p.name(), ps) != null) {
        throw new IllegalArgumentException(
            "pools: duplicate name \"" + p.name() + "\" (expected: unique names)");
      }
      states.add(ps);
    }
    List<PoolState> scoped = new ArrayList<>();
    List<PoolState> unscoped = new ArrayList<>();
    for (PoolState ps : states) {
      if (!ps.pool.autoAssign()) {
        continue;
      }
      (ps.pool.serviceAllocation().isPresent() ? scoped : unscoped).add(ps);
    }
    // MetalLB sortPools: lower priority number first, 0 (unset) last; ties keep declaration order
    scoped.sort(Comparator.comparingInt(PoolState::priorityRank));

    List<Alloc> previous = new ArrayList<>(holdings.all());
    previous.sort(Comparator.comparing(a -> a.key));
    holdings.clear();
    pools = List.copyOf(states);
    poolsByName = byName;
    scopedAutoPools = List.copyOf(scoped);
    unscopedAutoPools = List.copyOf(unscoped);

    Set<ServiceKey> lost = new HashSet<>();
    for (Alloc a : previous) {
      Optional<PoolState> ps = poolFor(a.ips);
      if (ps.isEmpty()) {
        lost.add(a.key);
        continue;
      }
      holdings.put(new Alloc(a.key, ps.get(), a.ips, a.ports, a.sharingKey));
    }
    generation++;
    return new PoolsChange(lost);
  }

  /**
   * Converges one Service: decides the addresses it should have, updates the allocation state, and
   * says which events to record. {@code lbClass} is ferrolb's load-balancer class ({@code ""} =
   * handle only Services without a class); {@code namespaceLabels} are the labels of the Service's
   * namespace now (for {@code serviceAllocation.namespaceSelectors}).
   */
  public AllocationResult reconcile(
      ServiceRequest svc, String lbClass, Map<String, String> namespaceLabels) {
    Objects.requireNonNull(svc, "svc");
    Objects.requireNonNull(lbClass, "lbClass");
    Objects.requireNonNull(namespaceLabels, "namespaceLabels");
    if (!handlesClass(svc.loadBalancerClass(), lbClass)) {
      release(svc.key()); // not ours (any more): hold nothing for it
      return new AllocationResult.Ignored(
          svc.loadBalancerClass().isEmpty()
              ? "no loadBalancerClass, handling only class \"" + lbClass + "\""
              : "loadBalancerClass \""
                  + svc.loadBalancerClass().get()
                  + "\" is not ours"
                  + (lbClass.isEmpty() ? "" : " (\"" + lbClass + "\")"),
          List.of());
    }
    Alloc before = holdings.get(svc.key());
    String keyBefore = before == null ? "" : before.sharingKey.allocationKey();
    List<UserEvent> events = new ArrayList<>(2);
    Outcome o = converge(svc, namespaceLabels, events);
    Alloc after = holdings.get(svc.key());
    String keyAfter = after == null ? "" : after.sharingKey.allocationKey();
    if (!keyBefore.equals(keyAfter) || (before != null && holdings.freedAny(before.ips))) {
      // MetalLB: allocation key changed, or the Service let go of an address => reprocess all
      generation++;
    }
    boolean changed;
    if (o.ips.isEmpty()) {
      changed =
          !svc.currentIngress().isEmpty()
              || svc.annotations().containsKey(ALLOCATED_FROM_POOL_ANNOTATION);
    } else {
      changed =
          !sameList(o.ips, svc.currentIngress())
              || !o.pool.equals(svc.annotations().get(ALLOCATED_FROM_POOL_ANNOTATION));
    }
    if (changed) {
      // MetalLB only warns when there is something to write, to keep events quiet
      for (String k : AllocationAnnotations.deprecatedKeys(svc)) {
        events.add(
            UserEvent.warning("deprecatedAnnotation", "Service uses deprecated annotation " + k));
      }
    }
    if (!o.ips.isEmpty()) {
      return new AllocationResult.Allocated(o.ips, o.pool, changed, events);
    }
    if (o.reason.isPresent()) {
      return new AllocationResult.Rejected(o.reason.get(), o.detail, events);
    }
    return new AllocationResult.Cleared(o.detail, events);
  }

  /** The Service was deleted: frees its addresses. */
  public Optional<Assignment> release(ServiceKey key) {
    Optional<Alloc> old = holdings.remove(key);
    if (old.isPresent() && holdings.freedAny(old.get().ips)) {
      generation++;
    }
    return old.map(Alloc::toAssignment);
  }

  public Optional<Assignment> assignment(ServiceKey key) {
    return Optional.ofNullable(holdings.get(key)).map(Alloc::toAssignment);
  }

  /** Every current assignment, ordered by Service key. */
  public List<Assignment> assignments() {
    return holdings.all().stream()
        .sorted(Comparator.comparing(a -> a.key))
        .map(Alloc::toAssignment)
        .toList();
  }

  /** One entry per pool, in declaration order. */
  public List<PoolStats> stats() {
    List<PoolStats> out = new ArrayList<>(pools.size());
    for (PoolState ps : pools) {
      out.add(
          new PoolStats(
              ps.pool.name(),
              ps.capacityV4,
              ps.capacityV6,
              BigInteger.valueOf(ps.inUseV4),
              BigInteger.valueOf(ps.inUseV6)));
    }
    return out;
  }

  /**
   * A counter that moves whenever something happened that may let a Service without an address get
   * one: a Service let go of an address that is now unused (release, or a reconcile that moved or
   * cleared it), the pools changed, or a Service's sharing/backend key changed. Transient changes
   * within one reconcile do not count. The controller reprocesses every Service without an address
   * when it moved (MetalLB: {@code SyncStateReprocessAll}).
   */
  public long generation() {
    return generation;
  }

  /**
   * The order in which to feed all Services through {@link #reconcile} after a restart: Services
   * holding more ingress addresses first, so they re-claim them before anyone else can take them
   * (MetalLB: {@code service_controller_reload.go}); by key within a group, deterministic.
   */
  public static List<ServiceRequest> recoveryOrder(Collection<ServiceRequest> services) {
    return recoveryOrder(services, ip -> true);
  }

  /**
   * {@link #recoveryOrder(Collection)} for the pools this allocator holds now: among holders, those
   * whose every address lies in a pool come first, so a Service whose address left the pools
   * (shrunk or removed while the controller was down) cannot take a free address another holder
   * still owns. MetalLB has no such rule: after a restart with a smaller pool, which of two
   * Services keeps its address depends on the order of its cache.
   */
  public List<ServiceRequest> recoveryOrderForPools(Collection<ServiceRequest> services) {
    return recoveryOrder(services, ip -> pools.stream().anyMatch(p -> p.pool.contains(ip)));
  }

  private static List<ServiceRequest> recoveryOrder(
      Collection<ServiceRequest> services, java.util.function.Predicate<IpAddress> pooled) {
    // each Service's rank is judged once, not on every comparison: at 10,000 Services the sort
    // asked the pools about the same addresses ~300,000 times (a second of a new leader's takeover)
    List<Ranked> ranked = new ArrayList<>(services.size());
    for (ServiceRequest s : services) {
      int group =
          s.currentIngress().isEmpty() ? 2 : s.currentIngress().stream().allMatch(pooled) ? 0 : 1;
      ranked.add(new Ranked(group, -s.currentIngress().size(), s));
    }
    ranked.sort(
        Comparator.comparingInt(Ranked::group)
            .thenComparingInt(Ranked::fewerFirst)
            .thenComparing(r -> r.service().key()));
    // a holder whose address an earlier holder shows too (two leaders wrote at once, or a user
    // edited a status) waits until every other holder has re-claimed its own: admitted in key
    // order it would be given the lowest free address, one that a holder later in the order
    // still shows, and move that one too
    Set<IpAddress> claimed = new HashSet<>();
    List<ServiceRequest> out = new ArrayList<>(ranked.size());
    List<ServiceRequest> contested = new ArrayList<>();
    for (Ranked r : ranked) {
      List<IpAddress> ips = r.service().currentIngress();
      if (r.group() == 2 && !contested.isEmpty()) {
        out.addAll(contested);
        contested.clear();
      }
      if (r.group() == 0 && ips.stream().anyMatch(claimed::contains)) {
        contested.add(r.service());
        continue;
      }
      claimed.addAll(ips);
      out.add(r.service());
    }
    out.addAll(contested);
    return out;
  }

  /** A Service with its place in the recovery order: group, then more addresses first. */
  private record Ranked(int group, int fewerFirst, ServiceRequest service) {}

  // ---------------------------------------------------------------- convergence

  /** MetalLB {@code filterByLoadBalancerClass}. */
  private static boolean handlesClass(Optional<String> svcClass, String lbClass) {
    return lbClass.isEmpty() ? svcClass.isEmpty() : svcClass.equals(Optional.of(lbClass));
  }

  private record Outcome(
      List<IpAddress> ips, String pool, Optional<RejectionReason> reason, String detail) {
    static Outcome allocated(List<IpAddress> ips, String pool) {
      return new Outcome(ips, pool, Optional.empty(), "");
    }

    static Outcome cleared(String why) {
      return new Outcome(List.of(), "", Optional.empty(), why);
    }

    static Outcome rejected(RejectionReason r, String detail) {
      return new Outcome(List.of(), "", Optional.of(r), detail);
    }
  }

  private record AllocError(RejectionReason reason, String message) {}

  private Outcome converge(ServiceRequest svc, Map<String, String> nsLabels, List<UserEvent> ev) {
    ServiceKey key = svc.key();
    if (!ServiceRequest.LOAD_BALANCER.equals(svc.type())) {
      holdings.remove(key);
      return Outcome.cleared("not a LoadBalancer (type " + svc.type() + ")");
    }
    if (pools.isEmpty()) {
      holdings.remove(key);
      return Outcome.cleared("no address pools configured");
    }
    if (svc.clusterIps().isEmpty()) {
      holdings.remove(key);
      return Outcome.cleared("no ClusterIP");
    }
    IpFamilyPolicy policy = svc.ipFamilyPolicy();
    if (policy == IpFamilyPolicy.REQUIRE_DUAL_STACK && svc.clusterIps().size() < 2) {
      String msg =
          "Service requires dual stack but not enough clusterips " + GoText.list(svc.clusterIps());
      ev.add(UserEvent.warning("not enough clusterips", msg));
      holdings.remove(key);
      return Outcome.rejected(RejectionReason.NOT_ENOUGH_CLUSTER_IPS, msg);
    }
    Optional<ServiceFamily> clusterFamily = ServiceFamily.of(svc.clusterIps());
    List<ServicePort> ports = svc.ports();
    SharingKey sk =
        SharingKey.of(
            AllocationAnnotations.allowSharedIp(svc), svc.externalTrafficPolicy(), svc.selector());

    List<IpAddress> lbIps = svc.currentIngress();
    if (lbIps.isEmpty() && holdings.holds(key)) {
      lbIps = holdings.get(key).ips; // status not yet observed: keep what we hold
    }
    if (!lbIps.isEmpty()) {
      Optional<ServiceFamily> lbFamily = ServiceFamily.of(lbIps);
      if (lbFamily.isEmpty()) {
        ev.add(
            UserEvent.warning(
                "nolbIPsIPFamily",
                "Failed to retrieve LBIPs IPFamily for "
                    + GoText.quoted(lbIps)
                    + ": "
                    + ServiceFamily.errorFor(lbIps)));
      }
      if (clusterFamily.isEmpty()) {
        String msg =
            "Failed to retrieve ClusterIPs IPFamily for "
                + GoText.quoted(svc.clusterIps())
                + ": "
                + ServiceFamily.errorFor(svc.clusterIps());
        ev.add(UserEvent.warning("noclusterIPsIPFamily", msg));
        holdings.remove(key);
        return Outcome.rejected(RejectionReason.INVALID_CLUSTER_IPS, msg);
      }
      if (familyChanged(lbFamily, clusterFamily.get(), policy)) {
        holdings.remove(key);
        lbIps = List.of();
      }
    }
    Requested requested = AllocationAnnotations.requested(svc);
    String desiredPool = AllocationAnnotations.addressPool(svc);
    if (!lbIps.isEmpty()) {
      Optional<AllocError> err = assign(svc, lbIps, ports, sk, nsLabels);
      if (err.isPresent()) {
        ev.add(
            UserEvent.normal(
                "ClearAssignment",
                "current IP for \""
                    + key
                    + "\" not allowed by config, will attempt for new IP assignment: "
                    + err.get().message()));
        holdings.remove(key);
        lbIps = List.of();
      }
      if (!lbIps.isEmpty()
          && !desiredPool.isEmpty()
          && !holdings.get(key).pool.pool.name().equals(desiredPool)) {
        holdings.remove(key); // a different pool was requested
        lbIps = List.of();
      }
      if (requested.invalid()) {
        ev.add(
            UserEvent.warning(
                "LoadBalancerFailed", "invalid requested loadbalancer IPs: " + requested.error()));
        if (!lbIps.isEmpty()) {
          return Outcome.allocated(lbIps, holdings.get(key).pool.pool.name()); // keeps its IPs
        }
        return Outcome.rejected(RejectionReason.INVALID_REQUESTED_IPS, requested.error());
      }
      if (!requested.ips().isEmpty() && !sameSet(lbIps, requested.ips())) {
        holdings.remove(key); // a different IP was requested: move
        lbIps = List.of();
      }
    }

    if (lbIps.size() == 1
        && policy == IpFamilyPolicy.PREFER_DUAL_STACK
        && clusterFamily.equals(Optional.of(ServiceFamily.DUAL))) {
      lbIps = tryAdditionalFamily(svc, lbIps.get(0), ports, sk, nsLabels, ev);
    }

    if (lbIps.isEmpty()) {
      if (requested.invalid()) {
        ev.add(
            UserEvent.warning(
                "LoadBalancerFailed", "invalid requested loadbalancer IPs: " + requested.error()));
        return Outcome.rejected(RejectionReason.INVALID_REQUESTED_IPS, requested.error());
      }
      Optional<AllocError> err;
      if (clusterFamily.isEmpty()) {
        err =
            Optional.of(
                new AllocError(
                    RejectionReason.INVALID_CLUSTER_IPS, ServiceFamily.errorFor(svc.clusterIps())));
      } else {
        err = allocateIps(svc, clusterFamily.get(), requested, desiredPool, ports, sk, nsLabels);
      }
      if (err.isPresent()) {
        ev.add(
            UserEvent.warning(
                "AllocationFailed",
                "Failed to allocate IP for \"" + key + "\": " + err.get().message()));
        return Outcome.rejected(err.get().reason(), err.get().message());
      }
      lbIps = holdings.get(key).ips;
      ev.add(UserEvent.normal("IPAllocated", "Assigned IP " + GoText.quoted(lbIps)));
    }
    return Outcome.allocated(lbIps, holdings.get(key).pool.pool.name());
  }

  /** MetalLB {@code serviceFamilyChanged}. */
  private static boolean familyChanged(
      Optional<ServiceFamily> lbFamily, ServiceFamily clusterFamily, IpFamilyPolicy policy) {
    if (lbFamily.isEmpty()) {
      return true;
    }
    if (lbFamily.get() == clusterFamily) {
      return false;
    }
    return !(clusterFamily == ServiceFamily.DUAL && policy == IpFamilyPolicy.PREFER_DUAL_STACK);
  }

  /** MetalLB {@code AllocateFromPoolForAdditionalFamily}, from the Service's current pool only. */
  private List<IpAddress> tryAdditionalFamily(
      ServiceRequest svc,
      IpAddress existing,
      List<ServicePort> ports,
      SharingKey sk,
      Map<String, String> nsLabels,
      List<UserEvent> ev) {
    PoolState ps = holdings.get(svc.key()).pool;
    IpFamily missing = existing.family().other();
    if (!ps.hasFamily(missing)) {
      return List.of(existing); // the pool can never give it: stay quiet
    }
    Optional<IpAddress> extra = candidate(ps, missing, svc.key(), ports, sk);
    String failure;
    if (extra.isPresent()) {
      List<IpAddress> both = List.of(existing, extra.get());
      Optional<AllocError> err = assign(svc, both, ports, sk, nsLabels);
      if (err.isEmpty()) {
        ev.add(UserEvent.normal("IPAllocated", "Assigned additional IP \"" + extra.get() + "\""));
        return both;
      }
      failure = err.get().message();
    } else {
      failure =
          "no available IPs in pool "
              + ps.pool.name()
              + " for "
              + ServiceFamily.of(missing).text
              + " IPFamily";
    }
    ev.add(
        UserEvent.normal(
            "AdditionalAssignFailed",
            "cannot assign additional IP in PreferDualStack: " + failure));
    return List.of(existing);
  }

  /** MetalLB {@code allocateIPs}: requested IPs, then requested pool, then automatic. */
  private Optional<AllocError> allocateIps(
      ServiceRequest svc,
      ServiceFamily family,
      Requested requested,
      String desiredPool,
      List<ServicePort> ports,
      SharingKey sk,
      Map<String, String> nsLabels) {
    if (!requested.ips().isEmpty()) {
      if (!requested.family().equals(Optional.of(family))) {
        return Optional.of(
            new AllocError(
                RejectionReason.FAMILY_MISMATCH,
                "requested loadBalancer IP(s) "
                    + GoText.quoted(requested.ips())
                    + " does not match the ipFamily of the service"));
      }
      Optional<AllocError> err = assign(svc, requested.ips(), ports, sk, nsLabels);
      if (err.isPresent()) {
        return err;
      }
      if (!desiredPool.isEmpty() && !holdings.get(svc.key()).pool.pool.name().equals(desiredPool)) {
        holdings.remove(svc.key());
        return Optional.of(
            new AllocError(
                RejectionReason.IP_NOT_IN_REQUESTED_POOL,
                "requested loadBalancer IP(s) "
                    + GoText.quoted(requested.ips())
                    + " is not compatible with requested address pool "
                    + desiredPool));
      }
      return Optional.empty();
    }
    if (!desiredPool.isEmpty()) {
      return allocateFromPool(svc, family, desiredPool, ports, sk, nsLabels);
    }
    return allocateAutomatically(svc, family, ports, sk, nsLabels);
  }

  /** MetalLB {@code AllocateFromPool}: autoAssign does not matter. */
  private Optional<AllocError> allocateFromPool(
      ServiceRequest svc,
      ServiceFamily family,
      String poolName,
      List<ServicePort> ports,
      SharingKey sk,
      Map<String, String> nsLabels) {
    PoolState ps = poolsByName.get(poolName);
    if (ps == null) {
      return Optional.of(
          new AllocError(RejectionReason.UNKNOWN_POOL, "unknown pool \"" + poolName + "\""));
    }
    Candidates c = candidates(ps, family, svc.key(), ports, sk, true);
    if (c.v4.isEmpty() && c.v6.isEmpty()) {
      return Optional.of(
          new AllocError(RejectionReason.POOL_EXHAUSTED, "no available IPs in pool " + poolName));
    }
    Optional<List<IpAddress>> ips = c.select(family, svc.ipFamilyPolicy());
    if (ips.isEmpty()) {
      return Optional.of(
          new AllocError(
              RejectionReason.POOL_EXHAUSTED,
              "no available IPs in pool " + poolName + " for " + family.text + " IPFamily"));
    }
    if (!compatible(ps, svc, nsLabels)) {
      return Optional.of(
          new AllocError(
              RejectionReason.POOL_NOT_ALLOWED,
              "pool " + poolName + " not compatible for ip assignment"));
    }
    holdings.put(new Alloc(svc.key(), ps, ips.get(), ports, sk));
    return Optional.empty();
  }

  /** MetalLB {@code Allocate}: scoped pools by priority, then unscoped auto-assign pools. */
  private Optional<AllocError> allocateAutomatically(
      ServiceRequest svc,
      ServiceFamily family,
      List<ServicePort> ports,
      SharingKey sk,
      Map<String, String> nsLabels) {
    List<PoolState> pinned = List.of();
    if (!scopedAutoPools.isEmpty()) {
      pinned = new ArrayList<>(2);
      for (PoolState ps : scopedAutoPools) {
        if (compatible(ps, svc, nsLabels)) {
          pinned.add(ps);
        }
      }
    }
    if (allocateFromPools(pinned, svc, family, ports, sk)
        || allocateFromPools(unscopedAutoPools, svc, family, ports, sk)) {
      return Optional.empty();
    }
    return Optional.of(new AllocError(RejectionReason.POOL_EXHAUSTED, "no available IPs"));
  }

  /** MetalLB {@code allocateFromPools} + {@code findBestPoolForService}. */
  private boolean allocateFromPools(
      List<PoolState> candidatesPools,
      ServiceRequest svc,
      ServiceFamily family,
      List<ServicePort> ports,
      SharingKey sk) {
    IpFamily primary =
        !svc.ipFamilies().isEmpty() && svc.ipFamilies().get(0) == IpFamily.IPV6
            ? IpFamily.IPV6
            : IpFamily.IPV4;
    boolean preferDual =
        family == ServiceFamily.DUAL && svc.ipFamilyPolicy() == IpFamilyPolicy.PREFER_DUAL_STACK;
    Candidates primaryFallback = null;
    Candidates secondaryFallback = null;
    Candidates chosen = null;
    for (PoolState ps : candidatesPools) {
      Candidates c = candidates(ps, family, svc.key(), ports, sk, false);
      if (family != ServiceFamily.DUAL) {
        if (c.get(family.single()).isPresent()) {
          chosen = c;
          break;
        }
        continue;
      }
      Optional<IpAddress> p = c.get(primary);
      Optional<IpAddress> s = c.get(primary.other());
      if (p.isPresent() && s.isPresent()) {
        chosen = c;
        break;
      }
      if (!preferDual) {
        continue;
      }
      if (p.isPresent() && primaryFallback == null) {
        primaryFallback = c;
      }
      if (s.isPresent() && secondaryFallback == null) {
        secondaryFallback = c;
      }
    }
    if (chosen == null) {
      chosen = primaryFallback != null ? primaryFallback : secondaryFallback;
    }
    if (chosen == null) {
      return false;
    }
    Optional<List<IpAddress>> ips = chosen.select(family, svc.ipFamilyPolicy());
    if (ips.isEmpty()) {
      return false;
    }
    holdings.put(new Alloc(svc.key(), chosen.pool, ips.get(), ports, sk));
    return true;
  }

  /** The first usable address per family of one pool (MetalLB {@code getFreeIPsFromPool}). */
  private record Candidates(PoolState pool, Optional<IpAddress> v4, Optional<IpAddress> v6) {
    Optional<IpAddress> get(IpFamily f) {
      return f == IpFamily.IPV4 ? v4 : v6;
    }

    /** MetalLB {@code selectIPsForFamilyAndPolicy}. */
    Optional<List<IpAddress>> select(ServiceFamily family, IpFamilyPolicy policy) {
      if (family != ServiceFamily.DUAL) {
        return get(family.single()).map(List::of);
      }
      return switch (policy) {
        case SINGLE_STACK -> Optional.empty();
        case REQUIRE_DUAL_STACK ->
            v4.isPresent() && v6.isPresent()
                ? Optional.of(List.of(v4.get(), v6.get()))
                : Optional.empty();
        case PREFER_DUAL_STACK ->
            v4.isPresent() && v6.isPresent()
                ? Optional.of(List.of(v4.get(), v6.get()))
                : v4.or(() -> v6).map(List::of);
      };
    }
  }

  private Candidates candidates(
      PoolState ps,
      ServiceFamily family,
      ServiceKey svc,
      List<ServicePort> ports,
      SharingKey sk,
      boolean bothFamilies) {
    boolean wantV4 = bothFamilies || family != ServiceFamily.IPV6;
    boolean wantV6 = bothFamilies || family != ServiceFamily.IPV4;
    return new Candidates(
        ps,
        wantV4 ? candidate(ps, IpFamily.IPV4, svc, ports, sk) : Optional.empty(),
        wantV6 ? candidate(ps, IpFamily.IPV6, svc, ports, sk) : Optional.empty());
  }

  /**
   * The first address of {@code family} the Service could use in {@code ps}, walking the ranges in
   * declaration order and, within a range, the lowest address that is free or shareable (MetalLB
   * {@code getIPFromCIDR}: a used address counts when {@code checkSharing} passes).
   */
  private Optional<IpAddress> candidate(
      PoolState ps, IpFamily family, ServiceKey svc, List<ServicePort> ports, SharingKey sk) {
    TreeSet<IpAddress> group = sk.shares() ? ps.shared.get(sk) : null;
    for (FreeAddressIndex idx : ps.ranges(family)) {
      Optional<IpAddress> free = idx.lowestFree();
      if (group != null) {
        IpRange r = idx.range();
        for (IpAddress ip : group.subSet(r.first(), true, r.last(), true)) {
          if (free.isPresent() && ip.compareTo(free.get()) > 0) {
            break;
          }
          if (checkSharing(svc, ip, ports, sk).isEmpty()) {
            return Optional.of(ip);
          }
        }
      }
      if (free.isPresent()) {
        return free;
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- assignment (MetalLB Assign)

  private Optional<AllocError> assign(
      ServiceRequest svc,
      List<IpAddress> ips,
      List<ServicePort> ports,
      SharingKey sk,
      Map<String, String> nsLabels) {
    Optional<PoolState> pool = poolFor(ips);
    if (pool.isEmpty()) {
      return Optional.of(
          new AllocError(
              RejectionReason.IP_NOT_IN_ANY_POOL,
              GoText.quoted(ips) + " is not allowed in config"));
    }
    if (!compatible(pool.get(), svc, nsLabels)) {
      return Optional.of(
          new AllocError(
              RejectionReason.POOL_NOT_ALLOWED,
              "pool " + pool.get().pool.name() + " not compatible for ip assignment"));
    }
    if (ips.size() > 2) {
      return Optional.of(
          new AllocError(
              RejectionReason.INVALID_ADDRESS_COUNT,
              "more than two addresses " + GoText.quoted(ips)));
    }
    if (ips.size() == 2 && ips.get(0).family() == ips.get(1).family()) {
      return Optional.of(
          new AllocError(
              RejectionReason.INVALID_ADDRESS_COUNT,
              "\"" + ips.get(0) + "\" \"" + ips.get(1) + "\" has the same family"));
    }
    for (IpAddress ip : ips) {
      Optional<AllocError> err = checkSharing(svc.key(), ip, ports, sk);
      if (err.isPresent()) {
        return err;
      }
    }
    holdings.put(new Alloc(svc.key(), pool.get(), ips, ports, sk));
    return Optional.empty();
  }

  /** MetalLB {@code checkSharing}: may {@code svc} use {@code ip} next to its current users? */
  private Optional<AllocError> checkSharing(
      ServiceKey svc, IpAddress ip, List<ServicePort> ports, SharingKey sk) {
    List<Alloc> holders = holdings.holders(ip);
    if (holders.isEmpty()) {
      return Optional.empty();
    }
    String incompatible = holders.get(0).sharingKey.incompatibility(sk);
    if (!incompatible.isEmpty()) {
      // a sole user may change its own key in place
      List<String> others = new ArrayList<>();
      for (Alloc h : holders) {
        if (!h.key.equals(svc)) {
          others.add(h.key.toString());
        }
      }
      if (!others.isEmpty()) {
        others.sort(null);
        return Optional.of(
            new AllocError(
                RejectionReason.SHARING_KEY_MISMATCH,
                "can't change sharing key for \""
                    + svc
                    + "\", address also in use by "
                    + String.join(",", others)));
      }
    }
    for (ServicePort port : ports) {
      for (Alloc h : holders) {
        if (!h.key.equals(svc) && h.ports.contains(port)) {
          return Optional.of(
              new AllocError(
                  RejectionReason.PORT_CONFLICT,
                  "port " + port + " is already in use on \"" + ip + "\""));
        }
      }
    }
    return Optional.empty();
  }

  /** The first pool (declaration order) that contains every address (MetalLB {@code poolFor}). */
  private Optional<PoolState> poolFor(List<IpAddress> ips) {
    for (PoolState ps : pools) {
      boolean all = true;
      for (IpAddress ip : ips) {
        if (!ps.pool.contains(ip)) {
          all = false;
          break;
        }
      }
      if (all) {
        return Optional.of(ps);
      }
    }
    return Optional.empty();
  }

  /** MetalLB {@code isPoolCompatibleWithService}, with namespace selectors resolved now. */
  private static boolean compatible(
      PoolState ps, ServiceRequest svc, Map<String, String> nsLabels) {
    Optional<ServiceAllocation> sa = ps.pool.serviceAllocation();
    if (sa.isEmpty()) {
      return true;
    }
    ServiceAllocation a = sa.get();
    if (a.scopesNamespaces()
        && !a.namespaces().contains(svc.key().namespace())
        && !LabelSelector.anyMatches(a.namespaceSelectors(), nsLabels)) {
      return false;
    }
    return a.serviceSelectors().isEmpty()
        || LabelSelector.anyMatches(a.serviceSelectors(), svc.labels());
  }

  /** {@code a.equals(b)} without the two iterators ({@code List.equals}) when sizes differ. */
  private static boolean sameList(List<IpAddress> a, List<IpAddress> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameSet(List<IpAddress> a, List<IpAddress> b) {
    return a.size() == b.size() && new HashSet<>(a).equals(new HashSet<>(b));
  }
}
