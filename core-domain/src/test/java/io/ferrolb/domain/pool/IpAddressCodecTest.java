package io.ferrolb.domain.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressCodecTest {

  @ParameterizedTest(name = "\"{0}\" parses to {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // IPv4
        "0.0.0.0|0.0.0.0",
        "255.255.255.255|255.255.255.255",
        "10.0.0.1|10.0.0.1",
        "198.51.100.0|198.51.100.0",
        // IPv6, RFC 5952 canonical output
        "::|::",
        "0:0:0:0:0:0:0:0|::",
        "::0|::",
        "0:0:0:0:0:0:0:1|::1",
        "1::|1::",
        "FE80::1|fe80::1",
        "2001:DB8::ABCD|2001:db8::abcd",
        "2001:0db8:0000:0000:0000:0000:0000:0001|2001:db8::1",
        "2001:db8:0:0:1:0:0:1|2001:db8::1:0:0:1", // RFC 5952 §4.2.3: first of equal runs
        "2001:0:0:1:0:0:0:1|2001:0:0:1::1", // §4.2.3: the longest run
        "2001:db8:0:1:1:1:1:1|2001:db8:0:1:1:1:1:1", // §4.2.2: one 0 group is not compressed
        "1:2:3:4:5:6:7::|1:2:3:4:5:6:7:0", // "::" for one group is accepted on input
        "::1:2:3:4:5:6:7|0:1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8|1:2:3:4:5:6:7:8",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff|ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "2001:db8:0:0:0:0:2:1|2001:db8::2:1",
        // embedded dotted quad: accepted, printed in hex groups (no v4 tail)
        "::ffff:1.2.3.4|::ffff:102:304",
        "::1.2.3.4|::102:304",
        "1:2:3:4:5:6:1.2.3.4|1:2:3:4:5:6:102:304",
        "64:ff9b::198.51.100.7|64:ff9b::c633:6407",
      })
  void parsesAndPrintsCanonically(String text, String canonical) {
    IpAddress a = IpAddress.parse(text);

    assertThat(a.toString()).isEqualTo(canonical);
    assertThat(IpAddress.parse(canonical)).isEqualTo(a);
  }

  @ParameterizedTest(name = "rejects \"{0}\"")
  @ValueSource(
      strings = {
        "",
        " ",
        " 10.0.0.1",
        "10.0.0.1 ",
        "10.0.0.01", // leading zero: octal in some parsers
        "010.0.0.1",
        "00.0.0.0",
        "1.2.3.256",
        "256.0.0.0",
        "1.2.3",
        "1.2.3.4.5",
        "1..2.3",
        ".1.2.3",
        "1.2.3.",
        "-1.2.3.4",
        "+1.2.3.4",
        "0x1.2.3.4",
        "1.2.3.4/32",
        "\uFF11.2.3.4", // fullwidth digit one
        "localhost",
        "example.com",
        "fe80::1%eth0", // zones
        "fe80::1%1",
        "[::1]", // brackets
        "[2001:db8::1]:80",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6::1.2.3.4", // "::" would stand for zero groups
        "1:2:3:4:5:6:7:1.2.3.4",
        "::1::",
        "1::2::3",
        ":::",
        ":",
        ":1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:",
        "12345::",
        "00000::1",
        "g::1",
        "\u0661::", // Arabic-Indic digit one (Character.digit would accept it)
        "1.2.3.4::",
        "::ffff:1.2.3",
        "::ffff:01.2.3.4",
        "::ffff:1.2.3.256",
        "0000:0000:0000:0000:0000:ffff:255.255.255.255x",
      })
  void rejectsHostileText(String text) {
    assertThat(IpAddress.tryParse(text)).isEmpty();
    assertThatThrownBy(() -> IpAddress.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an IP address");
  }

  @Test
  void nullIsNotAnAddress() {
    assertThat(IpAddress.tryParse(null)).isEmpty();
  }

  @Test
  void bytesRoundTrip() {
    IpAddress v6 = IpAddress.parse("2001:db8::ff00:42:8329");
    assertThat(IpAddress.fromBytes(v6.toBytes())).isEqualTo(v6);
    assertThat(IpAddress.parse("198.51.100.7").toBytes())
        .containsExactly((byte) 198, (byte) 51, (byte) 100, (byte) 7);
    assertThatThrownBy(() -> IpAddress.fromBytes(new byte[5]))
        .hasMessage("address length: 5 bytes (expected: 4 or 16)");
  }

  @Test
  void nextAndPreviousCarryAcrossTheHalvesAndStopAtTheEnds() {
    assertThat(IpAddress.parse("::ffff:ffff:ffff:ffff").next())
        .contains(IpAddress.parse("0:0:0:1::"));
    assertThat(IpAddress.parse("0:0:0:1::").previous())
        .contains(IpAddress.parse("::ffff:ffff:ffff:ffff"));
    assertThat(IpAddress.parse("255.255.255.255").next()).isEmpty();
    assertThat(IpAddress.parse("0.0.0.0").previous()).isEmpty();
    assertThat(IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").next()).isEmpty();
    assertThat(IpAddress.parse("::").previous()).isEmpty();
  }

  @Test
  void buggyAddressesAreIpv4EndingInZeroOr255Only() {
    assertThat(IpAddress.parse("10.0.0.0").isBuggyV4()).isTrue();
    assertThat(IpAddress.parse("10.0.0.255").isBuggyV4()).isTrue();
    assertThat(IpAddress.parse("10.0.1.1").isBuggyV4()).isFalse();
    assertThat(IpAddress.parse("2001:db8::ff").isBuggyV4()).isFalse();
    assertThat(IpAddress.parse("2001:db8::").isBuggyV4()).isFalse();
  }

  @Test
  void ipv4SortsBeforeIpv6() {
    assertThat(IpAddress.parse("255.255.255.255")).isLessThan(IpAddress.parse("::"));
    assertThat(IpAddress.parse("8000::")).isGreaterThan(IpAddress.parse("7fff::"));
  }

  @Property
  void everyIpv6ValuePrintsTextThatTheJdkReadsBackToTheSameBytes(@ForAll long hi, @ForAll long lo)
      throws Exception {
    IpAddress a = IpAddress.v6(hi, lo);

    // InetAddress on a literal never resolves names
    assertThat(InetAddress.getByName(a.toString()).getAddress()).isEqualTo(a.toBytes());
    assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
    assertThat(a.toString()).doesNotContain(":::").isLowerCase();
  }

  @Property
  void everyIpv4ValueRoundTrips(@ForAll int value) {
    IpAddress a = IpAddress.v4(value & 0xFFFF_FFFFL);

    assertThat(IpAddress.parse(a.toString())).isEqualTo(a);
    assertThat(IpAddress.fromBigInteger(IpFamily.IPV4, a.toBigInteger())).isEqualTo(a);
  }

  @Property
  void ipv6BigIntegerRoundTrips(@ForAll long hi, @ForAll long lo) {
    IpAddress a = IpAddress.v6(hi, lo);
    BigInteger b = a.toBigInteger();

    assertThat(b.signum()).isGreaterThanOrEqualTo(0);
    assertThat(IpAddress.fromBigInteger(IpFamily.IPV6, b)).isEqualTo(a);
  }
}
