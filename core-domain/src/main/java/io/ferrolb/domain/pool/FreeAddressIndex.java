package io.ferrolb.domain.pool;

import java.math.BigInteger;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The used addresses of one {@link IpRange}, kept as maximal runs of consecutive used addresses so
 * that the lowest free address is found in O(1) and marking an address used or free costs O(log n)
 * in the number of runs. Memory is proportional to the number of runs (at most the number of used
 * addresses), never to the size of the range: an IPv6 /48 costs what a /30 costs.
 *
 * <p>With {@code avoidBuggyIps} (IPv4 only), addresses ending in .0 or .255 are not part of the
 * usable space at all: they are never returned, cannot be marked, are excluded from {@link
 * #capacity()}, and two runs separated only by buggy addresses are one run (MetalLB: {@code
 * ipConfusesBuggyFirmwares}).
 */
public final class FreeAddressIndex {

  private final IpRange range;
  private final boolean skipBuggy;
  private final Optional<IpAddress> firstUsable;
  private final Optional<IpAddress> lastUsable;
  private final BigInteger capacity;
  // run start -> run end (inclusive); runs are disjoint, maximal, and hold usable addresses only
  private final TreeMap<IpAddress, IpAddress> runs = new TreeMap<>();
  private long used;

  public FreeAddressIndex(IpRange range, boolean avoidBuggyIps) {
    this.range = Objects.requireNonNull(range, "range");
    this.skipBuggy = avoidBuggyIps && range.family() == IpFamily.IPV4;
    this.firstUsable = usableAtOrAfter(range.first());
    this.lastUsable = usableAtOrBefore(range.last());
    this.capacity = usableCount(range, skipBuggy);
  }

  /**
   * The number of addresses of {@code range} that can be handed out: its size, minus the IPv4
   * addresses ending in .0 or .255 when {@code avoidBuggyIps}. Exact for any range (128-bit).
   */
  public static BigInteger usableCount(IpRange range, boolean avoidBuggyIps) {
    BigInteger size = range.size();
    if (!avoidBuggyIps || range.family() != IpFamily.IPV4) {
      return size;
    }
    long a = range.first().lo();
    long b = range.last().lo();
    long buggy = countCongruent(a, b, 0) + countCongruent(a, b, 255);
    return size.subtract(BigInteger.valueOf(buggy));
  }

  /** Count of x in [a, b] with x mod 256 == r (a, b non-negative, 32-bit values). */
  private static long countCongruent(long a, long b, long r) {
    return Math.floorDiv(b - r, 256) - Math.floorDiv(a - 1 - r, 256);
  }

  public IpRange range() {
    return range;
  }

  /** True when the index skips .0/.255 IPv4 addresses. */
  public boolean skipsBuggy() {
    return skipBuggy;
  }

  /** Addresses that can be handed out (see {@link #usableCount}). */
  public BigInteger capacity() {
    return capacity;
  }

  /** Addresses currently marked used. */
  public long usedCount() {
    return used;
  }

  /** Number of runs of consecutive used addresses (the memory this index costs). */
  public int runCount() {
    return runs.size();
  }

  /** True when {@code a} lies in the range and is not a skipped buggy address. */
  public boolean isUsable(IpAddress a) {
    return range.contains(a) && !(skipBuggy && a.isBuggyV4());
  }

  public boolean isUsed(IpAddress a) {
    Map.Entry<IpAddress, IpAddress> e = runs.floorEntry(a);
    return e != null && e.getValue().compareTo(a) >= 0;
  }

  /** The lowest usable address that is not used, empty when the range is full. O(1). */
  public Optional<IpAddress> lowestFree() {
    if (firstUsable.isEmpty()) {
      return Optional.empty();
    }
    IpAddress first = firstUsable.get();
    Map.Entry<IpAddress, IpAddress> head = runs.firstEntry();
    if (head == null || !head.getKey().equals(first)) {
      return firstUsable;
    }
    // runs are maximal, so the successor of the first run's end is free (or past the range)
    return succ(head.getValue());
  }

  /**
   * Marks {@code a} used.
   *
   * @return false when it already was
   * @throws IllegalArgumentException when {@code a} is outside the range or a skipped buggy address
   */
  public boolean markUsed(IpAddress a) {
    requireUsable(a);
    Map.Entry<IpAddress, IpAddress> left = runs.floorEntry(a);
    if (left != null && left.getValue().compareTo(a) >= 0) {
      return false;
    }
    Map.Entry<IpAddress, IpAddress> right = runs.higherEntry(a);
    boolean joinsLeft = left != null && succ(left.getValue()).map(a::equals).orElse(false);
    boolean joinsRight = right != null && succ(a).map(right.getKey()::equals).orElse(false);
    if (joinsLeft && joinsRight) {
      runs.remove(right.getKey());
      runs.put(left.getKey(), right.getValue());
    } else if (joinsLeft) {
      runs.put(left.getKey(), a);
    } else if (joinsRight) {
      runs.remove(right.getKey());
      runs.put(a, right.getValue());
    } else {
      runs.put(a, a);
    }
    used++;
    return true;
  }

  /**
   * Marks {@code a} free.
   *
   * @return false when it was not used
   */
  public boolean markFree(IpAddress a) {
    Map.Entry<IpAddress, IpAddress> run = runs.floorEntry(a);
    if (run == null || run.getValue().compareTo(a) < 0) {
      return false;
    }
    IpAddress start = run.getKey();
    IpAddress end = run.getValue();
    runs.remove(start);
    if (!start.equals(a)) {
      runs.put(start, pred(a).orElseThrow());
    }
    if (!end.equals(a)) {
      runs.put(succ(a).orElseThrow(), end);
    }
    used--;
    return true;
  }

  private void requireUsable(IpAddress a) {
    if (!isUsable(a)) {
      throw new IllegalArgumentException(
          "address "
              + a
              + ": not usable in range "
              + range
              + (skipBuggy ? " (expected: inside the range, not ending in .0 or .255)" : ""));
    }
  }

  /** The next usable address after {@code a} within the range. */
  private Optional<IpAddress> succ(IpAddress a) {
    Optional<IpAddress> n = a.next();
    while (skipBuggy && n.isPresent() && n.get().isBuggyV4()) {
      n = n.get().next();
    }
    return n.filter(x -> lastUsable.isPresent() && x.compareTo(lastUsable.get()) <= 0);
  }

  /** The previous usable address before {@code a} within the range. */
  private Optional<IpAddress> pred(IpAddress a) {
    Optional<IpAddress> p = a.previous();
    while (skipBuggy && p.isPresent() && p.get().isBuggyV4()) {
      p = p.get().previous();
    }
    return p.filter(x -> firstUsable.isPresent() && x.compareTo(firstUsable.get()) >= 0);
  }

  private Optional<IpAddress> usableAtOrAfter(IpAddress a) {
    Optional<IpAddress> n = Optional.of(a);
    while (skipBuggy && n.isPresent() && n.get().isBuggyV4()) {
      n = n.get().next();
    }
    return n.filter(range::contains);
  }

  private Optional<IpAddress> usableAtOrBefore(IpAddress a) {
    Optional<IpAddress> p = Optional.of(a);
    while (skipBuggy && p.isPresent() && p.get().isBuggyV4()) {
      p = p.get().previous();
    }
    return p.filter(range::contains);
  }
}
