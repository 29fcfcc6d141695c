package io.ferrolb.adapters.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.ferrolb.adapters.bgp.codec.PathAttribute.AsPath;
import io.ferrolb.adapters.bgp.codec.PathAttribute.Communities;
import io.ferrolb.adapters.bgp.codec.PathAttribute.LargeCommunities;
import io.ferrolb.adapters.bgp.codec.PathAttribute.LocalPref;
import io.ferrolb.adapters.bgp.codec.PathAttribute.MpReach;
import io.ferrolb.adapters.bgp.codec.PathAttribute.MpUnreach;
import io.ferrolb.adapters.bgp.codec.PathAttribute.NextHop;
import io.ferrolb.adapters.bgp.codec.PathAttribute.Origin;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class UpdateCodecTest {

  private static final byte[] IBGP_V4 =
      Hex.parse(
          """
          ffffffff ffffffff ffffffff ffffffff // marker
          004f                                // length 79
          02                                  // type UPDATE
          0000                                // withdrawn routes length 0
          002f                                // total path attribute length 47
          40 01 01 00                         // ORIGIN IGP
          40 02 00                            // AS_PATH empty (iBGP)
          40 03 04 cb00710b                   // NEXT_HOP 203.0.113.11
          40 05 04 00000096                   // LOCAL_PREF 150
          c0 08 08 fbf40064 ffffff01          // COMMUNITIES 64500:100 no-export
          c0 20 0c fa56ea01 00000001 00000002 // LARGE_COMMUNITY 4200000001:1:2
          20 c633640a                         // NLRI 198.51.100.10/32
          18 c63364                           // NLRI 198.51.100.0/24
          """);

  private static final Update IBGP_V4_UPDATE =
      new Update(
          List.of(),
          List.of(
              Origin.IGP,
              AsPath.EMPTY,
              new NextHop(IpAddress.parse("203.0.113.11")),
              new LocalPref(150),
              new Communities(List.of(Community.parse("64500:100"), Community.NO_EXPORT)),
              new LargeCommunities(List.of(new LargeCommunity(4_200_000_001L, 1, 2)))),
          List.of(Cidr.parse("198.51.100.10/32"), Cidr.parse("198.51.100.0/24")));

  private static final byte[] EBGP_V6 =
      Hex.parse(
          """
          ffffffff ffffffff ffffffff ffffffff // marker
          004d                                // length 77
          02                                  // UPDATE
          0000                                // no withdrawn routes
          0036                                // path attributes 54 octets
          40 01 01 00                         // ORIGIN IGP
          40 02 06 02 01 fa56ea01             // AS_PATH sequence [4200000001], 4-octet
          80 0e 26                            // MP_REACH_NLRI, 38 octets
             0002 01                          //   AFI IPv6, SAFI unicast
             10 20010db8007700000000000000000011 //   next hop 2001:db8:77::11
             00                               //   reserved
             80 20010db8010000000000000000000010 //   2001:db8:100::10/128
          """);

  private static final Update EBGP_V6_UPDATE =
      new Update(
          List.of(),
          List.of(
              Origin.IGP,
              AsPath.sequence(4_200_000_001L),
              new MpReach(
                  AddressFamily.IPV6_UNICAST,
                  IpAddress.parse("2001:db8:77::11"),
                  Optional.empty(),
                  List.of(Cidr.parse("2001:db8:100::10/128")))),
          List.of());

  @Test
  void ibgpIpv4UpdateEncodesToTheGoldenBytes() {
    assertArrayEquals(IBGP_V4, Wire.encode(IBGP_V4_UPDATE, true));
  }

  @Test
  void ibgpIpv4GoldenDecodes() {
    assertThat(Wire.decode(IBGP_V4, true)).isEqualTo(IBGP_V4_UPDATE);
  }

  @Test
  void ebgpIpv6UpdateEncodesToTheGoldenBytes() {
    assertArrayEquals(EBGP_V6, Wire.encode(EBGP_V6_UPDATE, true));
  }

  @Test
  void ebgpIpv6GoldenDecodes() {
    assertThat(Wire.decode(EBGP_V6, true)).isEqualTo(EBGP_V6_UPDATE);
  }

  @Test
  void twoOctetAsPathPutsAsTransForA4OctetAsn() {
    byte[] b = Wire.encode(EBGP_V6_UPDATE, false);
    Update u = (Update) Wire.decode(b, false);
    assertThat(u.attribute(AsPath.class)).contains(AsPath.sequence(Open.AS_TRANS));
  }

  @Test
  void frrIpv6UpdateWithLinkLocalNextHopDecodes() {
    Update u = (Update) Wire.decode(Hex.resource("update-frr-8.4-v6-1.hex"), true);
    MpReach r = u.attribute(MpReach.class).orElseThrow();
    assertThat(r.family()).isEqualTo(AddressFamily.IPV6_UNICAST);
    assertThat(r.nextHop()).isEqualTo(IpAddress.parse("2001:db8:77::1"));
    assertThat(r.linkLocalNextHop()).isPresent();
    assertThat(r.linkLocalNextHop().get().toString()).startsWith("fe80::");
    assertThat(r.nlri()).containsExactly(Cidr.parse("2001:db8:100:1::/64"));
  }

  @Test
  void gobgpUpdateWithCommunitiesDecodes() {
    Update u = (Update) Wire.decode(Hex.resource("update-gobgp-3.10-1.hex"), true);
    assertThat(u.nlri()).containsExactly(Cidr.parse("198.51.100.10/32"));
    assertThat(u.attribute(NextHop.class)).contains(new NextHop(IpAddress.parse("203.0.113.11")));
    assertThat(u.attribute(AsPath.class)).contains(AsPath.sequence(4_200_000_001L));
    assertThat(u.attribute(Communities.class).orElseThrow().values())
        .containsExactly(Community.parse("64500:1"), Community.NO_EXPORT);
    assertThat(u.attribute(LargeCommunities.class).orElseThrow().values())
        .containsExactly(LargeCommunity.parse("64500:2:3"));
  }

  @Test
  void birdUpdateDecodes() {
    Update u = (Update) Wire.decode(Hex.resource("update-bird-2.0-1.hex"), true);
    assertThat(u.nlri()).containsExactly(Cidr.parse("198.51.100.128/26"));
    assertThat(u.attribute(AsPath.class)).contains(AsPath.sequence(64499));
    assertThat(u.attribute(Communities.class).orElseThrow().values())
        .containsExactly(Community.parse("64499:7"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "update-frr-8.4-1.hex",
        "update-frr-8.4-v6-1.hex",
        "update-frr-8.4-v6-2.hex",
        "update-bird-2.0-1.hex",
        "update-bird-2.0-2.hex",
        "update-gobgp-3.10-1.hex",
        "update-gobgp-3.10-3.hex",
        "update-gobgp-3.10-v6-1.hex"
      })
  void vendorUpdateSurvivesDecodeEncodeDecode(String file) {
    // not byte-equal: FRR sets the extended-length flag on short attributes, we do not
    BgpMessage m = Wire.decode(Hex.resource(file), true);
    assertThat(Wire.decode(Wire.encode(m, true), true)).isEqualTo(m);
  }

  @Test
  void endOfRibMarkersEncodeAsRfc4724Says() {
    assertArrayEquals(
        Hex.parse("ffffffff ffffffff ffffffff ffffffff 0017 02 0000 0000"),
        Wire.encode(Update.endOfRib(AddressFamily.IPV4_UNICAST), true));
    byte[] v6 =
        Hex.parse(
            """
            ffffffff ffffffff ffffffff ffffffff 001d 02
            0000 0006
            80 0f 03 0002 01                   // MP_UNREACH_NLRI IPv6 unicast, nothing withdrawn
            """);
    assertArrayEquals(v6, Wire.encode(Update.endOfRib(AddressFamily.IPV6_UNICAST), true));
    assertThat(((Update) Wire.decode(v6, true)).endOfRibFamily())
        .contains(AddressFamily.IPV6_UNICAST);
  }

  @Test
  void withdrawalsDecodeInBothPlaces() {
    byte[] b =
        Hex.parse(
            """
            ffffffff ffffffff ffffffff ffffffff 0027 02
            0005 20 c633640a                    // withdrawn 198.51.100.10/32
            000b 80 0f 08 0002 01 20 20010db8   // MP_UNREACH 2001:db8::/32
            """);
    Update u = (Update) Wire.decode(b, true);
    assertThat(u.withdrawn()).containsExactly(Cidr.parse("198.51.100.10/32"));
    assertThat(u.attribute(MpUnreach.class).orElseThrow().withdrawn())
        .containsExactly(Cidr.parse("2001:db8::/32"));
  }

  /** Errors RFC 7606 still answers with a session reset: framing, NLRI, MP attributes. */
  static List<Arguments> malformed() {
    String h = "ffffffff ffffffff ffffffff ffffffff";
    return List.of(
        Arguments.of(
            "withdrawn length past the end",
            h + " 0017 02 0009 0000",
            BgpError.MALFORMED_ATTRIBUTE_LIST,
            "UPDATE withdrawn routes length 9: 2 octets left (expected: <= 0)"),
        Arguments.of(
            "attribute length past the list",
            h + " 001b 02 0000 0004 40 01 05 00",
            BgpError.MALFORMED_ATTRIBUTE_LIST,
            "path attribute 1 length 5: 1 octets left (expected: <=)"),
        Arguments.of(
            "unknown well-known attribute 99",
            h + " 001b 02 0000 0004 40 63 01 00",
            BgpError.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
            "path attribute 99: unrecognized well-known attribute"),
        Arguments.of(
            "NLRI prefix /33",
            h + " 001c 02 0000 0000 21 c6336400",
            BgpError.INVALID_NETWORK_FIELD,
            "NLRI prefix length 33: too long (expected: 0..32)"),
        Arguments.of(
            "NLRI prefix /24 with 2 octets",
            h + " 001a 02 0000 0000 18 c633",
            BgpError.INVALID_NETWORK_FIELD,
            "NLRI prefix /24: 2 octets left (expected: 3)"),
        Arguments.of(
            "MP_REACH IPv6 next hop of 4 octets",
            h + " 0024 02 0000 000d 80 0e 0a 0002 01 04 cb00710b 00 00",
            BgpError.OPTIONAL_ATTRIBUTE_ERROR,
            "MP_REACH_NLRI ipv6-unicast next hop length 4 (expected: 16)"),
        Arguments.of(
            "MP_UNREACH_NLRI twice",
            h + " 0023 02 0000 000c 80 0f 03 0002 01 80 0f 03 0002 01",
            BgpError.MALFORMED_ATTRIBUTE_LIST,
            "UPDATE path attribute 15: appears twice (expected: once)"));
  }

  /** Malformed attributes that RFC 7606 answers with treat-as-withdraw (§3, §7). */
  static List<Arguments> treatedAsWithdraw() {
    String h = "ffffffff ffffffff ffffffff ffffffff";
    return List.of(
        Arguments.of(
            "ORIGIN 3",
            h + " 001b 02 0000 0004 40 01 01 03",
            BgpError.INVALID_ORIGIN_ATTRIBUTE,
            "ORIGIN 3: undefined (expected: 0 IGP, 1 EGP, 2 INCOMPLETE)"),
        Arguments.of(
            "ORIGIN of 2 octets",
            h + " 001c 02 0000 0005 40 01 02 0000",
            BgpError.ATTRIBUTE_LENGTH_ERROR,
            "path attribute 1 length 2 (expected: 1)"),
        Arguments.of(
            "ORIGIN flagged optional",
            h + " 001b 02 0000 0004 c0 01 01 00",
            BgpError.ATTRIBUTE_FLAGS_ERROR,
            "path attribute 1 flags 0xc0: optional/transitive bits wrong (expected: 0x40)"),
        Arguments.of(
            "NEXT_HOP 0.0.0.0",
            h + " 001e 02 0000 0007 40 03 04 00000000",
            BgpError.INVALID_NEXT_HOP_ATTRIBUTE,
            "NEXT_HOP 0.0.0.0: not a unicast host address"),
        Arguments.of(
            "AS_PATH segment type 9",
            h + " 001e 02 0000 0007 40 02 04 09 01 fde8",
            BgpError.MALFORMED_AS_PATH,
            "AS_PATH segment type 9: undefined"),
        Arguments.of(
            "AS_PATH segment count past the end",
            h + " 001e 02 0000 0007 40 02 04 02 02 fde8",
            BgpError.MALFORMED_AS_PATH,
            "AS_PATH segment of 2 ASNs: 2 octets left (expected: 8, count >= 1)"),
        Arguments.of(
            "NLRI without NEXT_HOP",
            h + " 0023 02 0000 0007 40 01 01 00 40 02 00 20 c633640a",
            BgpError.MISSING_WELL_KNOWN_ATTRIBUTE,
            "UPDATE with NLRI: NEXT_HOP missing (expected: ORIGIN, AS_PATH, NEXT_HOP)"),
        Arguments.of(
            "COMMUNITIES of 3 octets",
            h + " 001d 02 0000 0006 c0 08 03 000000",
            BgpError.ATTRIBUTE_LENGTH_ERROR,
            "path attribute 8 length 3 (expected: a multiple of 4)"),
        Arguments.of(
            "LARGE_COMMUNITY of 8 octets",
            h + " 0022 02 0000 000b c0 20 08 0000000000000000",
            BgpError.ATTRIBUTE_LENGTH_ERROR,
            "path attribute 32 length 8 (expected: a multiple of 12)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedUpdateIsRejectedWithTheRightNotification(
      String name, String hex, BgpError error, String message) {
    assertThatThrownBy(() -> Wire.decode(Hex.parse(hex), true))
        .isInstanceOfSatisfying(
            BgpProtocolException.class, e -> assertThat(e.error()).isEqualTo(error))
        .hasMessage(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("treatedAsWithdraw")
  void malformedAttributeIsTreatedAsWithdrawNotASessionReset(
      String name, String hex, BgpError error, String message) {
    Update u = (Update) Wire.decode(Hex.parse(hex), true);

    assertThat(u.treatedAsWithdraw()).hasValue(error + " " + message);
  }

  @Test
  void aWellFormedUpdateIsNotTreatedAsWithdraw() {
    Update u =
        (Update)
            Wire.decode(
                Hex.parse(
                    "ffffffff ffffffff ffffffff ffffffff 0030 02 0000 0014"
                        + " 40 01 01 00 40 02 06 02 01 0000fbf0 40 03 04 cb00710b 20 c633640a"),
                true);

    assertThat(u.treatedAsWithdraw()).isEmpty();
    assertThat(u.nlri()).containsExactly(Cidr.parse("198.51.100.10/32"));
  }

  @Test
  void aRepeatedAttributeIsDiscardedButTheFirst() {
    Update u =
        (Update)
            Wire.decode(
                Hex.parse(
                    "ffffffff ffffffff ffffffff ffffffff 001f 02 0000 0008 40 01 01 00 40 01 01 02"),
                true);

    assertThat(u.attributes())
        .containsExactly(new PathAttribute.Origin(PathAttribute.OriginType.IGP));
    assertThat(u.treatedAsWithdraw()).isEmpty();
  }

  @Test
  void atomicAggregateIsKeptAndAValueInItDiscarded() {
    Update kept =
        (Update)
            Wire.decode(
                Hex.parse("ffffffff ffffffff ffffffff ffffffff 001a 02 0000 0003 40 06 00"), true);
    Update discarded =
        (Update)
            Wire.decode(
                Hex.parse("ffffffff ffffffff ffffffff ffffffff 001b 02 0000 0004 40 06 01 00"),
                true);

    assertThat(kept.attributes())
        .containsExactly(
            new PathAttribute.Unknown(0x40, PathAttribute.ATOMIC_AGGREGATE, Octets.EMPTY));
    assertThat(discarded.attributes()).isEmpty();
    assertThat(discarded.treatedAsWithdraw()).isEmpty();
  }
}
