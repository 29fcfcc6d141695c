package io.ferrolb.adapters.bgp.rib;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.codec.BgpMessageCodec;
import io.ferrolb.adapters.bgp.codec.Community;
import io.ferrolb.adapters.bgp.codec.Hex;
import io.ferrolb.adapters.bgp.codec.Update;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Adj-RIB-Out diff as a table: (sent, wanted) → the UPDATEs on the wire. */
class RouteDiffTest {
  private static final RouteDiff.Export EBGP = new RouteDiff.Export(64500, false, true);
  private static final RouteDiff.Export IBGP = new RouteDiff.Export(64500, true, true);
  private static final Cidr VIP1 = Cidr.parse("198.51.100.10/32");
  private static final Cidr VIP2 = Cidr.parse("198.51.100.11/32");
  private static final Cidr VIP6 = Cidr.parse("2001:db8:100::10/128");
  private static final Route PLAIN = v4(List.of(), Optional.empty());
  private static final Route TAGGED = v4(List.of(Community.parse("64500:100")), Optional.empty());
  private static final Route PLAIN6 =
      new Route(
          IpFamily.IPV6,
          List.of(),
          List.of(),
          Optional.empty(),
          IpAddress.parse("2001:db8:77::11"),
          Optional.empty());

  private static Route v4(List<Community> communities, Optional<Long> localPref) {
    return new Route(
        IpFamily.IPV4,
        communities,
        List.of(),
        localPref,
        IpAddress.parse("203.0.113.11"),
        Optional.empty());
  }

  /** An ordered map, so the groups' order is the table's. */
  private static Map<Cidr, Route> rib(Object... prefixThenRoute) {
    Map<Cidr, Route> m = new LinkedHashMap<>();
    for (int i = 0; i < prefixThenRoute.length; i += 2) {
      m.put((Cidr) prefixThenRoute[i], (Route) prefixThenRoute[i + 1]);
    }
    return m;
  }

  private static final String WITHDRAW_VIP1 =
      """
      ffffffff ffffffff ffffffff ffffffff // marker
      001c                                // length 28
      02                                  // UPDATE
      0005                                // withdrawn routes 5 octets
      20 c633640a                         //   198.51.100.10/32
      0000                                // no path attributes
      """;

  private static final String ANNOUNCE_VIP1_VIP2_EBGP =
      """
      ffffffff ffffffff ffffffff ffffffff // marker
      0035                                // length 53
      02                                  // UPDATE
      0000                                // no withdrawn routes
      0014                                // path attributes 20 octets
      40 01 01 00                         // ORIGIN IGP
      40 02 06 02 01 0000fbf4             // AS_PATH sequence [64500], 4-octet
      40 03 04 cb00710b                   // NEXT_HOP 203.0.113.11
      20 c633640a                         // NLRI 198.51.100.10/32
      20 c633640b                         // NLRI 198.51.100.11/32
      """;

