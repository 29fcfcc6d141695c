package io.ferrolb.adapters.l2;

import io.ferrolb.adapters.l2.arp.ArpCodec;
import io.ferrolb.adapters.l2.arp.ArpPacket;
import io.ferrolb.adapters.l2.ndp.NdpCodec;
import io.ferrolb.adapters.l2.ndp.NeighborSolicitation;
import io.ferrolb.domain.pool.IpAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Writes the seeds of {@code ArpCodecFuzzTest} and {@code NdpCodecFuzzTest} with our encoders: the
 * frames the responder sees (requests it answers, requests for others, replies, announcements,
 * solicitations with and without the link-layer option, DAD probes). Run from the module directory:
 * {@code java -cp target/test-classes:target/classes:<deps> io.ferrolb.adapters.l2.FuzzSeeds}. Not
 * a test.
 */
public final class FuzzSeeds {
  private static final Path ARP =
      Path.of(
          "src/test/resources/io/ferrolb/adapters/l2/arp/ArpCodecFuzzTestInputs"
              + "/decoderOnlyEverDropsWithAReason");
  private static final Path NDP =
      Path.of(
          "src/test/resources/io/ferrolb/adapters/l2/ndp/NdpCodecFuzzTestInputs"
              + "/decoderOnlyEverDropsWithAReason");

  private static final MacAddress OURS = new MacAddress(0x02_00_00_00_00_01L);
  private static final MacAddress PEER = new MacAddress(0x02_00_00_00_00_02L);

  private FuzzSeeds() {}

  public static void main(String[] args) throws IOException {
    Files.createDirectories(ARP);
    Files.createDirectories(NDP);
    IpAddress vip = IpAddress.parse("203.0.113.200");
    IpAddress peer = IpAddress.parse("203.0.113.100");
    // trailing octets, consumed from the end: frame offset 0, then "target owned here"
    arp(
        "request-broadcast-owned",
        new ArpPacket(
            MacAddress.BROADCAST, PEER, ArpPacket.REQUEST, PEER, peer, MacAddress.ZERO, vip),
        true);
    arp(
        "request-unicast-to-us-owned",
        new ArpPacket(OURS, PEER, ArpPacket.REQUEST, PEER, peer, OURS, vip),
        true);
    arp(
        "request-not-owned",
        new ArpPacket(
            MacAddress.BROADCAST, PEER, ArpPacket.REQUEST, PEER, peer, MacAddress.ZERO, vip),
        false);
    arp("reply", new ArpPacket(OURS, PEER, ArpPacket.REPLY, PEER, peer, OURS, vip), true);
    arp("gratuitous", ArpCodec.gratuitousRequest(peer, PEER), true);
    arp("own-frame", ArpCodec.gratuitousReply(vip, OURS), true);

    IpAddress vip6 = IpAddress.parse("2001:db8:77::200");
    IpAddress peer6 = IpAddress.parse("fe80::2");
    IpAddress group = NdpCodec.solicitedNodeMulticast(vip6);
    MacAddress groupMac = NdpCodec.multicastMac(group);
    ndp(
        "ns-multicast-with-slla-owned",
        new NeighborSolicitation(groupMac, PEER, peer6, group, 255, vip6, Optional.of(PEER)),
        true);
    ndp(
        "ns-unicast-nud-owned",
        new NeighborSolicitation(OURS, PEER, peer6, vip6, 255, vip6, Optional.empty()),
        true);
    ndp(
        "ns-dad-owned",
        new NeighborSolicitation(
            groupMac, PEER, IpAddress.parse("::"), group, 255, vip6, Optional.empty()),
        true);
    ndp(
        "ns-not-owned",
        new NeighborSolicitation(groupMac, PEER, peer6, group, 255, vip6, Optional.of(PEER)),
        false);
    ndp(
        "ns-hop-limit-64",
        new NeighborSolicitation(groupMac, PEER, peer6, group, 64, vip6, Optional.of(PEER)),
        true);
  }

  private static void arp(String name, ArpPacket p, boolean owned) throws IOException {
    byte[] frame = ArpCodec.encode(p);
    byte[] seed = Arrays.copyOf(frame, frame.length + 2);
    seed[frame.length + 1] = (byte) (owned ? 1 : 0);
    Files.write(ARP.resolve(name), seed);
  }

  private static void ndp(String name, NeighborSolicitation ns, boolean owned) throws IOException {
    byte[] frame = NdpCodec.encodeSolicitation(ns);
    byte[] seed = Arrays.copyOf(frame, frame.length + 1);
    seed[frame.length] = (byte) (owned ? 1 : 0);
    Files.write(NDP.resolve(name), seed);
  }
}
