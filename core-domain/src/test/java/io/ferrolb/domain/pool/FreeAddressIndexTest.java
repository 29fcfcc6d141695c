package io.ferrolb.domain.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FreeAddressIndexTest {

  private static IpAddress ip(String s) {
    return IpAddress.parse(s);
  }

  @Test
  void handsOutTheLowestFreeAddressFirstIncludingTheNetworkAddress() {
    FreeAddressIndex idx = new FreeAddressIndex(IpRange.parse("10.0.0.0/30"), false);

    assertThat(idx.lowestFree()).contains(ip("10.0.0.0"));
    idx.markUsed(ip("10.0.0.0"));
    idx.markUsed(ip("10.0.0.2"));
    assertThat(idx.lowestFree()).contains(ip("10.0.0.1"));
    idx.markUsed(ip("10.0.0.1"));
    assertThat(idx.lowestFree()).contains(ip("10.0.0.3"));
    idx.markUsed(ip("10.0.0.3"));
    assertThat(idx.lowestFree()).isEmpty();
    assertThat(idx.runCount()).isEqualTo(1);
    idx.markFree(ip("10.0.0.1"));
    assertThat(idx.lowestFree()).contains(ip("10.0.0.1"));
    assertThat(idx.runCount()).isEqualTo(2);
    assertThat(idx.usedCount()).isEqualTo(3);
  }

  @Test
  void markingTwiceOrFreeingAFreeAddressChangesNothing() {
    FreeAddressIndex idx = new FreeAddressIndex(IpRange.parse("10.0.0.0/30"), false);

    assertThat(idx.markUsed(ip("10.0.0.1"))).isTrue();
    assertThat(idx.markUsed(ip("10.0.0.1"))).isFalse();
    assertThat(idx.markFree(ip("10.0.0.2"))).isFalse();
    assertThat(idx.usedCount()).isEqualTo(1);
  }

  @Test
  void avoidBuggyIpsSkipsDotZeroAndDot255AndJoinsRunsAcrossThem() {
    FreeAddressIndex idx = new FreeAddressIndex(IpRange.parse("10.0.0.254-10.0.1.2"), true);

    assertThat(idx.capacity()).isEqualTo(BigInteger.valueOf(3)); // .254, 1.1, 1.2
    assertThat(idx.lowestFree()).contains(ip("10.0.0.254"));
    idx.markUsed(ip("10.0.0.254"));
    assertThat(idx.lowestFree()).contains(ip("10.0.1.1"));
    idx.markUsed(ip("10.0.1.1"));
    assertThat(idx.runCount()).isEqualTo(1);
    assertThatThrownBy(() -> idx.markUsed(ip("10.0.1.0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not usable");
  }

  @Test
  void aRangeOfOnlyBuggyAddressesHasNothingToGive() {
    FreeAddressIndex idx = new FreeAddressIndex(IpRange.parse("10.0.0.255-10.0.1.0"), true);

    assertThat(idx.capacity()).isZero();
    assertThat(idx.lowestFree()).isEmpty();
  }

  @ParameterizedTest(name = "{0} avoidBuggy={1}: capacity {2}")
  @CsvSource({
    "10.0.0.0/24,true,254",
    "10.0.0.0/24,false,256",
    "10.0.0.0/16,true,65024", // 2 per /24 (MetalLB poolCount)
    "10.0.0.0/8,true,16646144",
    "10.0.0.0/31,true,1",
    "10.0.0.254/31,true,1",
    "10.0.0.4/30,true,4",
    "0.0.0.0/0,true,4261412864", // 2^32 - 2 * 2^24
    "2001:db8::/64,true,18446744073709551616", // avoidBuggyIPs never applies to IPv6
    "2001:db8::/48,false,1208925819614629174706176",
  })
  void capacityIsExact(String cidr, boolean avoidBuggy, String expected) {
    assertThat(new FreeAddressIndex(IpRange.parse(cidr), avoidBuggy).capacity())
        .isEqualTo(new BigInteger(expected));
  }

  @Test
  void aHugeIpv6RangeCostsOnlyItsRuns() {
    FreeAddressIndex idx = new FreeAddressIndex(IpRange.parse("2001:db8::/48"), false);
    for (int i = 0; i < 1000; i++) {
      idx.markUsed(idx.lowestFree().orElseThrow());
    }

    assertThat(idx.lowestFree()).contains(ip("2001:db8::3e8"));
    assertThat(idx.runCount()).isEqualTo(1);
  }

  @Test
  void theLastAddressOfTheFamilyCanBeUsedAndFreed() {
    FreeAddressIndex idx = new FreeAddressIndex(IpRange.parse("255.255.255.252/30"), false);
    List.of("255.255.255.252", "255.255.255.253", "255.255.255.254", "255.255.255.255")
        .forEach(s -> idx.markUsed(ip(s)));

    assertThat(idx.lowestFree()).isEmpty();
    idx.markFree(ip("255.255.255.255"));
    assertThat(idx.lowestFree()).contains(ip("255.255.255.255"));
  }

  /** Random mark/free sequences against a naive model: a sorted set of used offsets. */
  @Property(tries = 300)
  void agreesWithANaiveModel(
      @ForAll("ops") List<Integer> ops,
      @ForAll @IntRange(min = 0, max = 700) int startOffset,
      @ForAll boolean avoidBuggy) {
    long base = 0x0A00_0000L + startOffset;
    int size = 600;
    IpRange range = new IpRange(IpAddress.v4(base), IpAddress.v4(base + size - 1));
    FreeAddressIndex idx = new FreeAddressIndex(range, avoidBuggy);
    TreeSet<Long> used = new TreeSet<>();
    for (int op : ops) {
      long addr = base + Math.floorMod(op, size);
      IpAddress a = IpAddress.v4(addr);
      boolean usable = !(avoidBuggy && a.isBuggyV4());
      if (op >= 0) {
        if (!usable) {
          assertThatThrownBy(() -> idx.markUsed(a)).isInstanceOf(IllegalArgumentException.class);
          continue;
        }
        assertThat(idx.markUsed(a)).isEqualTo(used.add(addr));
      } else {
        assertThat(idx.markFree(a)).isEqualTo(used.remove(addr));
      }
      assertThat(idx.usedCount()).isEqualTo(used.size());
      assertThat(idx.lowestFree()).isEqualTo(naiveLowestFree(base, size, used, avoidBuggy));
      assertThat(idx.isUsed(a)).isEqualTo(used.contains(addr));
    }
    long usable = 0;
    for (long x = base; x < base + size; x++) {
      usable += avoidBuggy && IpAddress.v4(x).isBuggyV4() ? 0 : 1;
    }
    assertThat(idx.capacity()).isEqualTo(BigInteger.valueOf(usable));
  }

  private static Optional<IpAddress> naiveLowestFree(
      long base, int size, TreeSet<Long> used, boolean avoidBuggy) {
    for (long x = base; x < base + size; x++) {
      if (!used.contains(x) && !(avoidBuggy && IpAddress.v4(x).isBuggyV4())) {
        return Optional.of(IpAddress.v4(x));
      }
    }
    return Optional.empty();
  }

  @Provide
  Arbitrary<List<Integer>> ops() {
    // mostly marks (non-negative) with some frees; small value space so collisions happen
    return Arbitraries.oneOf(
            Arbitraries.integers().between(0, 80),
            Arbitraries.integers().between(0, 599),
            Arbitraries.integers().between(-80, -1))
        .list()
        .ofMaxSize(400);
  }
}
