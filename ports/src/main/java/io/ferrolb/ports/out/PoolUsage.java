package io.ferrolb.ports.out;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Address counts of one pool, exact (IPv6 pools can exceed {@code long}), and how many Services
 * hold addresses from it.
 *
 * @since 0.1
 */
public record PoolUsage(
    String pool,
    BigInteger assignedV4,
    BigInteger assignedV6,
    BigInteger availableV4,
    BigInteger availableV6,
    long services) {
  public PoolUsage {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(assignedV4, "assignedV4");
    Objects.requireNonNull(assignedV6, "assignedV6");
    Objects.requireNonNull(availableV4, "availableV4");
    Objects.requireNonNull(availableV6, "availableV6");
  }
}
