package io.ferrolb.adapters.l2;

import io.ferrolb.adapters.l2.arp.ArpCodec;
import io.ferrolb.adapters.l2.arp.ArpPacket;
import io.ferrolb.adapters.l2.ndp.NdpCodec;
import io.ferrolb.adapters.l2.ndp.NeighborSolicitation;
import io.ferrolb.domain.pool.IpAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The responder's decision as a pure function: one received Ethernet frame, the receiving interface
 * and the owned-address snapshot in; a {@link FrameVerdict.Reply} with the frame to send, or a
 * {@link FrameVerdict.Drop} with the reason, out. No I/O, no clock, no state.
 */
public final class PacketProcessor {

  private PacketProcessor() {}

  public static FrameVerdict process(ByteBuffer frame, LocalInterface iface, OwnedAddresses owned) {
    int base = frame.position();
    if (frame.remaining() < 14) {
      return drop(DropReason.MALFORMED, "frame of " + frame.remaining() + " bytes");
    }
    if (MacAddress.read(frame, base + 6).equals(iface.mac())) {
      return drop(DropReason.OWN_FRAME, "source MAC is " + iface.name() + "'s own");
    }
    int type = frame.getShort(base + 12) & 0xFFFF;
    if (type == ArpCodec.ETHERTYPE_ARP) {
      FrameVerdict.Reply fast = ArpFastPath.reply(frame, iface, owned);
      if (fast != null) {
        return fast;
      }
    }
    try {
      if (type == ArpCodec.ETHERTYPE_ARP) {
        return arp(ArpCodec.decode(frame), iface, owned);
      }
      if (type == NdpCodec.ETHERTYPE_IPV6) {
        return ndp(NdpCodec.decodeSolicitation(frame), iface, owned);
      }
      return drop(DropReason.NOT_ARP_OR_NDP, "EtherType 0x" + Integer.toHexString(type));
    } catch (MalformedFrameException e) {
      return drop(e.reason(), e.getMessage());
    }
  }

  private static FrameVerdict arp(ArpPacket p, LocalInterface iface, OwnedAddresses owned) {
    if (p.operation() == ArpPacket.REPLY) {
      return drop(DropReason.ARP_REPLY, "ARP reply from " + p.senderProtocol());
    }
    if (p.operation() != ArpPacket.REQUEST) {
      return drop(DropReason.ARP_UNKNOWN_OPCODE, "ARP opcode " + p.operation());
    }
    if (!p.ethernetDestination().equals(MacAddress.BROADCAST)
        && !p.ethernetDestination().equals(iface.mac())) {
      return drop(
          DropReason.ETHERNET_DESTINATION,
          "ARP request to " + p.ethernetDestination() + " (ours: " + iface.mac() + ")");
    }
    if (p.senderProtocol().equals(p.targetProtocol())) {
      return drop(DropReason.ARP_GRATUITOUS, "announcement of " + p.targetProtocol());
    }
    FrameVerdict denied = ownership(p.targetProtocol(), iface, owned);
    if (denied != null) {
      return denied;
    }
    return new FrameVerdict.Reply(
        ArpCodec.encode(ArpCodec.reply(p, iface.mac())), p.targetProtocol());
  }

  private static FrameVerdict ndp(
      NeighborSolicitation ns, LocalInterface iface, OwnedAddresses owned) {
    IpAddress group = NdpCodec.solicitedNodeMulticast(ns.target());
    if (!ns.ethernetDestination().equals(iface.mac())
        && !ns.ethernetDestination().equals(NdpCodec.multicastMac(group))) {
      return drop(
          DropReason.ETHERNET_DESTINATION,
          "NS to " + ns.ethernetDestination() + " (ours: " + iface.mac() + ")");
    }
    if (!ns.destination().equals(ns.target()) && !ns.destination().equals(group)) {
      return drop(
          DropReason.IP_DESTINATION,
          "NS for "
              + ns.target()
              + " sent to "
              + ns.destination()
              + " (expected: it or "
              + group
              + ")");
    }
    FrameVerdict denied = ownership(ns.target(), iface, owned);
    if (denied != null) {
      return denied;
    }
    return new FrameVerdict.Reply(
        NdpCodec.encode(NdpCodec.solicitedReply(ns, iface.mac())), ns.target());
  }

