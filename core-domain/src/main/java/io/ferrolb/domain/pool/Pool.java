package io.ferrolb.domain.pool;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An address pool after validation: its ranges in declaration order (CIDRs become ranges, and
 * allocation walks them in this order), whether it is used for automatic assignment, whether it
 * skips .0/.255 IPv4 addresses, and its optional service allocation policy. {@code labels} are the
 * IPAddressPool's labels, for advertisements' {@code ipAddressPoolSelectors}.
 */
public record Pool(
    String name,
    List<IpRange> ranges,
    boolean autoAssign,
    boolean avoidBuggyIps,
    Optional<ServiceAllocation> serviceAllocation,
    Map<String, String> labels) {

  public Pool {
    Objects.requireNonNull(name, "name");
    ranges = List.copyOf(ranges);
    Objects.requireNonNull(serviceAllocation, "serviceAllocation");
    labels = Map.copyOf(labels);
    if (ranges.isEmpty()) {
      throw new IllegalArgumentException(
          "pool \"" + name + "\": no addresses (expected: at least one)");
    }
  }

  /** A pool with defaults: auto-assign on, buggy IPs allowed, no allocation policy, no labels. */
  public static Pool of(String name, List<IpRange> ranges) {
    return new Pool(name, ranges, true, false, Optional.empty(), Map.of());
  }

  public boolean hasFamily(IpFamily family) {
    for (IpRange r : ranges) {
      if (r.family() == family) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code a} lies in one of the ranges (and is not a skipped buggy address). */
  public boolean contains(IpAddress a) {
    if (avoidBuggyIps && a.isBuggyV4()) {
      return false;
    }
    for (IpRange r : ranges) {
      if (r.contains(a)) {
        return true;
      }
    }
    return false;
  }
}
