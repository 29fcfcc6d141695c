package io.ferrolb.domain.allocation;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Exact (128-bit, never saturated) capacity and in-use counts of one pool per family. Capacity
 * excludes .0/.255 IPv4 addresses when the pool avoids buggy IPs; an address shared by several
 * Services counts once.
 */
public record PoolStats(
    String pool,
    BigInteger capacityV4,
    BigInteger capacityV6,
    BigInteger inUseV4,
    BigInteger inUseV6) {

  public PoolStats {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(capacityV4, "capacityV4");
    Objects.requireNonNull(capacityV6, "capacityV6");
    Objects.requireNonNull(inUseV4, "inUseV4");
    Objects.requireNonNull(inUseV6, "inUseV6");
  }

  public BigInteger availableV4() {
    return capacityV4.subtract(inUseV4);
  }

  public BigInteger availableV6() {
    return capacityV6.subtract(inUseV6);
  }
}
