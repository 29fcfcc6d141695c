package io.ferrolb.domain.allocation;

/** {@code spec.ipFamilyPolicy}; Kubernetes' default (absent) is {@link #SINGLE_STACK}. */
public enum IpFamilyPolicy {
  SINGLE_STACK,
  PREFER_DUAL_STACK,
  REQUIRE_DUAL_STACK
}
