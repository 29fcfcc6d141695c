package io.ferrolb.domain.announce;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.allocation.ServiceRequest;
import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the speaker knows of a LoadBalancer service: its addresses (status.loadBalancer.ingress,
 * written by the controller), labels, annotations, traffic policy and endpoints.
 */
public record ServiceState(
    ServiceKey key,
    List<IpAddress> ingress,
    Map<String, String> labels,
    Map<String, String> annotations,
    TrafficPolicy externalTrafficPolicy,
    List<Endpoint> endpoints) {

  static final String SHARED_IP = "metallb.io/allow-shared-ip";
  static final String SHARED_IP_DEPRECATED = "metallb.universe.tf/allow-shared-ip";

  public ServiceState {
    Objects.requireNonNull(key, "key");
    ingress = List.copyOf(ingress);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(externalTrafficPolicy, "externalTrafficPolicy");
    endpoints = List.copyOf(endpoints);
  }

  /**
   * What the speaker knows of the Service the controller reads as {@code request}: the same
   * translation of the Kubernetes object, plus its endpoints.
   */
  public static ServiceState of(ServiceRequest request, List<Endpoint> endpoints) {
    return new ServiceState(
        request.key(),
        request.currentIngress(),
        request.labels(),
        request.annotations(),
        request.externalTrafficPolicy(),
        endpoints);
  }

  public boolean hasServingEndpoint() {
    return endpoints.stream().anyMatch(Endpoint::isServing);
  }

  public boolean hasServingEndpointOn(String node) {
    return endpoints.stream().anyMatch(e -> e.isServingOn(node));
  }

  /** True when the service carries a non-empty IP-sharing key. */
  public boolean sharesIp() {
    String key = annotations.getOrDefault(SHARED_IP, annotations.get(SHARED_IP_DEPRECATED));
    return key != null && !key.isBlank();
  }
}
