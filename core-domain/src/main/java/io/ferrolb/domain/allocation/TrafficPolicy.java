package io.ferrolb.domain.allocation;

/** {@code spec.externalTrafficPolicy}. */
public enum TrafficPolicy {
  CLUSTER,
  LOCAL
}
