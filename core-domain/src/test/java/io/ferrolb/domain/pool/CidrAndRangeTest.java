package io.ferrolb.domain.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrAndRangeTest {

  @ParameterizedTest(name = "\"{0}\" is {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.0/24|10.0.0.0/24",
        "10.0.0.5/24|10.0.0.0/24", // host bits cleared like Go's net.ParseCIDR
        "0.0.0.0/0|0.0.0.0/0",
        "255.255.255.255/32|255.255.255.255/32",
        "2001:DB8::1/64|2001:db8::/64",
        "::/0|::/0",
        "2001:db8::1/128|2001:db8::1/128",
      })
  void parsesCidrs(String text, String canonical) {
    assertThat(Cidr.parse(text).toString()).isEqualTo(canonical);
  }

  @ParameterizedTest(name = "\"{0}\": {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.0/33|invalid prefix length 33 (expected: 0..32)",
        "2001:db8::/129|invalid prefix length 129 (expected: 0..128)",
        "10.0.0.0/024|invalid prefix length \"024\" (expected: 0..32)",
        "10.0.0.0/|invalid prefix length \"\" (expected: 0..32)",
        "10.0.0.0/-1|invalid prefix length \"-1\" (expected: 0..32)",
        "10.0.0.0/ 24|invalid prefix length \" 24\" (expected: 0..32)",
        "10.0.0.0/2a|invalid prefix length \"2a\" (expected: 0..32)",
        "10.0.0.0|missing prefix length (expected: address/length)",
        "10.0.0.256/24|invalid address \"10.0.0.256\" (expected: IPv4 or IPv6)",
        "/24|invalid address \"\" (expected: IPv4 or IPv6)",
        "fe80::%eth0/64|invalid address \"fe80::%eth0\" (expected: IPv4 or IPv6)",
      })
  void rejectsBadCidrsSayingWhatWasExpected(String text, String message) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void cidrSizeIsExactFor128Bits() {
    assertThat(Cidr.parse("::/0").size()).isEqualTo(BigInteger.ONE.shiftLeft(128));
    assertThat(Cidr.parse("2001:db8::/48").size()).isEqualTo(BigInteger.ONE.shiftLeft(80));
    assertThat(Cidr.parse("10.0.0.0/8").size()).isEqualTo(BigInteger.valueOf(1 << 24));
  }

  @ParameterizedTest(name = "\"{0}\" is {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.1-10.0.0.5|10.0.0.1-10.0.0.5",
        "10.0.0.1 - 10.0.0.5|10.0.0.1-10.0.0.5",
        " 10.0.0.0/30 |10.0.0.0-10.0.0.3",
        "10.0.0.7-10.0.0.7|10.0.0.7",
        "2001:db8::1-2001:db8::ff|2001:db8::1-2001:db8::ff",
        "2001:db8::/126|2001:db8::-2001:db8::3",
      })
  void parsesRangesAndCidrs(String text, String expected) {
    assertThat(IpRange.parse(text).toString()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "\"{0}\": {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.5-10.0.0.1|range 10.0.0.5-10.0.0.1: start is after end (expected: start <= end)",
        "10.0.0.1-2001:db8::1|range 10.0.0.1-2001:db8::1: mixes IPv4 and IPv6 (expected: one family)",
        "10.0.0.1-|invalid range end \"\" (expected: an IP address)",
        "-10.0.0.1|invalid range start \"\" (expected: an IP address)",
        "10.0.0.1--10.0.0.2|invalid range end \"-10.0.0.2\" (expected: an IP address)",
        "10.0.0.1|not a CIDR or range (expected: a.b.c.d/n, x::/n or start-end)",
        "''|not a CIDR or range (expected: a.b.c.d/n, x::/n or start-end)",
      })
  void rejectsBadRanges(String text, String message) {
    assertThatThrownBy(() -> IpRange.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.1-10.0.0.6|10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32",
        "10.0.0.0-10.0.0.255|10.0.0.0/24",
        "10.0.0.255-10.0.1.0|10.0.0.255/32 10.0.1.0/32",
        "0.0.0.0-255.255.255.255|0.0.0.0/0",
        "0.0.0.0-0.0.0.0|0.0.0.0/32",
        "255.255.255.254-255.255.255.255|255.255.255.254/31",
        "10.0.0.0-10.0.2.255|10.0.0.0/23 10.0.2.0/24",
        "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff|::/0",
        "2001:db8::1-2001:db8::6|2001:db8::1/128 2001:db8::2/127 2001:db8::4/127 2001:db8::6/128",
        "::ffff:ffff:ffff:ffff-0:0:0:1::|::ffff:ffff:ffff:ffff/128 0:0:0:1::/128",
      })
  void toCidrsCoversExactlyWithTheFewestPrefixes(String range, String cidrs) {
    List<Cidr> out = IpRange.parse(range).toCidrs();

    assertThat(String.join(" ", out.stream().map(Cidr::toString).toList())).isEqualTo(cidrs);
    BigInteger total = out.stream().map(Cidr::size).reduce(BigInteger.ZERO, BigInteger::add);
    assertThat(total).isEqualTo(IpRange.parse(range).size());
  }

  @Test
  void rangeContainsAndOverlaps() {
    IpRange r = IpRange.parse("10.0.0.10-10.0.0.20");

    assertThat(r.contains(IpAddress.parse("10.0.0.10"))).isTrue();
    assertThat(r.contains(IpAddress.parse("10.0.0.21"))).isFalse();
    assertThat(r.contains(IpAddress.parse("::a"))).isFalse();
    assertThat(r.overlaps(IpRange.parse("10.0.0.20-10.0.0.30"))).isTrue();
    assertThat(r.overlaps(IpRange.parse("10.0.0.21-10.0.0.30"))).isFalse();
    assertThat(r.size()).isEqualTo(BigInteger.valueOf(11));
  }
}