  private static FrameVerdict ownership(
      IpAddress target, LocalInterface iface, OwnedAddresses owned) {
    return switch (owned.check(target, iface.name())) {
      case ALLOWED -> null;
      case NOT_OWNED -> drop(DropReason.UNKNOWN_TARGET, target + " is not owned here");
      case OTHER_INTERFACE ->
          drop(
              DropReason.WRONG_INTERFACE,
              target + " is not allowed on " + iface.name() + " " + owned.byAddress().get(target));
    };
  }

  private static FrameVerdict.Drop drop(DropReason reason, String detail) {
    return new FrameVerdict.Drop(reason, detail);
  }

  /**
   * Runs the decision path on synthetic frames {@code rounds} times so the JIT compiles it before
   * the first real request (the first answer of a cold JVM took ~96 ms, bench/arp-latency). The mix
   * covers the replies and the common drops (requests for other addresses, replies, own frames):
   * code first compiled on replies only is deoptimised by the first drop, which cost ~14 us per
   * frame in the arp-latency bench. Returns the number of replies built, so the work cannot be
   * optimised away.
   */
  public static long warmUp(int rounds) {
    MacAddress ours = new MacAddress(0x02_00_00_00_00_01L);
    MacAddress peer = new MacAddress(0x02_00_00_00_00_02L);
    LocalInterface iface = new LocalInterface("warmup0", ours);
    IpAddress v4 = IpAddress.v4(0xCB00_71C8L); // 203.0.113.200, RFC 5737
    IpAddress other4 = IpAddress.v4(0xCB00_710BL); // 203.0.113.11
    IpAddress peer4 = IpAddress.v4(0xCB00_7164L); // 203.0.113.100
    IpAddress v6 = IpAddress.v6(0x2001_0db8_0077_0000L, 0x200L); // 2001:db8:77::200, RFC 3849
    IpAddress other6 = IpAddress.v6(0x2001_0db8_0077_0000L, 0x11L);
    IpAddress peer6 = IpAddress.v6(0x2001_0db8_0077_0000L, 0x100L);
    OwnedAddresses owned = new OwnedAddresses(Map.of(v4, Set.of(), v6, Set.of()));
    byte[][] frames = {
      arpFrame(MacAddress.BROADCAST, peer, ArpPacket.REQUEST, peer4, v4), // reply
      arpFrame(MacAddress.BROADCAST, peer, ArpPacket.REQUEST, peer4, other4), // UNKNOWN_TARGET
      arpFrame(ours, peer, ArpPacket.REPLY, peer4, v4), // ARP_REPLY
      arpFrame(MacAddress.BROADCAST, ours, ArpPacket.REQUEST, v4, v4), // OWN_FRAME
      nsFrame(peer, peer6, v6), // reply
      nsFrame(peer, peer6, other6), // UNKNOWN_TARGET
    };
    long replies = 0;
    for (int i = 0; i < rounds; i++) {
      for (byte[] f : frames) {
        if (process(ByteBuffer.wrap(f), iface, owned) instanceof FrameVerdict.Reply) {
          replies++;
        }
      }
    }
    return replies;
  }

  private static byte[] arpFrame(
      MacAddress dst, MacAddress src, int op, IpAddress sender, IpAddress target) {
    return ArpCodec.encode(new ArpPacket(dst, src, op, src, sender, MacAddress.ZERO, target));
  }

  private static byte[] nsFrame(MacAddress src, IpAddress source, IpAddress target) {
    IpAddress group = NdpCodec.solicitedNodeMulticast(target);
    return NdpCodec.encodeSolicitation(
        new NeighborSolicitation(
            NdpCodec.multicastMac(group),
            src,
            source,
            group,
            NdpCodec.NDP_HOP_LIMIT,
            target,
            Optional.of(src)));
  }
}
