package io.ferrolb.domain.allocation;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.Pool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fake of the controller around the allocator, doing what the contract says the controller does:
 * it keeps each Service's spec, writes AllocationResult ingress and pool annotation back as status,
 * and reprocesses every Service whenever {@link Allocator#generation()} moved or pools changed.
 */
final class FakeController {

  Allocator allocator = new Allocator();
  final Map<ServiceKey, ServiceRequest> specs = new TreeMap<>();
  final Map<ServiceKey, List<IpAddress>> ingress = new HashMap<>();
  final Map<ServiceKey, String> poolAnnotation = new HashMap<>();
  final Map<ServiceKey, List<UserEvent>> events = new HashMap<>();
  final Map<ServiceKey, AllocationResult> last = new HashMap<>();
  final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
  List<Pool> pools = List.of();
  String lbClass = "";

  FakeController(Pool... pools) {
    setPools(pools);
  }

  PoolsChange setPools(Pool... newPools) {
    pools = List.of(newPools);
    PoolsChange change = allocator.setPools(pools);
    reprocessAll();
    return change;
  }

  /** Creates or updates a Service and reconciles it (and the others, if that freed something). */
  AllocationResult apply(ServiceRequest.Builder b) {
    ServiceRequest spec = b.build();
    specs.put(spec.key(), spec);
    long g = allocator.generation();
    AllocationResult d = reconcile(spec.key());
    if (allocator.generation() != g) {
      reprocessAll();
    }
    return d;
  }

  void delete(String namespace, String name) {
    ServiceKey key = new ServiceKey(namespace, name);
    specs.remove(key);
    ingress.remove(key);
    poolAnnotation.remove(key);
    long g = allocator.generation();
    allocator.release(key);
    if (allocator.generation() != g) {
      reprocessAll();
    }
  }

  void labelNamespace(String ns, Map<String, String> labels) {
    namespaceLabels.put(ns, Map.copyOf(labels));
    reprocessAll();
  }

  /** A new controller process: fresh allocator, pools, then every Service in recovery order. */
  void restart() {
    allocator = new Allocator();
    allocator.setPools(pools);
    List<ServiceRequest> all = new ArrayList<>();
    for (ServiceKey k : specs.keySet()) {
      all.add(withStatus(k));
    }
    for (ServiceRequest r : Allocator.recoveryOrder(all)) {
      reconcile(r.key());
    }
  }

  void reprocessAll() {
    for (int round = 0; round < 10; round++) {
      long g = allocator.generation();
      for (ServiceKey k : new ArrayList<>(specs.keySet())) {
        reconcile(k);
      }
      if (allocator.generation() == g) {
        return;
      }
    }
    throw new IllegalStateException("reprocessing does not converge");
  }

  AllocationResult reconcile(ServiceKey key) {
    ServiceRequest req = withStatus(key);
    AllocationResult d =
        allocator.reconcile(req, lbClass, namespaceLabels.getOrDefault(key.namespace(), Map.of()));
    last.put(key, d);
    events.computeIfAbsent(key, k -> new ArrayList<>()).addAll(d.events());
    if (!(d instanceof AllocationResult.Ignored)) {
      ingress.put(key, d.desiredIngress());
      if (d instanceof AllocationResult.Allocated a) {
        poolAnnotation.put(key, a.pool());
      } else {
        poolAnnotation.remove(key);
      }
    }
    return d;
  }

  ServiceRequest withStatus(ServiceKey key) {
    ServiceRequest.Builder b =
        specs.get(key).toBuilder().currentIngress(ingress.getOrDefault(key, List.of()));
    String pool = poolAnnotation.get(key);
    b.removeAnnotation(Allocator.ALLOCATED_FROM_POOL_ANNOTATION);
    if (pool != null) {
      b.annotation(Allocator.ALLOCATED_FROM_POOL_ANNOTATION, pool);
    }
    return b.build();
  }

  List<IpAddress> ingressOf(String ns, String name) {
    return ingress.getOrDefault(new ServiceKey(ns, name), List.of());
  }

  AllocationResult lastOf(String ns, String name) {
    return last.get(new ServiceKey(ns, name));
  }

  List<UserEvent> eventsOf(String ns, String name) {
    return events.getOrDefault(new ServiceKey(ns, name), List.of());
  }

  Map<ServiceKey, List<IpAddress>> allIngress() {
    Map<ServiceKey, List<IpAddress>> out = new LinkedHashMap<>();
    for (ServiceKey k : specs.keySet()) {
      out.put(k, ingressOf(k.namespace(), k.name()));
    }
    return out;
  }
}
