package io.ferrolb.domain.allocation;

import io.ferrolb.domain.pool.FreeAddressIndex;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.Pool;
import io.ferrolb.domain.pool.ServiceAllocation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@link Allocator}'s state of one pool: its per-range free indexes, exact counts and sharing
 * groups.
 */
final class PoolState {
  final Pool pool;
  final int order;
  final List<FreeAddressIndex> v4 = new ArrayList<>();
  final List<FreeAddressIndex> v6 = new ArrayList<>();
  final BigInteger capacityV4;
  final BigInteger capacityV6;
  long inUseV4;
  long inUseV6;
  // addresses of this pool held by Services with a non-empty sharing key, by key
  final Map<SharingKey, TreeSet<IpAddress>> shared = new HashMap<>();

  PoolState(Pool pool, int order) {
    this.pool = pool;
    this.order = order;
    for (IpRange r : pool.ranges()) {
      (r.family() == IpFamily.IPV4 ? v4 : v6).add(new FreeAddressIndex(r, pool.avoidBuggyIps()));
    }
    capacityV4 = unionCapacity(v4, pool.avoidBuggyIps());
    capacityV6 = unionCapacity(v6, pool.avoidBuggyIps());
  }

  /** Capacity of the union of the ranges (overlapping ranges count once). */
  private static BigInteger unionCapacity(List<FreeAddressIndex> idx, boolean avoidBuggy) {
    List<IpRange> sorted = idx.stream().map(FreeAddressIndex::range).sorted().toList();
    BigInteger total = BigInteger.ZERO;
    IpRange cur = null;
    for (IpRange r : sorted) {
      if (cur != null && r.first().compareTo(cur.last()) <= 0) {
        if (r.last().compareTo(cur.last()) > 0) {
          cur = new IpRange(cur.first(), r.last());
        }
        continue;
      }
      if (cur != null) {
        total = total.add(FreeAddressIndex.usableCount(cur, avoidBuggy));
      }
      cur = r;
    }
    if (cur != null) {
      total = total.add(FreeAddressIndex.usableCount(cur, avoidBuggy));
    }
    return total;
  }

  int priorityRank() {
    int p = pool.serviceAllocation().map(ServiceAllocation::priority).orElse(0);
    return p == 0 ? Integer.MAX_VALUE : p;
  }

  List<FreeAddressIndex> ranges(IpFamily f) {
    return f == IpFamily.IPV4 ? v4 : v6;
  }

  boolean hasFamily(IpFamily f) {
    return !ranges(f).isEmpty();
  }

  void markUsed(IpAddress ip) {
    for (FreeAddressIndex idx : ranges(ip.family())) {
      if (idx.isUsable(ip)) {
        idx.markUsed(ip);
      }
    }
    if (ip.isV4()) {
      inUseV4++;
    } else {
      inUseV6++;
    }
  }

  void markFree(IpAddress ip) {
    for (FreeAddressIndex idx : ranges(ip.family())) {
      if (idx.isUsable(ip)) {
        idx.markFree(ip);
      }
    }
    if (ip.isV4()) {
      inUseV4--;
    } else {
      inUseV6--;
    }
  }
}
