package io.ferrolb.app.controller;

import io.ferrolb.domain.allocation.AllocationResult;
import io.ferrolb.domain.allocation.Allocator;
import io.ferrolb.domain.allocation.Assignment;
import io.ferrolb.domain.allocation.EventType;
import io.ferrolb.domain.allocation.PoolStats;
import io.ferrolb.domain.allocation.RejectionReason;
import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.allocation.ServiceRequest;
import io.ferrolb.domain.allocation.UserEvent;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.Pool;
import io.ferrolb.ports.out.PoolUsage;
import io.ferrolb.ports.out.ServiceSnapshot;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one seam between the controller and the domain's {@link Allocator}: the loop talks only to
 * this class, which owns the allocation state and is touched by the loop thread alone. It hands the
 * allocator the {@link ServiceRequest} the adapter built ({@link ServiceSnapshot#request()}) and
 * turns the allocator's {@link AllocationResult} into what the loop writes.
 */
final class AllocationEngine {

  /** One user-facing event the loop should emit on the Service. */
  record Note(boolean warning, String reason, String message) {}

  sealed interface IngressAction permits Assign, Clear, Ignore {
    List<Note> notes();
  }

  /** Desired ingress {@code ips} from {@code pool}. */
  record Assign(List<IpAddress> ips, String pool, boolean changed, List<Note> notes)
      implements IngressAction {
    Assign {
      ips = List.copyOf(ips);
      notes = List.copyOf(notes);
    }
  }

  /**
   * Desired ingress empty: not LoadBalancer, no pools, no ClusterIP ({@code rejection} empty), or
   * rejected by the allocator, for {@code rejection}; {@code why} is the allocator's text.
   */
  record Clear(String why, Optional<RejectionReason> rejection, List<Note> notes)
      implements IngressAction {
    Clear {
      Objects.requireNonNull(why, "why");
      Objects.requireNonNull(rejection, "rejection");
      notes = List.copyOf(notes);
    }
  }

  /** Not ours (another load-balancer class): do not touch the Service. */
  record Ignore(String why) implements IngressAction {
    @Override
    public List<Note> notes() {
      return List.of();
    }
  }

  private final Allocator allocator = new Allocator();
  private final String lbClass;
  private boolean hasPools;
  private long seenGeneration;

  AllocationEngine(String lbClass) {
    this.lbClass = Objects.requireNonNull(lbClass, "lbClass");
  }

  boolean hasPools() {
    return hasPools;
  }

  /** Installs new pools; returns the keys of services that lost their addresses. */
  Set<String> setPools(List<Pool> pools) {
    hasPools = !pools.isEmpty();
    Set<String> lost = new HashSet<>();
    for (ServiceKey k : allocator.setPools(pools).lostAddresses()) {
      lost.add(k.toString());
    }
    return lost;
  }

  IngressAction reconcile(ServiceSnapshot svc, Map<String, String> namespaceLabels) {
    AllocationResult d = allocator.reconcile(svc.request(), lbClass, namespaceLabels);
    List<Note> notes = notes(d.events());
    if (d instanceof AllocationResult.Allocated a) {
      return new Assign(a.ips(), a.pool(), a.changed(), notes);
    }
    if (d instanceof AllocationResult.Rejected r) {
      return new Clear(r.detail(), Optional.of(r.reason()), notes);
    }
    if (d instanceof AllocationResult.Cleared c) {
      return new Clear(c.why(), Optional.empty(), notes);
    }
    return new Ignore(((AllocationResult.Ignored) d).why());
  }

  /** Frees the addresses of {@code key}; true when it held any. */
  boolean release(String key) {
    return allocator.release(ServiceKey.parse(key)).isPresent();
  }

  /** True (once) when an address was freed or an allocation key changed since the last call. */
  boolean takeFreed() {
    long g = allocator.generation();
    boolean moved = g != seenGeneration;
    seenGeneration = g;
    return moved;
  }

  /** The keys of every Service that holds an address. */
  List<String> holders() {
    return allocator.assignments().stream().map(a -> a.key().toString()).toList();
  }

  boolean holds(String key) {
    return allocator.assignment(ServiceKey.parse(key)).isPresent();
  }

  List<PoolUsage> stats() {
    Map<String, Long> services = new HashMap<>();
    for (Assignment a : allocator.assignments()) {
      services.merge(a.pool(), 1L, Long::sum);
    }
    List<PoolUsage> out = new ArrayList<>();
    for (PoolStats s : allocator.stats()) {
      out.add(
          new PoolUsage(
              s.pool(),
              s.inUseV4(),
              s.inUseV6(),
              s.availableV4().max(BigInteger.ZERO),
              s.availableV6().max(BigInteger.ZERO),
              services.getOrDefault(s.pool(), 0L)));
    }
    return out;
  }

  /**
   * Holders of addresses in the current pools first, then other holders, then the rest,
   * deterministic ({@link Allocator#recoveryOrderForPools}).
   */
  List<ServiceSnapshot> recoveryOrder(Collection<ServiceSnapshot> services) {
    Map<ServiceKey, ServiceSnapshot> byKey = new HashMap<>();
    List<ServiceRequest> requests = new ArrayList<>(services.size());
    for (ServiceSnapshot s : services) {
      ServiceRequest r = s.request();
      byKey.put(r.key(), s);
      requests.add(r);
    }
    List<ServiceSnapshot> out = new ArrayList<>(requests.size());
    for (ServiceRequest r : allocator.recoveryOrderForPools(requests)) {
      out.add(byKey.get(r.key()));
    }
    return out;
  }

  private static List<Note> notes(List<UserEvent> events) {
    List<Note> out = new ArrayList<>(events.size());
    for (UserEvent e : events) {
      out.add(new Note(e.type() == EventType.WARNING, e.reason(), e.message()));
    }
    return out;
  }
}
