package io.ferrolb.adapters.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.adapters.l2.arp.ArpCodec;
import io.ferrolb.adapters.l2.arp.ArpPacket;
import io.ferrolb.adapters.l2.ndp.NdpCodec;
import io.ferrolb.adapters.l2.ndp.NeighborAdvertisement;
import io.ferrolb.adapters.l2.ndp.NeighborSolicitation;
import io.ferrolb.domain.pool.IpAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PacketProcessorTest {

  static final MacAddress OURS = MacAddress.parse("02:77:00:00:00:0b");
  static final MacAddress CLIENT = MacAddress.parse("02:77:00:00:00:64");
  static final MacAddress OTHER = MacAddress.parse("02:77:00:00:00:0c");
  static final LocalInterface ETH0 = new LocalInterface("eth0", OURS);
  static final IpAddress VIP4 = IpAddress.parse("203.0.113.200");
  static final IpAddress VIP4_ETH1_ONLY = IpAddress.parse("203.0.113.201");
  static final IpAddress NOT_OURS4 = IpAddress.parse("203.0.113.202");
  static final IpAddress CLIENT4 = IpAddress.parse("203.0.113.100");
  static final IpAddress VIP6 = IpAddress.parse("2001:db8:77::200");
  static final IpAddress VIP6_ETH1_ONLY = IpAddress.parse("2001:db8:77::201");
  static final IpAddress NOT_OURS6 = IpAddress.parse("2001:db8:77::202");
  static final IpAddress CLIENT6 = IpAddress.parse("2001:db8:77::100");
  static final OwnedAddresses OWNED =
      new OwnedAddresses(
          Map.of(
              VIP4, Set.of(),
              VIP4_ETH1_ONLY, Set.of("eth1"),
              VIP6, Set.of("eth0", "eth1"),
              VIP6_ETH1_ONLY, Set.of("eth1")));

  static byte[] arp(MacAddress ethDst, MacAddress ethSrc, int op, IpAddress spa, IpAddress tpa) {
    return ArpCodec.encode(new ArpPacket(ethDst, ethSrc, op, ethSrc, spa, MacAddress.ZERO, tpa));
  }

  static byte[] ns(IpAddress target, Optional<MacAddress> slla) {
    IpAddress group = NdpCodec.solicitedNodeMulticast(target);
    return NdpCodec.encodeSolicitation(
        new NeighborSolicitation(
            NdpCodec.multicastMac(group), CLIENT, CLIENT6, group, 255, target, slla));
  }

  static byte[] ns(MacAddress ethDst, IpAddress ipDst, int hopLimit, IpAddress target) {
    return NdpCodec.encodeSolicitation(
        new NeighborSolicitation(
            ethDst, CLIENT, CLIENT6, ipDst, hopLimit, target, Optional.of(CLIENT)));
  }

  static Stream<Arguments> drops() {
    IpAddress group = NdpCodec.solicitedNodeMulticast(VIP6);
    return Stream.of(
        Arguments.of(
            "ARP reply", arp(OURS, CLIENT, ArpPacket.REPLY, CLIENT4, VIP4), DropReason.ARP_REPLY),
        Arguments.of(
            "ARP opcode 3 (RARP request)",
            arp(MacAddress.BROADCAST, CLIENT, 3, CLIENT4, VIP4),
            DropReason.ARP_UNKNOWN_OPCODE),
        Arguments.of(
            "ARP request unicast to another MAC",
            arp(OTHER, CLIENT, ArpPacket.REQUEST, CLIENT4, VIP4),
            DropReason.ETHERNET_DESTINATION),
        Arguments.of(
            "ARP request from our own MAC",
            arp(MacAddress.BROADCAST, OURS, ArpPacket.REQUEST, CLIENT4, VIP4),
            DropReason.OWN_FRAME),
        Arguments.of(
            "gratuitous ARP by another node",
            arp(MacAddress.BROADCAST, OTHER, ArpPacket.REQUEST, VIP4, VIP4),
            DropReason.ARP_GRATUITOUS),
        Arguments.of(
            "ARP request for an address we do not own",
            arp(MacAddress.BROADCAST, CLIENT, ArpPacket.REQUEST, CLIENT4, NOT_OURS4),
            DropReason.UNKNOWN_TARGET),
        Arguments.of(
            "ARP request for an address allowed only on eth1",
            arp(MacAddress.BROADCAST, CLIENT, ArpPacket.REQUEST, CLIENT4, VIP4_ETH1_ONLY),
            DropReason.WRONG_INTERFACE),
        Arguments.of(
            "ARP frame cut to 30 bytes",
            Arrays.copyOf(arp(MacAddress.BROADCAST, CLIENT, 1, CLIENT4, VIP4), 30),
            DropReason.MALFORMED),
        Arguments.of("runt of 10 bytes", new byte[10], DropReason.MALFORMED),
        Arguments.of("IPv4 frame", ipv4Frame(), DropReason.NOT_ARP_OR_NDP),
        Arguments.of(
            "NS with hop limit 64 (forwarded)",
            ns(NdpCodec.multicastMac(group), group, 64, VIP6),
            DropReason.BAD_HOP_LIMIT),
        Arguments.of(
            "NS to another node's MAC",
            ns(OTHER, VIP6, 255, VIP6),
            DropReason.ETHERNET_DESTINATION),
        Arguments.of(
            "NS to a different solicited-node group",
            ns(NdpCodec.multicastMac(group), NdpCodec.solicitedNodeMulticast(NOT_OURS6), 255, VIP6),
            DropReason.IP_DESTINATION),
        Arguments.of(
            "NS for an address we do not own",
            ns(NOT_OURS6, Optional.of(CLIENT)),
            DropReason.UNKNOWN_TARGET),
        Arguments.of(
            "NS for an address allowed only on eth1",
            ns(VIP6_ETH1_ONLY, Optional.of(CLIENT)),
            DropReason.WRONG_INTERFACE),
        Arguments.of(
            "Neighbor Advertisement",
            NdpCodec.encode(NdpCodec.unsolicited(VIP6, OTHER)),
            DropReason.NOT_NEIGHBOR_SOLICITATION));
  }

  static byte[] ipv4Frame() {
    byte[] b = arp(MacAddress.BROADCAST, CLIENT, 1, CLIENT4, VIP4);
    b[12] = 0x08;
    b[13] = 0x00;
    return b;
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("drops")
  void framesThatMustNotBeAnsweredAreDroppedWithTheirReason(
      String name, byte[] frame, DropReason reason) {
    FrameVerdict v = PacketProcessor.process(ByteBuffer.wrap(frame), ETH0, OWNED);

    assertThat(v).isInstanceOf(FrameVerdict.Drop.class);
    assertThat(((FrameVerdict.Drop) v).reason())
        .as(((FrameVerdict.Drop) v).detail())
        .isEqualTo(reason);
  }

  @Test
  void broadcastArpRequestForAnOwnedAddressIsAnsweredWithTheReceivingInterfacesMac() {
    byte[] req = arp(MacAddress.BROADCAST, CLIENT, ArpPacket.REQUEST, CLIENT4, VIP4);

    FrameVerdict v = PacketProcessor.process(ByteBuffer.wrap(req), ETH0, OWNED);

    assertThat(v).isInstanceOf(FrameVerdict.Reply.class);
    FrameVerdict.Reply r = (FrameVerdict.Reply) v;
    assertThat(r.target()).isEqualTo(VIP4);
    assertThat(ArpCodec.decode(ByteBuffer.wrap(r.frame())))
        .isEqualTo(new ArpPacket(CLIENT, OURS, ArpPacket.REPLY, OURS, VIP4, CLIENT, CLIENT4));
  }

  @Test
  void unicastArpRequestToOurMacIsAnswered() {
    byte[] req = arp(OURS, CLIENT, ArpPacket.REQUEST, CLIENT4, VIP4);

    assertThat(PacketProcessor.process(ByteBuffer.wrap(req), ETH0, OWNED))
        .isInstanceOf(FrameVerdict.Reply.class);
  }

  @Test
  void arpProbeFromUnspecifiedSenderIsAnswered() {
    byte[] probe =
        arp(MacAddress.BROADCAST, CLIENT, ArpPacket.REQUEST, IpAddress.parse("0.0.0.0"), VIP4);

    assertThat(PacketProcessor.process(ByteBuffer.wrap(probe), ETH0, OWNED))
        .isInstanceOf(FrameVerdict.Reply.class);
  }

  @Test
  void multicastSolicitationIsAnsweredToItsSlla() {
    byte[] req = ns(VIP6, Optional.of(OTHER));

    FrameVerdict.Reply r =
        (FrameVerdict.Reply) PacketProcessor.process(ByteBuffer.wrap(req), ETH0, OWNED);

    assertThat(MacAddress.read(ByteBuffer.wrap(r.frame()), 0)).isEqualTo(OTHER);
    assertThat(r.frame())
        .isEqualTo(
            NdpCodec.encode(
                new NeighborAdvertisement(
                    OTHER, OURS, VIP6, CLIENT6, false, true, false, VIP6, Optional.of(OURS))));
  }

  @Test
  void unicastReachabilityProbeWithoutSllaIsAnsweredToTheFrameSource() {
    byte[] probe =
        NdpCodec.encodeSolicitation(
            new NeighborSolicitation(OURS, CLIENT, CLIENT6, VIP6, 255, VIP6, Optional.empty()));

    FrameVerdict v = PacketProcessor.process(ByteBuffer.wrap(probe), ETH0, OWNED);

    assertThat(v).isInstanceOf(FrameVerdict.Reply.class);
    assertThat(((FrameVerdict.Reply) v).frame())
        .isEqualTo(
            NdpCodec.encode(
                new NeighborAdvertisement(
                    CLIENT, OURS, VIP6, CLIENT6, false, true, false, VIP6, Optional.of(OURS))));
  }

  @Test
  void losingAnAddressStopsTheAnswerAtOnce() {
    byte[] req = arp(MacAddress.BROADCAST, CLIENT, ArpPacket.REQUEST, CLIENT4, VIP4);

    FrameVerdict v = PacketProcessor.process(ByteBuffer.wrap(req), ETH0, OwnedAddresses.NONE);

    assertThat(((FrameVerdict.Drop) v).reason()).isEqualTo(DropReason.UNKNOWN_TARGET);
  }

  @Test
  void warmUpBuildsTwoRepliesPerRound() {
    assertThat(PacketProcessor.warmUp(10)).isEqualTo(20);
  }
}
