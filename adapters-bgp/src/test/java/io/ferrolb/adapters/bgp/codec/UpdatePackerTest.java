package io.ferrolb.adapters.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpdatePackerTest {
  private static final List<PathAttribute> COMMON =
      List.of(PathAttribute.Origin.IGP, PathAttribute.AsPath.sequence(64500));

  private static List<Cidr> v4(int n) {
    List<Cidr> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Cidr(IpAddress.v4(0xC6120000L + i), 32)); // 198.18.0.0/15
    }
    return out;
  }

  @Test
  void tenThousandIpv4PrefixesFitInFewFullUpdates() {
    List<Update> ups =
        UpdatePacker.announce(
            COMMON,
            AddressFamily.IPV4_UNICAST,
            IpAddress.parse("203.0.113.11"),
            Optional.empty(),
            v4(10_000),
            true);
    int total = 0;
    for (Update u : ups) {
      byte[] b = Wire.encode(u, true);
      assertThat(b.length).isLessThanOrEqualTo(4096);
      total += u.nlri().size();
      assertThat(Wire.decode(b, true)).isEqualTo(u);
    }
    assertThat(total).isEqualTo(10_000);
    // 5 octets per /32, about 4050 octets of room: 810 per UPDATE
    assertThat(ups).hasSize(13);
  }

  @Test
  void ipv6PrefixesGoInMpReachWithinTheSizeLimit() {
    List<Cidr> v6 = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      v6.add(new Cidr(IpAddress.v6(0x20010db800000000L, i), 128));
    }
    List<Update> ups =
        UpdatePacker.announce(
            COMMON,
            AddressFamily.IPV6_UNICAST,
            IpAddress.parse("2001:db8:77::11"),
            Optional.empty(),
            v6,
            true);
    int total = 0;
    for (Update u : ups) {
      assertThat(Wire.encode(u, true).length).isLessThanOrEqualTo(4096);
      total += u.attribute(PathAttribute.MpReach.class).orElseThrow().nlri().size();
    }
    assertThat(total).isEqualTo(1000);
    assertThat(ups).hasSize(5); // 17 octets per /128
  }

  @Test
  void withdrawalsAreBatched() {
    List<Update> ups = UpdatePacker.withdraw(AddressFamily.IPV4_UNICAST, v4(1000));
    assertThat(ups).hasSize(2);
    assertThat(ups.get(0).withdrawn().size() + ups.get(1).withdrawn().size()).isEqualTo(1000);
    for (Update u : ups) {
      assertThat(Wire.encode(u, true).length).isLessThanOrEqualTo(4096);
    }
  }
}
