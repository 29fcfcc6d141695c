package io.ferrolb.ports.out;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the controller reads of one Kubernetes Service, in JDK and domain types only: the adapter
 * fills it from its informer cache, the application turns it into the allocator's request.
 *
 * @param type {@code spec.type} as written ("LoadBalancer", "ClusterIP", ...)
 * @param ports {@code spec.ports} as {@code "TCP/80"} strings, protocol in upper case
 * @param externalTrafficPolicy "Cluster" or "Local" as written (empty means Cluster)
 * @param ipFamilyPolicy "SingleStack", "PreferDualStack" or "RequireDualStack" (empty = single)
 * @param clusterIps {@code spec.clusterIPs} that parse as addresses ("None" and empty dropped)
 * @param ingress {@code status.loadBalancer.ingress[].ip} now, in order, the only persisted state
 * @param allocatedFromPool the {@code metallb.io/ip-allocated-from-pool} annotation, if any
 * @param creationTimestamp RFC 3339 text as in the object ("" when unknown)
 * @since 0.1
 */
public record ServiceSnapshot(
    String namespace,
    String name,
    String uid,
    String type,
    Optional<String> loadBalancerClass,
    Map<String, String> labels,
    Map<String, String> annotations,
    Optional<String> loadBalancerIp,
    String externalTrafficPolicy,
    Map<String, String> selector,
    List<String> ports,
    String ipFamilyPolicy,
    List<IpFamily> ipFamilies,
    List<IpAddress> clusterIps,
    List<IpAddress> ingress,
    boolean hasStatus,
    String creationTimestamp) {

  /** The annotation the controller writes with the name of the pool an address came from. */
  public static final String POOL_ANNOTATION = "metallb.io/ip-allocated-from-pool";

  public ServiceSnapshot {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(loadBalancerClass, "loadBalancerClass");
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(loadBalancerIp, "loadBalancerIp");
    Objects.requireNonNull(externalTrafficPolicy, "externalTrafficPolicy");
    selector = Map.copyOf(selector);
    ports = List.copyOf(ports);
    Objects.requireNonNull(ipFamilyPolicy, "ipFamilyPolicy");
    ipFamilies = List.copyOf(ipFamilies);
    clusterIps = List.copyOf(clusterIps);
    ingress = List.copyOf(ingress);
    Objects.requireNonNull(creationTimestamp, "creationTimestamp");
  }

  /** {@code namespace/name}, the queue key. */
  public String key() {
    return namespace + "/" + name;
  }

  public boolean isLoadBalancer() {
    return "LoadBalancer".equals(type);
  }

  public Optional<String> allocatedFromPool() {
    return Optional.ofNullable(annotations.get(POOL_ANNOTATION));
  }
}
