package io.ferrolb.domain.allocation;

/**
 * Why a Service got no address. Each maps onto the MetalLB error behind its {@code
 * AllocationFailed} (or {@code LoadBalancerFailed} / {@code not enough clusterips}) event.
 */
public enum RejectionReason {
  /** Both {@code spec.loadBalancerIP} and {@code metallb.io/loadBalancerIPs}, or unparsable IPs. */
  INVALID_REQUESTED_IPS,
  /** RequireDualStack without two ClusterIPs. */
  NOT_ENOUGH_CLUSTER_IPS,
  /** ClusterIPs from which no family can be derived (two of one family, more than two). */
  INVALID_CLUSTER_IPS,
  /** Requested IP family differs from the ClusterIP family. */
  FAMILY_MISMATCH,
  /** Requested IP(s) in no pool (or a skipped .0/.255 of an avoidBuggyIPs pool). */
  IP_NOT_IN_ANY_POOL,
  /** Requested IP(s) in a pool other than the one named by {@code metallb.io/address-pool}. */
  IP_NOT_IN_REQUESTED_POOL,
  /** The pool's serviceAllocation does not admit the Service's namespace or labels. */
  POOL_NOT_ALLOWED,
  /** {@code metallb.io/address-pool} names no configured pool. */
  UNKNOWN_POOL,
  /** More than two requested addresses, or two of one family. */
  INVALID_ADDRESS_COUNT,
  /** The address is used by a Service that does not share it (keys or backends differ). */
  SHARING_KEY_MISMATCH,
  /** The address is shared but one of the Service's protocol/port pairs is taken on it. */
  PORT_CONFLICT,
  /** No candidate pool has a usable free (or shareable) address of the needed family. */
  POOL_EXHAUSTED
}
