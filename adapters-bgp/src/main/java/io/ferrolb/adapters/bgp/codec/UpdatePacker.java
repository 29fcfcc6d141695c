package io.ferrolb.adapters.bgp.codec;

import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Packs many prefixes that share attributes into as few UPDATEs as fit in 4096 octets (RFC 4271
 * §4.1), IPv4 in the NLRI field, other families in MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760).
 */
public final class UpdatePacker {
  private static final int MP_ATTR_HEADER = 4; // flags, type, 2-octet length (worst case)
  private static final int MP_REACH_FIXED = 5; // AFI, SAFI, next hop length, reserved
  private static final int MP_UNREACH_FIXED = 3; // AFI, SAFI

  private UpdatePacker() {}

  /**
   * UPDATEs announcing {@code prefixes} with {@code common} attributes (ORIGIN, AS_PATH,
   * LOCAL_PREF, communities ... but not NEXT_HOP or MP_REACH, which this adds).
   */
  public static List<Update> announce(
      List<PathAttribute> common,
      AddressFamily family,
      IpAddress nextHop,
      Optional<IpAddress> linkLocalNextHop,
      List<Cidr> prefixes,
      boolean fourOctetAs) {
    List<Update> out = new ArrayList<>();
    if (prefixes.isEmpty()) {
      return out;
    }
    boolean v4 = family.equals(AddressFamily.IPV4_UNICAST);
    List<PathAttribute> attrs = new ArrayList<>(common);
    if (v4) {
      attrs.add(new PathAttribute.NextHop(nextHop));
    }
    attrs.sort(Comparator.comparingInt(PathAttribute::typeCode));
    int fixed =
        BgpMessageCodec.HEADER_LENGTH + UpdateCodec.FIXED_LENGTH + encodedSize(attrs, fourOctetAs);
    if (!v4) {
      int nhLen = nextHop.toBytes().length * (linkLocalNextHop.isPresent() ? 2 : 1);
      fixed += MP_ATTR_HEADER + MP_REACH_FIXED + nhLen;
    }
    int room = BgpMessageCodec.MAX_MESSAGE_LENGTH - fixed;
    if (room < 17) {
      throw new IllegalArgumentException(
          "UPDATE attributes: " + fixed + " octets leave no room for NLRI (expected: < 4079)");
    }
    for (List<Cidr> chunk : chunks(prefixes, room)) {
      if (v4) {
        out.add(new Update(List.of(), attrs, chunk));
      } else {
        List<PathAttribute> a = new ArrayList<>(attrs);
        a.add(new PathAttribute.MpReach(family, nextHop, linkLocalNextHop, chunk));
        a.sort(Comparator.comparingInt(PathAttribute::typeCode));
        out.add(new Update(List.of(), a, List.of()));
      }
    }
    return out;
  }

  /** UPDATEs withdrawing {@code prefixes}. */
  public static List<Update> withdraw(AddressFamily family, List<Cidr> prefixes) {
    List<Update> out = new ArrayList<>();
    boolean v4 = family.equals(AddressFamily.IPV4_UNICAST);
    int fixed =
        BgpMessageCodec.HEADER_LENGTH
            + UpdateCodec.FIXED_LENGTH
            + (v4 ? 0 : MP_ATTR_HEADER + MP_UNREACH_FIXED);
    for (List<Cidr> chunk : chunks(prefixes, BgpMessageCodec.MAX_MESSAGE_LENGTH - fixed)) {
      out.add(
          v4
              ? new Update(chunk, List.of(), List.of())
              : new Update(
                  List.of(), List.of(new PathAttribute.MpUnreach(family, chunk)), List.of()));
    }
    return out;
  }

  private static List<List<Cidr>> chunks(List<Cidr> prefixes, int room) {
    List<List<Cidr>> out = new ArrayList<>();
    List<Cidr> cur = new ArrayList<>();
    int used = 0;
    for (Cidr c : prefixes) {
      int s = PrefixCodec.size(c);
      if (used + s > room) {
        out.add(cur);
        cur = new ArrayList<>();
        used = 0;
      }
      cur.add(c);
      used += s;
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }

  private static int encodedSize(List<PathAttribute> attrs, boolean fourOctetAs) {
    ByteBuf b = Unpooled.buffer();
    try {
      for (PathAttribute a : attrs) {
        PathAttributeCodec.encode(a, b, fourOctetAs);
      }
      return b.readableBytes();
    } finally {
      b.release();
    }
  }
}
