package io.ferrolb.domain.announce;

import java.util.Objects;
import java.util.Optional;

/**
 * One endpoint of a service, from its EndpointSlices: the node it runs on (if known) and its
 * conditions. Kubernetes reads an unset {@code ready} as ready; a terminating endpoint may still be
 * {@code serving}.
 */
public record Endpoint(
    Optional<String> nodeName, Optional<Boolean> ready, Optional<Boolean> serving) {

  public Endpoint {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(ready, "ready");
    Objects.requireNonNull(serving, "serving");
  }

  public static Endpoint readyOn(String node) {
    return new Endpoint(Optional.of(node), Optional.of(true), Optional.of(true));
  }

  public static Endpoint notReadyOn(String node) {
    return new Endpoint(Optional.of(node), Optional.of(false), Optional.of(false));
  }

  /**
   * Serving as MetalLB counts it ({@code internal/k8s/epslices}): {@code ready} unset or true, or
   * {@code serving} true.
   */
  public boolean isServing() {
    return ready.orElse(true) || serving.orElse(false);
  }

  public boolean isServingOn(String node) {
    return isServing() && nodeName.map(node::equals).orElse(false);
  }
}