  static List<Arguments> table() {
    return List.of(
        Arguments.of("nothing sent, nothing wanted: silence", rib(), rib(), EBGP, List.of()),
        Arguments.of(
            "same route already sent: silence",
            rib(VIP1, PLAIN),
            rib(VIP1, PLAIN),
            EBGP,
            List.of()),
        Arguments.of(
            "two prefixes with equal attributes: one UPDATE, prefixes sorted",
            rib(),
            rib(VIP2, PLAIN, VIP1, PLAIN),
            EBGP,
            List.of(ANNOUNCE_VIP1_VIP2_EBGP)),
        Arguments.of(
            "a prefix left the set: withdrawn, the other not resent",
            rib(VIP1, PLAIN, VIP2, PLAIN),
            rib(VIP2, PLAIN),
            EBGP,
            List.of(WITHDRAW_VIP1)),
        Arguments.of(
            "iBGP: empty AS_PATH and LOCAL_PREF 100 by default",
            rib(),
            rib(VIP1, PLAIN),
            IBGP,
            List.of(
                """
                ffffffff ffffffff ffffffff ffffffff // marker
                0031                                // length 49
                02                                  // UPDATE
                0000                                // no withdrawn routes
                0015                                // path attributes 21 octets
                40 01 01 00                         // ORIGIN IGP
                40 02 00                            // AS_PATH empty (iBGP)
                40 03 04 cb00710b                   // NEXT_HOP 203.0.113.11
                40 05 04 00000064                   // LOCAL_PREF 100
                20 c633640a                         // NLRI 198.51.100.10/32
                """)),
        Arguments.of(
            "attributes changed: re-announced with the new ones, no withdrawal first",
            rib(VIP1, PLAIN),
            rib(VIP1, TAGGED),
            EBGP,
            List.of(
                """
                ffffffff ffffffff ffffffff ffffffff // marker
                0037                                // length 55
                02                                  // UPDATE
                0000                                // no withdrawn routes
                001b                                // path attributes 27 octets
                40 01 01 00                         // ORIGIN IGP
                40 02 06 02 01 0000fbf4             // AS_PATH sequence [64500], 4-octet
                40 03 04 cb00710b                   // NEXT_HOP 203.0.113.11
                c0 08 04 fbf40064                   // COMMUNITIES 64500:100
                20 c633640a                         // NLRI 198.51.100.10/32
                """)),
        Arguments.of(
            "withdrawals before announcements; IPv6 in MP_UNREACH_NLRI",
            rib(VIP6, PLAIN6),
            rib(VIP1, PLAIN),
            EBGP,
            List.of(
                """
                ffffffff ffffffff ffffffff ffffffff // marker
                002e                                // length 46
                02                                  // UPDATE
                0000                                // no withdrawn routes
                0017                                // path attributes 23 octets
                80 0f 14                            // MP_UNREACH_NLRI, 20 octets
                   0002 01                          //   AFI IPv6, SAFI unicast
                   80 20010db8010000000000000000000010 // 2001:db8:100::10/128
                """,
                """
                ffffffff ffffffff ffffffff ffffffff // marker
                0030                                // length 48
                02                                  // UPDATE
                0000                                // no withdrawn routes
                0014                                // path attributes 20 octets
                40 01 01 00                         // ORIGIN IGP
                40 02 06 02 01 0000fbf4             // AS_PATH sequence [64500], 4-octet
                40 03 04 cb00710b                   // NEXT_HOP 203.0.113.11
                20 c633640a                         // NLRI 198.51.100.10/32
                """)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void diff(
      String name,
      Map<Cidr, Route> sent,
      Map<Cidr, Route> wanted,
      RouteDiff.Export export,
      List<String> expected) {
    List<String> wire =
        RouteDiff.diff(sent, wanted, export).stream().map(u -> hex(u, export)).toList();
    assertThat(wire).containsExactlyElementsOf(expected.stream().map(RouteDiffTest::norm).toList());
  }

  @Test
  void routeRefreshResendsOnlyThatFamily() {
    Map<Cidr, Route> sent = rib(VIP2, PLAIN, VIP1, PLAIN, VIP6, PLAIN6);
    List<Update> ups = RouteDiff.resend(sent, AddressFamily.IPV4_UNICAST, EBGP);
    assertThat(ups.stream().map(u -> hex(u, EBGP)).toList())
        .containsExactly(norm(ANNOUNCE_VIP1_VIP2_EBGP));
  }

  private static String hex(Update u, RouteDiff.Export export) {
    ByteBuf b = Unpooled.buffer();
    try {
      BgpMessageCodec.encode(u, b, export.fourOctetAs());
      return ByteBufUtil.hexDump(b);
    } finally {
      b.release();
    }
  }

  private static String norm(String annotated) {
    return ByteBufUtil.hexDump(Hex.parse(annotated));
  }
}
