package io.ferrolb.ports.out;

import io.ferrolb.domain.allocation.ServiceRequest;
import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the controller reads of one Kubernetes Service: the allocator's {@link ServiceRequest},
 * which the adapter builds from its informer cache (the one translation of a Service; the
 * application hands it to the domain as is), and what only the status writer needs.
 *
 * @param request the Service in the domain's terms: typed ports, traffic and family policies,
 *     parsed addresses; annotations as written (the domain parses them and names a bad one)
 * @param uid {@code metadata.uid} ("" when unknown), for events
 * @param hasStatus true when the object has a {@code status} (the status patch adds or replaces)
 * @param creationTimestamp RFC 3339 text as in the object ("" when unknown)
 * @param resourceVersion {@code metadata.resourceVersion} of the object read ("" when unknown): the
 *     status writer writes only onto that version, so a decision made on a stale read, or by a
 *     replica that no longer leads, cannot overwrite a newer one
 * @since 0.1
 */
public record ServiceSnapshot(
    ServiceRequest request,
    String uid,
    boolean hasStatus,
    String creationTimestamp,
    String resourceVersion) {

  /** The annotation the controller writes with the name of the pool an address came from. */
  public static final String POOL_ANNOTATION = "metallb.io/ip-allocated-from-pool";

  public ServiceSnapshot {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(creationTimestamp, "creationTimestamp");
    Objects.requireNonNull(resourceVersion, "resourceVersion");
  }

  /** A snapshot whose resourceVersion is not known: its writes are unconditional. */
  public ServiceSnapshot(
      ServiceRequest request, String uid, boolean hasStatus, String creationTimestamp) {
    this(request, uid, hasStatus, creationTimestamp, "");
  }

  public String namespace() {
    return request.key().namespace();
  }

  public String name() {
    return request.key().name();
  }

  /** {@code namespace/name}, the queue key. */
  public String key() {
    return request.key().toString();
  }

  public boolean isLoadBalancer() {
    return ServiceRequest.LOAD_BALANCER.equals(request.type());
  }

  public Map<String, String> annotations() {
    return request.annotations();
  }

  /** {@code status.loadBalancer.ingress[].ip} now, in order, the only persisted state. */
  public List<IpAddress> ingress() {
    return request.currentIngress();
  }

  /** The {@code metallb.io/ip-allocated-from-pool} annotation, if any. */
  public Optional<String> allocatedFromPool() {
    return Optional.ofNullable(request.annotations().get(POOL_ANNOTATION));
  }
}
