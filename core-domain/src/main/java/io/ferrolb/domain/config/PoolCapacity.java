package io.ferrolb.domain.config;

import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.Pool;
import java.math.BigInteger;

/** Exact address counts of pools, per family, honouring {@code avoidBuggyIPs}. */
public final class PoolCapacity {

  private static final BigInteger B256 = BigInteger.valueOf(256);

  private PoolCapacity() {}

  /** Addresses of {@code family} the pool can hand out. */
  public static BigInteger of(Pool pool, IpFamily family) {
    BigInteger n = BigInteger.ZERO;
    for (IpRange r : pool.ranges()) {
      if (r.family() == family) {
        n = n.add(usable(r, pool.avoidBuggyIps()));
      }
    }
    return n;
  }

  /** Addresses of the pool in both families. */
  public static BigInteger of(Pool pool) {
    return of(pool, IpFamily.IPV4).add(of(pool, IpFamily.IPV6));
  }

  /** Addresses of {@code range}, without those ending in .0 or .255 when {@code avoidBuggy}. */
  public static BigInteger usable(IpRange range, boolean avoidBuggy) {
    BigInteger size = range.size();
    if (!avoidBuggy || range.family() != IpFamily.IPV4) {
      return size;
    }
    BigInteger a = range.first().toBigInteger();
    BigInteger b = range.last().toBigInteger();
    return size.subtract(countResidue(a, b, 0)).subtract(countResidue(a, b, 255));
  }

  /** How many n in [a, b] have n mod 256 == k. */
  private static BigInteger countResidue(BigInteger a, BigInteger b, int k) {
    BigInteger kk = BigInteger.valueOf(k);
    // floor((b - k) / 256) - floor((a - 1 - k) / 256), with floor division
    return floorDiv(b.subtract(kk)).subtract(floorDiv(a.subtract(BigInteger.ONE).subtract(kk)));
  }

  private static BigInteger floorDiv(BigInteger x) {
    BigInteger[] qr = x.divideAndRemainder(B256);
    return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }
}
