package io.ferrolb.domain.allocation;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What decides whether two Services may share an address (MetalLB: {@code k8salloc.go}, {@code
 * sharingOK}): the {@code allow-shared-ip} key, and the backend key, which is the pod selector
 * rendered as {@code k1=v1,k2=v2} (keys sorted) when {@code externalTrafficPolicy} is Local, and
 * empty when it is Cluster (so Local and Cluster never share).
 */
record SharingKey(String sharing, String backend) {

  static final SharingKey NONE = new SharingKey("", "");

  SharingKey {
    Objects.requireNonNull(sharing, "sharing");
    Objects.requireNonNull(backend, "backend");
  }

  static SharingKey of(String sharing, TrafficPolicy policy, Map<String, String> selector) {
    if (sharing.isEmpty() && policy == TrafficPolicy.CLUSTER) {
      return NONE;
    }
    return new SharingKey(sharing, policy == TrafficPolicy.LOCAL ? selectorString(selector) : "");
  }

  /** Kubernetes' {@code labels.Set.String()}: sorted {@code k=v} joined by commas. */
  static String selectorString(Map<String, String> selector) {
    if (selector.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(selector).entrySet()) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }

  /** True when the Service is willing to share at all (non-empty key). */
  boolean shares() {
    return !sharing.isEmpty();
  }

  /** MetalLB's {@code AllocationKey}: backend key followed by sharing key. */
  String allocationKey() {
    return backend + sharing;
  }

  /** MetalLB's {@code sharingOK}: empty when {@code next} may join {@code this}' address. */
  String incompatibility(SharingKey next) {
    if (sharing.isEmpty()) {
      return "existing service does not allow sharing";
    }
    if (next.sharing.isEmpty()) {
      return "new service does not allow sharing";
    }
    if (!sharing.equals(next.sharing)) {
      return "sharing key \""
          + next.sharing
          + "\" does not match existing sharing key \""
          + sharing
          + "\"";
    }
    if (!backend.equals(next.backend)) {
      return "backend key \""
          + next.backend
          + "\" does not match existing sharing key \""
          + backend
          + "\"";
    }
    return "";
  }
}
