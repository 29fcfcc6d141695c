package io.ferrolb.adapters.bgp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.codec.Community;
import io.ferrolb.adapters.bgp.rib.Route;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NextHopsTest {
  private static final IpAddress NEXT_HOP = IpAddress.parse("198.51.100.2");

  private final NextHops nextHops =
      new NextHops(
          BgpSessionConfig.of(
                  64500, 64501, IpAddress.parse("198.51.100.1"), IpAddress.parse("198.51.100.2"))
              .withIpv4NextHop(NEXT_HOP));

  @Test
  void prefixesWithTheSameAttributesShareOneRoute() {
    Community c = Community.NO_EXPORT;
    Map<Cidr, Route> routes =
        nextHops.resolve(
            List.of(
                Advertisement.of(Cidr.parse("203.0.113.1/32")),
                Advertisement.of(Cidr.parse("203.0.113.2/32")),
                Advertisement.of(Cidr.parse("203.0.113.3/32")).withCommunities(Set.of(c))),
            Set.of(AddressFamily.unicast(IpFamily.IPV4)),
            Optional.empty());

    Route one = routes.get(Cidr.parse("203.0.113.1/32"));
    assertThat(routes.get(Cidr.parse("203.0.113.2/32"))).isSameAs(one);
    assertThat(one.nextHop()).isEqualTo(NEXT_HOP);
    assertThat(one.communities()).isEmpty();
    assertThat(routes.get(Cidr.parse("203.0.113.3/32")).communities()).containsExactly(c);
  }
}
