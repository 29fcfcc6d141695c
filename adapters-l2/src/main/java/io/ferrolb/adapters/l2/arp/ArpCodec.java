package io.ferrolb.adapters.l2.arp;

import io.ferrolb.adapters.l2.DropReason;
import io.ferrolb.adapters.l2.MacAddress;
import io.ferrolb.adapters.l2.MalformedFrameException;
import io.ferrolb.domain.pool.IpAddress;
import java.nio.ByteBuffer;

/**
 * Ethernet II + ARP for IPv4 over Ethernet, as pure functions over {@link ByteBuffer} (absolute
 * offsets from the buffer's position; the buffer is never moved).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Ethernet destination (6) ... | Ethernet source (6) ...       |
 * |  ...                          | EtherType 0x0806              |  offsets 0, 6, 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  HTYPE = 1 (Ethernet)         |  PTYPE = 0x0800 (IPv4)        |  14, 16
 * |  HLEN = 6     |  PLEN = 4     |  OPER (1 request, 2 reply)    |  18, 19, 20
 * |  SHA (6) ...  SPA (4) ...  THA (6) ...  TPA (4)               |  22, 28, 32, 38
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * (RFC 826; Ethernet II per IEEE 802.3 with a type field.) Encoded frames are padded with zeros to
 * the 60-byte Ethernet minimum (64 with the FCS the NIC adds).
 */
public final class ArpCodec {

  public static final int ETHERTYPE_ARP = 0x0806; // IEEE EtherType registry
  static final int ETHERTYPE_IPV4 = 0x0800;
  static final int HTYPE_ETHERNET = 1; // IANA arp-parameters "Hardware Types"

  static final int ETH_DST = 0;
  static final int ETH_SRC = 6;
  static final int ETH_TYPE = 12;
  static final int HTYPE = 14;
  static final int PTYPE = 16;
  static final int HLEN = 18;
  static final int PLEN = 19;
  static final int OPER = 20;
  static final int SHA = 22;
  static final int SPA = 28;
  static final int THA = 32;
  static final int TPA = 38;

  /** Ethernet header (14) + ARP for IPv4 over Ethernet (28). */
  public static final int FRAME_LENGTH = 42;

  /** Minimum Ethernet frame without FCS (IEEE 802.3 §3.2.8: 64 bytes with the 4-byte FCS). */
  public static final int MIN_ETHERNET_FRAME = 60;

  private ArpCodec() {}

  /**
   * Decodes an Ethernet frame carrying ARP for IPv4 over Ethernet.
   *
   * @throws MalformedFrameException with {@link DropReason#NOT_ARP_OR_NDP} for another EtherType,
   *     {@link DropReason#MALFORMED} for a short frame or unsupported hardware/protocol type
   */
  public static ArpPacket decode(ByteBuffer frame) {
    int base = frame.position();
    int len = frame.remaining();
    if (len < 14) {
      throw new MalformedFrameException(
          DropReason.MALFORMED, "Ethernet frame: " + len + " bytes (expected: >= 14)");
    }
    int type = frame.getShort(base + ETH_TYPE) & 0xFFFF;
    if (type != ETHERTYPE_ARP) {
      throw new MalformedFrameException(
          DropReason.NOT_ARP_OR_NDP,
          "EtherType 0x" + Integer.toHexString(type) + " (expected: 0x0806 ARP)");
    }
    if (len < FRAME_LENGTH) {
      throw new MalformedFrameException(
          DropReason.MALFORMED, "ARP frame: " + len + " bytes (expected: >= 42)");
    }
    int htype = frame.getShort(base + HTYPE) & 0xFFFF;
    int ptype = frame.getShort(base + PTYPE) & 0xFFFF;
    int hlen = frame.get(base + HLEN) & 0xFF;
    int plen = frame.get(base + PLEN) & 0xFF;
    if (htype != HTYPE_ETHERNET || ptype != ETHERTYPE_IPV4 || hlen != 6 || plen != 4) {
      throw new MalformedFrameException(
          DropReason.MALFORMED,
          "ARP htype "
              + htype
              + " ptype 0x"
              + Integer.toHexString(ptype)
              + " hlen "
              + hlen
              + " plen "
              + plen
              + " (expected: 1, 0x800, 6, 4)");
    }
    return new ArpPacket(
        MacAddress.read(frame, base + ETH_DST),
        MacAddress.read(frame, base + ETH_SRC),
        frame.getShort(base + OPER) & 0xFFFF,
        MacAddress.read(frame, base + SHA),
        IpAddress.v4(frame.getInt(base + SPA) & 0xFFFF_FFFFL),
        MacAddress.read(frame, base + THA),
        IpAddress.v4(frame.getInt(base + TPA) & 0xFFFF_FFFFL));
  }

  /** Encodes into a fresh 60-byte frame (zero padding after byte 42). */
  public static byte[] encode(ArpPacket p) {
    byte[] out = new byte[MIN_ETHERNET_FRAME];
    ByteBuffer b = ByteBuffer.wrap(out);
    p.ethernetDestination().write(b, ETH_DST);
    p.ethernetSource().write(b, ETH_SRC);
    b.putShort(ETH_TYPE, (short) ETHERTYPE_ARP);
    b.putShort(HTYPE, (short) HTYPE_ETHERNET);
    b.putShort(PTYPE, (short) ETHERTYPE_IPV4);
    b.put(HLEN, (byte) 6);
    b.put(PLEN, (byte) 4);
    b.putShort(OPER, (short) p.operation());
    p.senderHardware().write(b, SHA);
    b.putInt(SPA, (int) p.senderProtocol().lo());
    p.targetHardware().write(b, THA);
    b.putInt(TPA, (int) p.targetProtocol().lo());
    return out;
  }

  /**
   * The reply to {@code request}, sent by {@code ourMac}: unicast to the requester's sender
   * hardware address, claiming the requested target address (RFC 826 "packet reception").
   */
  public static ArpPacket reply(ArpPacket request, MacAddress ourMac) {
    return new ArpPacket(
        request.senderHardware(),
        ourMac,
        ArpPacket.REPLY,
        ourMac,
        request.targetProtocol(),
        request.senderHardware(),
        request.senderProtocol());
  }

  /**
   * Gratuitous ARP request (an "ARP Announcement", RFC 5227 §3): broadcast, sender = target = vip,
   * target hardware address zero (RFC 5227 §2.3: ignored, SHOULD be zero).
   */
  public static ArpPacket gratuitousRequest(IpAddress vip, MacAddress ourMac) {
    return new ArpPacket(
        MacAddress.BROADCAST, ourMac, ArpPacket.REQUEST, ourMac, vip, MacAddress.ZERO, vip);
  }

  /**
   * Gratuitous ARP reply: broadcast, sender = target = vip, target hardware broadcast (what iputils
   * {@code arping -A} and MetalLB send; some old stacks only update on replies).
   */
  public static ArpPacket gratuitousReply(IpAddress vip, MacAddress ourMac) {
    return new ArpPacket(
        MacAddress.BROADCAST, ourMac, ArpPacket.REPLY, ourMac, vip, MacAddress.BROADCAST, vip);
  }
}
