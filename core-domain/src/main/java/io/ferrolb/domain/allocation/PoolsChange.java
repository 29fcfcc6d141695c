package io.ferrolb.domain.allocation;

import java.util.Set;

/** What {@link Allocator#setPools} did: the Services whose addresses left every pool. */
public record PoolsChange(Set<ServiceKey> lostAddresses) {

  public PoolsChange {
    lostAddresses = Set.copyOf(lostAddresses);
  }
}
