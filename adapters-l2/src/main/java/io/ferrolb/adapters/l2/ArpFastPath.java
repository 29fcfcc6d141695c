package io.ferrolb.adapters.l2;

import io.ferrolb.adapters.l2.arp.ArpCodec;
import io.ferrolb.adapters.l2.arp.ArpPacket;
import io.ferrolb.domain.pool.IpAddress;
import java.nio.ByteBuffer;

/**
 * The common case, an ARP request we answer, on bytes: checks the fields {@link PacketProcessor}
 * checks and writes the reply by patching a template, without the decoded records. Anything else
 * returns null and takes the record path, which also names the drop reason. On this 2-vCPU VM the
 * record path cost ~10 us per request with cold caches (a request every few ms); {@code
 * ArpFastPathTest} keeps both paths byte-identical.
 */
final class ArpFastPath {
  // RFC 826 offsets after the 14-byte Ethernet header (see ArpCodec's diagram)
  private static final int OPER = 20;
  private static final int SHA = 22;
  private static final int SPA = 28;
  private static final int TPA = 38;

  /** htype 1, ptype 0x0800, hlen 6, plen 4 (RFC 826), at offset 14. */
  private static final long ARP_ETHERNET_IPV4 = 0x0001_0800_0604L;

  private ArpFastPath() {}

  static FrameVerdict.Reply reply(ByteBuffer frame, LocalInterface iface, OwnedAddresses owned) {
    int base = frame.position();
    if (frame.remaining() < ArpCodec.FRAME_LENGTH || !frame.hasArray()) {
      return null;
    }
    if ((frame.getShort(base + 12) & 0xFFFF) != ArpCodec.ETHERTYPE_ARP
        || MacAddress.read(frame, base + 6).equals(iface.mac())) {
      return null; // not ARP, or our own frame
    }
    long header = ((long) frame.getInt(base + 14) << 16) | (frame.getShort(base + 18) & 0xFFFF);
    if ((header & 0xFFFF_FFFF_FFFFL) != ARP_ETHERNET_IPV4
        || frame.getShort(base + OPER) != ArpPacket.REQUEST) {
      return null;
    }
    long ethDst =
        ((long) (frame.getShort(base) & 0xFFFF) << 32) | (frame.getInt(base + 2) & 0xFFFF_FFFFL);
    if (ethDst != MacAddress.BROADCAST.value() && ethDst != iface.mac().value()) {
      return null;
    }
    int spa = frame.getInt(base + SPA);
    int tpa = frame.getInt(base + TPA);
    if (spa == tpa) {
      return null;
    }
    IpAddress target = IpAddress.v4(tpa & 0xFFFF_FFFFL);
    if (owned.check(target, iface.name()) != OwnedAddresses.Ownership.ALLOWED) {
      return null;
    }
    byte[] in = frame.array();
    int a = frame.arrayOffset() + base;
    byte[] out = new byte[ArpCodec.MIN_ETHERNET_FRAME];
    ByteBuffer b = ByteBuffer.wrap(out);
    System.arraycopy(in, a + SHA, out, 0, MacAddress.LENGTH); // to the requester's hardware address
    iface.mac().write(b, 6);
    b.putShort(12, (short) ArpCodec.ETHERTYPE_ARP);
    b.putInt(14, (int) (ARP_ETHERNET_IPV4 >>> 16));
    b.putShort(18, (short) ARP_ETHERNET_IPV4);
    b.putShort(OPER, (short) ArpPacket.REPLY);
    iface.mac().write(b, SHA);
    b.putInt(SPA, tpa);
    System.arraycopy(
        in, a + SHA, out, 32, MacAddress.LENGTH + 4); // THA, TPA = requester's SHA, SPA
    return new FrameVerdict.Reply(out, target);
  }
}
