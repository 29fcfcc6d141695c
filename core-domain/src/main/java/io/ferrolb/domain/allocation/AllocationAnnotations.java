package io.ferrolb.domain.allocation;

import io.ferrolb.domain.pool.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Service annotations that steer allocation, in MetalLB's spelling ({@code metallb.io/}, or the
 * deprecated {@code metallb.universe.tf/} alias): {@code loadBalancerIPs}, {@code address-pool} and
 * {@code allow-shared-ip}, plus the {@code ip-allocated-from-pool} annotation the controller
 * writes. Pure functions of a {@link ServiceRequest}; the {@link Allocator} decides what they mean.
 */
final class AllocationAnnotations {

  private static final String ANNOTATION_PREFIX = "metallb.io/";
  private static final String DEPRECATED_PREFIX = "metallb.universe.tf";
  private static final String ADDRESS_POOL = "address-pool";
  private static final String LOAD_BALANCER_IPS = "loadBalancerIPs";
  private static final String ALLOW_SHARED_IP = "allow-shared-ip";

  // the keys read on every reconcile, spelled out once (no string concatenation per call)
  private static final String[] ADDRESS_POOL_KEYS = keys(ADDRESS_POOL);
  private static final String[] LOAD_BALANCER_IPS_KEYS = keys(LOAD_BALANCER_IPS);
  private static final String[] ALLOW_SHARED_IP_KEYS = keys(ALLOW_SHARED_IP);

  /** The annotation the controller writes with the pool name (never read back for allocation). */
  static final String ALLOCATED_FROM_POOL = ANNOTATION_PREFIX + "ip-allocated-from-pool";

  private AllocationAnnotations() {}

  private static final Requested NOTHING_REQUESTED = new Requested(List.of(), Optional.empty(), "");

  /**
   * The addresses a Service asks for ({@code loadBalancerIPs} or {@code spec.loadBalancerIP}), or
   * why the request is invalid.
   */
  record Requested(List<IpAddress> ips, Optional<ServiceFamily> family, String error) {
    boolean invalid() {
      return !error.isEmpty();
    }
  }

  /** The pool a Service asks for ({@code address-pool}); "" for none. */
  static String addressPool(ServiceRequest svc) {
    return annotation(svc, ADDRESS_POOL_KEYS);
  }

  /** The sharing key a Service gives ({@code allow-shared-ip}); "" for none. */
  static String allowSharedIp(ServiceRequest svc) {
    return annotation(svc, ALLOW_SHARED_IP_KEYS);
  }

  /** The Service's annotations under the deprecated {@code metallb.universe.tf} prefix, sorted. */
  static List<String> deprecatedKeys(ServiceRequest svc) {
    if (svc.annotations().isEmpty()) {
      return List.of();
    }
    List<String> deprecated = null;
    for (String k : svc.annotations().keySet()) {
      if (k.startsWith(DEPRECATED_PREFIX)) {
        if (deprecated == null) {
          deprecated = new ArrayList<>(2);
        }
        deprecated.add(k);
      }
    }
    if (deprecated == null) {
      return List.of();
    }
    deprecated.sort(null);
    return deprecated;
  }

  /** {@code metallb.io/<name>} and its deprecated alias, in the order they are looked up. */
  private static String[] keys(String name) {
    return new String[] {ANNOTATION_PREFIX + name, DEPRECATED_PREFIX + "/" + name};
  }

  /** The value of {@code metallb.io/<name>}, else of the deprecated alias, else "". */
  private static String annotation(ServiceRequest svc, String[] keys) {
    Map<String, String> annotations = svc.annotations();
    if (annotations.isEmpty()) {
      return "";
    }
    String v = annotations.get(keys[0]);
    if (v != null) {
      return v;
    }
    return annotations.getOrDefault(keys[1], "");
  }

  /** MetalLB {@code getDesiredLbIPs}. */
  static Requested requested(ServiceRequest svc) {
    String ann = annotation(svc, LOAD_BALANCER_IPS_KEYS);
    String spec = svc.specLoadBalancerIp().orElse("");
    if (ann.isEmpty() && spec.isEmpty()) {
      return NOTHING_REQUESTED;
    }
    if (!ann.isEmpty() && !spec.isEmpty()) {
      return new Requested(
          List.of(),
          Optional.empty(),
          "service can not have both "
              + ANNOTATION_PREFIX
              + LOAD_BALANCER_IPS
              + " and svc.Spec.LoadBalancerIP");
    }
    List<IpAddress> ips = new ArrayList<>(2);
    if (!ann.isEmpty()) {
      for (String part : ann.split(",", -1)) {
        Optional<IpAddress> ip =
            IpAddress.tryParse(part.strip()).map(AllocationAnnotations::unmapV4);
        if (ip.isEmpty()) {
          return new Requested(
              List.of(),
              Optional.empty(),
              "invalid " + ANNOTATION_PREFIX + LOAD_BALANCER_IPS + ": \"" + ann + "\"");
        }
        ips.add(ip.get());
      }
      Optional<ServiceFamily> f = ServiceFamily.of(ips);
      if (f.isEmpty()) {
        return new Requested(List.of(), Optional.empty(), ServiceFamily.errorFor(ips));
      }
      return new Requested(List.copyOf(ips), f, "");
    }
    Optional<IpAddress> ip = IpAddress.tryParse(spec).map(AllocationAnnotations::unmapV4);
    if (ip.isEmpty()) {
      return new Requested(
          List.of(), Optional.empty(), "invalid spec.loadBalancerIP \"" + spec + "\"");
    }
    return new Requested(List.of(ip.get()), ServiceFamily.of(List.of(ip.get())), "");
  }

  /** Go's net.ParseIP treats {@code ::ffff:a.b.c.d} as the IPv4 address a.b.c.d. */
  private static IpAddress unmapV4(IpAddress a) {
    if (a.isV6() && a.hi() == 0 && (a.lo() >>> 32) == 0xFFFFL) {
      return IpAddress.v4(a.lo());
    }
    return a;
  }
}
