package io.ferrolb.adapters.l2.ndp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.ferrolb.adapters.l2.DropReason;
import io.ferrolb.adapters.l2.Hex;
import io.ferrolb.adapters.l2.MacAddress;
import io.ferrolb.adapters.l2.MalformedFrameException;
import io.ferrolb.domain.pool.IpAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NdpCodecTest {

  static final MacAddress CLIENT = MacAddress.parse("02:77:00:00:00:64");
  static final MacAddress NODE = MacAddress.parse("02:77:00:00:00:0b");
  static final IpAddress CLIENT_LL = IpAddress.parse("fe80::77:ff:fe00:64");
  static final IpAddress TARGET = IpAddress.parse("2001:db8:77::11");

  /** Captured with tcpdump -xx: ndisc6 1.0.5 resolving 2001:db8:77::11 (multicast NS + SLLA). */
  static final byte[] NDISC6_NS =
      Hex.parse(
          """
          3333ff000011 027700000064 86dd           // to 33:33:ff:00:00:11, IPv6
          600275de 0020 3a ff                      // payload 32, ICMPv6, hop limit 255
          fe80000000000000007700fffe000064         // src fe80::77:ff:fe00:64
          ff0200000000000000000001ff000011         // dst ff02::1:ff00:11
          87 00 4a16 00000000                      // NS, code 0, checksum
          20010db8007700000000000000000011         // target 2001:db8:77::11
          01 01 027700000064                       // SLLA option
          """);

  /** Captured: Linux 6.x DAD probe (source ::) with an RFC 7527 nonce option (type 14). */
  static final byte[] KERNEL_DAD_NS =
      Hex.parse(
          """
          3333ff00000b 02770000000b 86dd
          60000000 0020 3a ff
          00000000000000000000000000000000         // src ::
          ff0200000000000000000001ff00000b
          87 00 65f0 00000000
          fe80000000000000007700fffe00000b         // target fe80::77:ff:fe00:b
          0e 01 199d980856fb                       // nonce option
          """);

  @Test
  void decodesACapturedNdisc6Solicitation() {
    NeighborSolicitation ns = NdpCodec.decodeSolicitation(ByteBuffer.wrap(NDISC6_NS));

    assertThat(ns)
        .isEqualTo(
            new NeighborSolicitation(
                MacAddress.parse("33:33:ff:00:00:11"),
                CLIENT,
                CLIENT_LL,
                IpAddress.parse("ff02::1:ff00:11"),
                255,
                TARGET,
                Optional.of(CLIENT)));
    assertThat(ns.isDad()).isFalse();
  }

  @Test
  void decodesACapturedKernelDadProbeSkippingTheUnknownNonceOption() {
    NeighborSolicitation ns = NdpCodec.decodeSolicitation(ByteBuffer.wrap(KERNEL_DAD_NS));

    assertThat(ns.isDad()).isTrue();
    assertThat(ns.sourceLinkLayer()).isEmpty();
    assertThat(ns.target()).isEqualTo(IpAddress.parse("fe80::77:ff:fe00:b"));
  }

  @Test
  void solicitedReplyGoesToTheSllaWithSolicitedSetAndOverrideClear() {
    NeighborSolicitation ns = NdpCodec.decodeSolicitation(ByteBuffer.wrap(NDISC6_NS));
    byte[] golden =
        Hex.parse(
            """
            027700000064 02770000000b 86dd         // to the SLLA, from the node
            60000000 0020 3a ff
            20010db8007700000000000000000011       // src = target
            fe80000000000000007700fffe000064       // dst = NS source
            88 00 d843 40000000                    // NA, checksum (python), S=1 O=0 R=0
            20010db8007700000000000000000011
            02 01 02770000000b                     // TLLA = node MAC
            """);

    assertArrayEquals(golden, NdpCodec.encode(NdpCodec.solicitedReply(ns, NODE)));
  }

  @Test
  void unicastProbeWithoutSllaIsAnsweredToTheEthernetSource() {
    byte[] probe =
        NdpCodec.encodeSolicitation(
            new NeighborSolicitation(
                NODE, CLIENT, CLIENT_LL, TARGET, 255, TARGET, Optional.empty()));
    NeighborSolicitation ns = NdpCodec.decodeSolicitation(ByteBuffer.wrap(probe));

    NeighborAdvertisement na = NdpCodec.solicitedReply(ns, NODE);

    assertThat(ns.sourceLinkLayer()).isEmpty();
    assertThat(na.ethernetDestination()).isEqualTo(CLIENT);
    assertThat(na.destination()).isEqualTo(CLIENT_LL);
    assertThat(na.solicited()).isTrue();
  }

  @Test
  void unsolicitedAdvertisementGoesToAllNodesWithOverride() {
    byte[] golden =
        Hex.parse(
            """
            333300000001 02770000000b 86dd
            60000000 0020 3a ff
            20010db8007700000000000000000200
            ff020000000000000000000000000001
            88 00 f3bd 20000000                    // S=0 O=1
            20010db8007700000000000000000200
            02 01 02770000000b
            """);

    assertArrayEquals(
        golden, NdpCodec.encode(NdpCodec.unsolicited(IpAddress.parse("2001:db8:77::200"), NODE)));
  }

  @Test
  void dadProbeForAnOwnedAddressIsDefendedToAllNodes() {
    NeighborSolicitation dad = NdpCodec.decodeSolicitation(ByteBuffer.wrap(KERNEL_DAD_NS));
    byte[] golden =
        Hex.parse(
            """
            333300000001 02770000000c 86dd
            60000000 0020 3a ff
            fe80000000000000007700fffe00000b
            ff020000000000000000000000000001
            88 00 5817 20000000
            fe80000000000000007700fffe00000b
            02 01 02770000000c
            """);

    assertArrayEquals(
        golden,
        NdpCodec.encode(NdpCodec.solicitedReply(dad, MacAddress.parse("02:77:00:00:00:0c"))));
  }

  @Test
  void solicitedNodeGroupAndItsMacAreDerivedFromTheLow24And32Bits() {
    IpAddress group = NdpCodec.solicitedNodeMulticast(IpAddress.parse("2001:db8:77::1:2:3:4567"));

    assertThat(group).isEqualTo(IpAddress.parse("ff02::1:ff03:4567"));
    assertThat(NdpCodec.multicastMac(group)).isEqualTo(MacAddress.parse("33:33:ff:03:45:67"));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of(
            "hop limit 254",
            (Consumer<byte[]>) b -> b[21] = (byte) 254,
            DropReason.BAD_HOP_LIMIT,
            "NS hop limit 254 (expected: 255, RFC 4861 §7.1.1)"),
        Arguments.of(
            "checksum off by one",
            (Consumer<byte[]>) b -> b[57]++,
            DropReason.BAD_CHECKSUM,
            "NS checksum 0x4a17 does not verify"),
        Arguments.of(
            "ICMPv6 echo request",
            (Consumer<byte[]>) b -> b[54] = (byte) 128,
            DropReason.NOT_NEIGHBOR_SOLICITATION,
            "ICMPv6 type 128 (expected: 135)"),
        Arguments.of(
            "TCP next header",
            (Consumer<byte[]>) b -> b[20] = 6,
            DropReason.NOT_ARP_OR_NDP,
            "IPv6 next header 6 (expected: 58 ICMPv6)"),
        Arguments.of(
            "IP version 4 in an IPv6 frame",
            (Consumer<byte[]>) b -> b[14] = 0x40,
            DropReason.MALFORMED,
            "IP version 4 (expected: 6)"),
        Arguments.of(
            "payload length beyond the frame",
            (Consumer<byte[]>) b -> b[19] = 0x40,
            DropReason.MALFORMED,
            "IPv6 payload length 64: frame has 32 bytes after header"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void invalidSolicitationsAreRejectedWithTheirReason(
      String name, Consumer<byte[]> damage, DropReason reason, String message) {
    byte[] b = NDISC6_NS.clone();
    damage.accept(b);

    assertThatThrownBy(() -> NdpCodec.decodeSolicitation(ByteBuffer.wrap(b)))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessage(message)
        .extracting(e -> ((MalformedFrameException) e).reason())
        .isEqualTo(reason);
  }

  @Test
  void optionWithLengthZeroIsMalformed() {
    byte[] b = resum(NDISC6_NS.clone(), x -> x[79] = 0);

    assertThatThrownBy(() -> NdpCodec.decodeSolicitation(ByteBuffer.wrap(b)))
        .hasMessage("NS option type 1 with length 0 (RFC 4861 §4.6)");
  }

  @Test
  void multicastTargetIsMalformed() {
    byte[] b = resum(NDISC6_NS.clone(), x -> x[62] = (byte) 0xff);

    assertThatThrownBy(() -> NdpCodec.decodeSolicitation(ByteBuffer.wrap(b)))
        .hasMessageContaining("is multicast (RFC 4861 §7.1.1)");
  }

  @Test
  void dadProbeCarryingASourceLinkLayerOptionIsMalformed() {
    byte[] b =
        NdpCodec.encodeSolicitation(
            new NeighborSolicitation(
                NdpCodec.multicastMac(NdpCodec.solicitedNodeMulticast(TARGET)),
                CLIENT,
                IpAddress.parse("::"),
                NdpCodec.solicitedNodeMulticast(TARGET),
                255,
                TARGET,
                Optional.of(CLIENT)));

    assertThatThrownBy(() -> NdpCodec.decodeSolicitation(ByteBuffer.wrap(b)))
        .hasMessage("DAD NS (source ::) with a source link-layer option (RFC 4861 §7.1.1)");
  }

  @Test
  void encodedSolicitationRoundTrips() {
    NeighborSolicitation ns = NdpCodec.decodeSolicitation(ByteBuffer.wrap(NDISC6_NS));

    byte[] encoded = NdpCodec.encodeSolicitation(ns);
    // the capture's traffic class and flow label (bytes 14-17) are not modelled; they are not in
    // the checksum's pseudo-header (RFC 8200 §8.1), so copying them keeps the checksum valid
    System.arraycopy(NDISC6_NS, 14, encoded, 14, 4);

    assertArrayEquals(NDISC6_NS, encoded);
  }

  /** Applies {@code damage} and then rewrites the checksum so only the damage is tested. */
  private static byte[] resum(byte[] b, Consumer<byte[]> damage) {
    damage.accept(b);
    ByteBuffer buf = ByteBuffer.wrap(b);
    int len = buf.getShort(18) & 0xFFFF;
    buf.putShort(56, (short) 0);
    buf.putShort(56, (short) NdpCodec.checksum(buf, 0, len));
    return b;
  }
}
