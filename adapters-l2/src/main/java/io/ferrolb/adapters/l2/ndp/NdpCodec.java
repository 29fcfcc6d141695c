package io.ferrolb.adapters.l2.ndp;

import io.ferrolb.adapters.l2.DropReason;
import io.ferrolb.adapters.l2.MacAddress;
import io.ferrolb.adapters.l2.MalformedFrameException;
import io.ferrolb.domain.pool.IpAddress;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Ethernet II + IPv6 + ICMPv6 Neighbor Solicitation / Advertisement, as pure functions over {@link
 * ByteBuffer} (absolute offsets from the buffer's position).
 *
 * <pre>
 * Ethernet: dst(6) src(6) type 0x86DD                                    offsets 0, 6, 12
 * IPv6 (RFC 8200 §3):                                                    base 14
 *  |Version| Traffic Class |           Flow Label                  |
 *  |         Payload Length        |  Next Hdr = 58 |  Hop Limit   |   +4, +6, +7
 *  |                   Source Address (16)                          |   +8
 *  |                Destination Address (16)                        |   +24
 * ICMPv6 NS (RFC 4861 §4.3) / NA (§4.4):                                 base 54
 *  |     Type      |     Code      |          Checksum             |   135 NS / 136 NA
 *  |R|S|O|                     Reserved                            |   (NA flags; NS: reserved)
 *  |                       Target Address (16)                      |   +8
 *  |   Options ... (Type, Length in 8-octet units, value)           |   +24
 * </pre>
 */
public final class NdpCodec {

  public static final int ETHERTYPE_IPV6 = 0x86DD; // IEEE EtherType registry
  static final int NEXT_HEADER_ICMPV6 = 58; // IANA protocol numbers
  public static final int TYPE_NEIGHBOR_SOLICITATION = 135; // RFC 4861 §4.3
  public static final int TYPE_NEIGHBOR_ADVERTISEMENT = 136; // RFC 4861 §4.4
  static final int OPTION_SOURCE_LINK_LAYER = 1; // RFC 4861 §4.6.1
  static final int OPTION_TARGET_LINK_LAYER = 2; // RFC 4861 §4.6.1

  /** RFC 4861 §7.1.1 / §7.2.2: NDP messages are sent and accepted only with hop limit 255. */
  public static final int NDP_HOP_LIMIT = 255;

  static final int ETH_DST = 0;
  static final int ETH_SRC = 6;
  static final int ETH_TYPE = 12;
  static final int IP = 14;
  static final int IP_PAYLOAD_LENGTH = IP + 4;
  static final int IP_NEXT_HEADER = IP + 6;
  static final int IP_HOP_LIMIT = IP + 7;
  static final int IP_SRC = IP + 8;
  static final int IP_DST = IP + 24;
  static final int ICMP = IP + 40;
  static final int ICMP_CHECKSUM = ICMP + 2;
  static final int ICMP_FLAGS = ICMP + 4;
  static final int ICMP_TARGET = ICMP + 8;
  static final int ICMP_OPTIONS = ICMP + 24;

  /** Fixed part of NS/NA: type, code, checksum, reserved/flags, target (RFC 4861 §7.1.1: >= 24). */
  static final int NS_MIN_LENGTH = 24;

  static final int FLAG_ROUTER = 0x80; // RFC 4861 §4.4
  static final int FLAG_SOLICITED = 0x40;
  static final int FLAG_OVERRIDE = 0x20;

  /** ff02::1, all-nodes link-local multicast (RFC 4291 §2.7.1). */
  public static final IpAddress ALL_NODES = IpAddress.v6(0xFF02_0000_0000_0000L, 1);

  private NdpCodec() {}

  /**
   * Decodes and validates a Neighbor Solicitation per RFC 4861 §7.1.1 (hop limit 255, checksum,
   * code 0, length >= 24, target not multicast, option lengths non-zero, DAD rules).
   *
   * @throws MalformedFrameException whose {@link MalformedFrameException#reason()} says why
   */
  public static NeighborSolicitation decodeSolicitation(ByteBuffer frame) {
    int base = frame.position();
    int len = frame.remaining();
    if (len < 14) {
      throw malformed("Ethernet frame: " + len + " bytes (expected: >= 14)");
    }
    int type = frame.getShort(base + ETH_TYPE) & 0xFFFF;
    if (type != ETHERTYPE_IPV6) {
      throw new MalformedFrameException(
          DropReason.NOT_ARP_OR_NDP,
          "EtherType 0x" + Integer.toHexString(type) + " (expected: 0x86dd IPv6)");
    }
    if (len < ICMP) {
      throw malformed("IPv6 frame: " + len + " bytes (expected: >= 54)");
    }
    int version = (frame.get(base + IP) & 0xFF) >>> 4;
    if (version != 6) {
      throw malformed("IP version " + version + " (expected: 6)");
    }
    int payload = frame.getShort(base + IP_PAYLOAD_LENGTH) & 0xFFFF;
    if (ICMP + payload > len) {
      throw malformed(
          "IPv6 payload length " + payload + ": frame has " + (len - ICMP) + " bytes after header");
    }
    int next = frame.get(base + IP_NEXT_HEADER) & 0xFF;
    if (next != NEXT_HEADER_ICMPV6) {
      throw new MalformedFrameException(
          DropReason.NOT_ARP_OR_NDP, "IPv6 next header " + next + " (expected: 58 ICMPv6)");
    }
    if (payload < 1) {
      throw malformed("ICMPv6 length 0 (expected: >= 24 for NS)");
    }
    int icmpType = frame.get(base + ICMP) & 0xFF;
    if (icmpType != TYPE_NEIGHBOR_SOLICITATION) {
      throw new MalformedFrameException(
          DropReason.NOT_NEIGHBOR_SOLICITATION, "ICMPv6 type " + icmpType + " (expected: 135)");
    }
    int hopLimit = frame.get(base + IP_HOP_LIMIT) & 0xFF;
    if (hopLimit != NDP_HOP_LIMIT) {
      throw new MalformedFrameException(
          DropReason.BAD_HOP_LIMIT,
          "NS hop limit " + hopLimit + " (expected: 255, RFC 4861 §7.1.1)");
    }
    if (payload < NS_MIN_LENGTH) {
      throw malformed("NS ICMPv6 length " + payload + " (expected: >= 24)");
    }
    if (checksum(frame, base, payload) != 0) {
      throw new MalformedFrameException(
          DropReason.BAD_CHECKSUM,
          "NS checksum 0x"
              + Integer.toHexString(frame.getShort(base + ICMP_CHECKSUM) & 0xFFFF)
              + " does not verify");
    }
    int code = frame.get(base + ICMP + 1) & 0xFF;
    if (code != 0) {
      throw malformed("NS code " + code + " (expected: 0)");
    }
    IpAddress source = readV6(frame, base + IP_SRC);
    IpAddress destination = readV6(frame, base + IP_DST);
    IpAddress target = readV6(frame, base + ICMP_TARGET);
    if (isMulticast(target)) {
      throw malformed("NS target " + target + " is multicast (RFC 4861 §7.1.1)");
    }
    Optional<MacAddress> slla = Optional.empty();
    int end = base + ICMP + payload;
    for (int o = base + ICMP_OPTIONS; o < end; ) {
      if (o + 2 > end) {
        throw malformed("NS option header truncated at " + (o - base));
      }
      int optType = frame.get(o) & 0xFF;
      int optLen = (frame.get(o + 1) & 0xFF) * 8;
      if (optLen == 0) {
        throw malformed("NS option type " + optType + " with length 0 (RFC 4861 §4.6)");
      }
      if (o + optLen > end) {
        throw malformed("NS option type " + optType + " runs past the packet");
      }
      if (optType == OPTION_SOURCE_LINK_LAYER) {
        if (optLen != 8) {
          throw malformed("SLLA option " + optLen + " bytes (expected: 8 for Ethernet)");
        }
        slla = Optional.of(MacAddress.read(frame, o + 2));
      }
      o += optLen;
    }
    NeighborSolicitation ns =
        new NeighborSolicitation(
            MacAddress.read(frame, base + ETH_DST),
            MacAddress.read(frame, base + ETH_SRC),
            source,
            destination,
            hopLimit,
            target,
            slla);
    if (ns.isDad()) {
      if (slla.isPresent()) {
        throw malformed("DAD NS (source ::) with a source link-layer option (RFC 4861 §7.1.1)");
      }
      if (!destination.equals(solicitedNodeMulticast(target))) {
        throw malformed("DAD NS to " + destination + " (expected: solicited-node multicast)");
      }
    }
    return ns;
  }

  /**
   * Encodes a Neighbor Solicitation (with its recorded hop limit, a valid checksum and the SLLA
   * option when present). Used by probes, tests and the warm-up; the responder never sends NS.
   */
  public static byte[] encodeSolicitation(NeighborSolicitation ns) {
    int icmpLength = NS_MIN_LENGTH + (ns.sourceLinkLayer().isPresent() ? 8 : 0);
    byte[] out = new byte[ICMP + icmpLength];
    ByteBuffer b = ByteBuffer.wrap(out);
    ns.ethernetDestination().write(b, ETH_DST);
    ns.ethernetSource().write(b, ETH_SRC);
    b.putShort(ETH_TYPE, (short) ETHERTYPE_IPV6);
    b.putInt(IP, 0x6000_0000); // version 6, traffic class 0, flow label 0
    b.putShort(IP_PAYLOAD_LENGTH, (short) icmpLength);
    b.put(IP_NEXT_HEADER, (byte) NEXT_HEADER_ICMPV6);
    b.put(IP_HOP_LIMIT, (byte) ns.hopLimit());
    writeV6(b, IP_SRC, ns.source());
    writeV6(b, IP_DST, ns.destination());
    b.put(ICMP, (byte) TYPE_NEIGHBOR_SOLICITATION);
    writeV6(b, ICMP_TARGET, ns.target());
    ns.sourceLinkLayer()
        .ifPresent(
            mac -> {
              b.put(ICMP_OPTIONS, (byte) OPTION_SOURCE_LINK_LAYER);
              b.put(ICMP_OPTIONS + 1, (byte) 1); // length in units of 8 octets
              mac.write(b, ICMP_OPTIONS + 2);
            });
    b.putShort(ICMP_CHECKSUM, (short) checksum(b, 0, icmpLength));
    return out;
  }

  /** Encodes a Neighbor Advertisement with hop limit 255 and a valid checksum. */
  public static byte[] encode(NeighborAdvertisement na) {
    int icmpLength = NS_MIN_LENGTH + (na.targetLinkLayer().isPresent() ? 8 : 0);
    byte[] out = new byte[ICMP + icmpLength];
    ByteBuffer b = ByteBuffer.wrap(out);
    na.ethernetDestination().write(b, ETH_DST);
    na.ethernetSource().write(b, ETH_SRC);
    b.putShort(ETH_TYPE, (short) ETHERTYPE_IPV6);
    b.putInt(IP, 0x6000_0000); // version 6, traffic class 0, flow label 0
    b.putShort(IP_PAYLOAD_LENGTH, (short) icmpLength);
    b.put(IP_NEXT_HEADER, (byte) NEXT_HEADER_ICMPV6);
    b.put(IP_HOP_LIMIT, (byte) NDP_HOP_LIMIT);
    writeV6(b, IP_SRC, na.source());
    writeV6(b, IP_DST, na.destination());
    b.put(ICMP, (byte) TYPE_NEIGHBOR_ADVERTISEMENT);
    int flags =
        (na.router() ? FLAG_ROUTER : 0)
            | (na.solicited() ? FLAG_SOLICITED : 0)
            | (na.override() ? FLAG_OVERRIDE : 0);
    b.put(ICMP_FLAGS, (byte) flags);
    writeV6(b, ICMP_TARGET, na.target());
    na.targetLinkLayer()
        .ifPresent(
            mac -> {
              b.put(ICMP_OPTIONS, (byte) OPTION_TARGET_LINK_LAYER);
              b.put(ICMP_OPTIONS + 1, (byte) 1); // length in units of 8 octets
              mac.write(b, ICMP_OPTIONS + 2);
            });
    b.putShort(ICMP_CHECKSUM, (short) checksum(b, 0, icmpLength));
    return out;
  }

  /**
   * Solicited NA answering {@code ns} for {@code ourMac}. Unicast to the NS source at the
   * source-link-layer option's MAC, or, when the NS carries none (a NUD unicast probe, as some
   * stacks send; NsProbeMain in it-tests sends one), at the frame's Ethernet source. S=1, O=0, like
   * MetalLB and RFC 4861 §7.2.4 for an address answered on another's behalf: the client's cache is
   * changed by our unsolicited NA (O=1) at takeover, and two speakers that both answer during a
   * split brain do not overwrite each other's entry on every solicitation. A DAD probe (source ::)
   * gets S=0, O=1 to ff02::1 (RFC 4861 §7.2.4), which defends the address.
   */
  public static NeighborAdvertisement solicitedReply(NeighborSolicitation ns, MacAddress ourMac) {
    if (ns.isDad()) {
      return new NeighborAdvertisement(
          multicastMac(ALL_NODES),
          ourMac,
          ns.target(),
          ALL_NODES,
          false,
          false,
          true,
          ns.target(),
          Optional.of(ourMac));
    }
    return new NeighborAdvertisement(
        ns.sourceLinkLayer().orElse(ns.ethernetSource()),
        ourMac,
        ns.target(),
        ns.source(),
        false,
        true,
        false,
        ns.target(),
        Optional.of(ourMac));
  }

  /** Unsolicited NA for takeover: to ff02::1, S=0, O=1, with the target link-layer option. */
  public static NeighborAdvertisement unsolicited(IpAddress vip, MacAddress ourMac) {
    return new NeighborAdvertisement(
        multicastMac(ALL_NODES),
        ourMac,
        vip,
        ALL_NODES,
        false,
        false,
        true,
        vip,
        Optional.of(ourMac));
  }

  /** ff02::1:ffXX:XXXX with the low 24 bits of {@code ip} (RFC 4291 §2.7.1). */
  public static IpAddress solicitedNodeMulticast(IpAddress ip) {
    requireV6(ip);
    return IpAddress.v6(0xFF02_0000_0000_0000L, 0x0000_0001_FF00_0000L | (ip.lo() & 0xFF_FFFFL));
  }

  /** 33:33 followed by the low 32 bits of an IPv6 multicast address (RFC 2464 §7). */
  public static MacAddress multicastMac(IpAddress group) {
    requireV6(group);
    return new MacAddress(0x3333_0000_0000L | (group.lo() & 0xFFFF_FFFFL));
  }

  public static boolean isMulticast(IpAddress ip) {
    return ip.isV6() && (ip.hi() >>> 56) == 0xFF; // ff00::/8, RFC 4291 §2.7
  }

  /**
   * The ICMPv6 checksum (RFC 4443 §2.3) over the pseudo-header (RFC 8200 §8.1) and {@code
   * icmpLength} bytes starting at the ICMPv6 header of the frame at {@code base}: 0 when an
   * existing checksum verifies, otherwise the value to write with the checksum field zeroed.
   */
  static int checksum(ByteBuffer frame, int base, int icmpLength) {
    long sum = 0;
    for (int i = 0; i < 32; i += 2) {
      sum += frame.getShort(base + IP_SRC + i) & 0xFFFF;
    }
    sum += icmpLength; // upper-layer packet length (32 bits; < 65536 here)
    sum += NEXT_HEADER_ICMPV6;
    int start = base + ICMP;
    int i = 0;
    for (; i + 1 < icmpLength; i += 2) {
      sum += frame.getShort(start + i) & 0xFFFF;
    }
    if (i < icmpLength) {
      sum += (frame.get(start + i) & 0xFF) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xFFFF) + (sum >>> 16);
    }
    return (int) (~sum & 0xFFFF);
  }

  static IpAddress readV6(ByteBuffer b, int offset) {
    return IpAddress.v6(b.getLong(offset), b.getLong(offset + 8));
  }

  static void writeV6(ByteBuffer b, int offset, IpAddress ip) {
    b.putLong(offset, ip.hi());
    b.putLong(offset + 8, ip.lo());
  }

  private static void requireV6(IpAddress ip) {
    if (!ip.isV6()) {
      throw new IllegalArgumentException("address " + ip + " (expected: IPv6)");
    }
  }

  private static MalformedFrameException malformed(String message) {
    return new MalformedFrameException(DropReason.MALFORMED, message);
  }
}
