package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.Pool;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolCapacityTest {

  @ParameterizedTest(name = "{0} avoidBuggy={1}: {2}")
  @CsvSource({
    "203.0.113.200-203.0.113.250, false, 51",
    "198.51.100.0/24, false, 256",
    "198.51.100.0/24, true, 254",
    "198.51.100.0/23, true, 508",
    "198.51.100.255-198.51.101.0, true, 0",
    "198.51.100.254-198.51.101.1, true, 2",
    "2001:db8::/64, true, 18446744073709551616",
    "0.0.0.0/1, true, 2130706432"
  })
  void countsUsableAddressesExactly(String range, boolean avoidBuggy, String expected) {
    IpRange r = IpRange.parse(range);
    assertThat(PoolCapacity.usable(r, avoidBuggy)).isEqualTo(new BigInteger(expected));
    // brute force where small enough
    if (r.size().compareTo(BigInteger.valueOf(4096)) <= 0) {
      long n = 0;
      for (var a = Optional.of(r.first());
          a.isPresent() && a.get().compareTo(r.last()) <= 0;
          a = a.get().next()) {
        if (!avoidBuggy || !a.get().isBuggyV4()) {
          n++;
        }
      }
      assertThat(BigInteger.valueOf(n)).isEqualTo(new BigInteger(expected));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"IPV4, 254", "IPV6, 256"})
  void countsPerFamily(IpFamily family, long expected) {
    Pool p =
        new Pool(
            "d",
            List.of(IpRange.parse("198.51.100.0/24"), IpRange.parse("2001:db8::/120")),
            true,
            true,
            Optional.empty(),
            Map.of());
    assertThat(PoolCapacity.of(p, family)).isEqualTo(BigInteger.valueOf(expected));
    assertThat(PoolCapacity.of(p)).isEqualTo(BigInteger.valueOf(510));
  }
}
