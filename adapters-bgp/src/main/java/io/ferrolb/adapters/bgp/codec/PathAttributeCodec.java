package io.ferrolb.adapters.bgp.codec;

import io.ferrolb.adapters.bgp.codec.PathAttribute.AsPath;
import io.ferrolb.adapters.bgp.codec.PathAttribute.Communities;
import io.ferrolb.adapters.bgp.codec.PathAttribute.LargeCommunities;
import io.ferrolb.adapters.bgp.codec.PathAttribute.LocalPref;
import io.ferrolb.adapters.bgp.codec.PathAttribute.MpReach;
import io.ferrolb.adapters.bgp.codec.PathAttribute.MpUnreach;
import io.ferrolb.adapters.bgp.codec.PathAttribute.MultiExitDisc;
import io.ferrolb.adapters.bgp.codec.PathAttribute.NextHop;
import io.ferrolb.adapters.bgp.codec.PathAttribute.Origin;
import io.ferrolb.adapters.bgp.codec.PathAttribute.Segment;
import io.ferrolb.adapters.bgp.codec.PathAttribute.Unknown;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One path attribute (RFC 4271 §4.3): flags, type code, 1- or 2-octet length, value.
 *
 * <pre>
 *  0                   1
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Attr. Flags  |Attr. Type Code|  Flags: O T P E (optional, transitive, partial, ext. length)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Length (1 or 2 octets) | Value ...
 * </pre>
 */
public final class PathAttributeCodec {
  static final int FLAG_OPTIONAL = 0x80;
  static final int FLAG_TRANSITIVE = 0x40;
  static final int FLAG_PARTIAL = 0x20;
  static final int FLAG_EXTENDED_LENGTH = 0x10;
  private static final int WELL_KNOWN = FLAG_TRANSITIVE;
  private static final int OPTIONAL_TRANSITIVE = FLAG_OPTIONAL | FLAG_TRANSITIVE;
  private static final int LINK_LOCAL_NEXT_HOP_LENGTH = 32; // RFC 2545 §3: global + link-local

  private PathAttributeCodec() {}

  /** Decodes one attribute; {@code fourOctetAs} selects the AS_PATH ASN width (RFC 6793). */
  public static PathAttribute decode(ByteBuf in, boolean fourOctetAs) {
    if (in.readableBytes() < 3) {
      throw new BgpProtocolException(
          BgpError.MALFORMED_ATTRIBUTE_LIST, "path attribute: truncated header");
    }
    int flags = in.readUnsignedByte();
    int type = in.readUnsignedByte();
    boolean extended = (flags & FLAG_EXTENDED_LENGTH) != 0;
    if (extended && in.readableBytes() < 2) {
      throw new BgpProtocolException(
          BgpError.MALFORMED_ATTRIBUTE_LIST, "path attribute " + type + ": truncated length");
    }
    int len = extended ? in.readUnsignedShort() : in.readUnsignedByte();
    if (len > in.readableBytes()) {
      throw new BgpProtocolException(
          BgpError.MALFORMED_ATTRIBUTE_LIST,
          "path attribute "
              + type
              + " length "
              + len
              + ": "
              + in.readableBytes()
              + " octets left (expected: <=)");
    }
    ByteBuf v = in.readSlice(len);
    return switch (type) {
      case PathAttribute.ORIGIN -> {
        checkFlags(type, flags, WELL_KNOWN, v, len);
        fixedLength(type, flags, len, 1, v);
        int o = v.readUnsignedByte();
        if (o > 2) {
          throw new BgpProtocolException(
              BgpError.INVALID_ORIGIN_ATTRIBUTE,
              attributeData(type, flags, len, v),
              "ORIGIN " + o + ": undefined (expected: 0 IGP, 1 EGP, 2 INCOMPLETE)");
        }
        yield new Origin(PathAttribute.OriginType.values()[o]);
      }
      case PathAttribute.AS_PATH -> {
        checkFlags(type, flags, WELL_KNOWN, v, len);
        yield decodeAsPath(v, fourOctetAs);
      }
      case PathAttribute.NEXT_HOP -> {
        checkFlags(type, flags, WELL_KNOWN, v, len);
        fixedLength(type, flags, len, 4, v);
        IpAddress nh = IpAddress.v4(v.readUnsignedInt());
        if (nh.lo() == 0 || (nh.lo() >>> 28) == 0xE || (nh.lo() >>> 24) == 0x7F) {
          throw new BgpProtocolException(
              BgpError.INVALID_NEXT_HOP_ATTRIBUTE,
              attributeData(type, flags, len, v),
              "NEXT_HOP " + nh + ": not a unicast host address");
        }
        yield new NextHop(nh);
      }
      case PathAttribute.MULTI_EXIT_DISC -> {
        fixedLength(type, flags, len, 4, v);
        yield new MultiExitDisc(v.readUnsignedInt());
      }
      case PathAttribute.LOCAL_PREF -> {
        checkFlags(type, flags, WELL_KNOWN, v, len);
        fixedLength(type, flags, len, 4, v);
        yield new LocalPref(v.readUnsignedInt());
      }
      case PathAttribute.COMMUNITIES -> {
        if (len % 4 != 0) {
          throw lengthError(type, flags, len, v, "a multiple of 4");
        }
        List<Community> cs = new ArrayList<>(len / 4);
        while (v.isReadable()) {
          cs.add(new Community(v.readUnsignedInt()));
        }
        yield new Communities(cs);
      }
      case PathAttribute.LARGE_COMMUNITY -> {
        if (len % 12 != 0) {
          throw lengthError(type, flags, len, v, "a multiple of 12");
        }
        List<LargeCommunity> cs = new ArrayList<>(len / 12);
        while (v.isReadable()) {
          cs.add(new LargeCommunity(v.readUnsignedInt(), v.readUnsignedInt(), v.readUnsignedInt()));
        }
        yield new LargeCommunities(cs);
      }
      case PathAttribute.MP_REACH_NLRI -> decodeMpReach(flags, v, len);
      case PathAttribute.MP_UNREACH_NLRI -> decodeMpUnreach(flags, v, len);
      default -> {
        // ATOMIC_AGGREGATE is well-known (discretionary): kept as it came, value and all
        if ((flags & FLAG_OPTIONAL) == 0 && type != PathAttribute.ATOMIC_AGGREGATE) {
          throw new BgpProtocolException(
              BgpError.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
              attributeData(type, flags, len, v),
              "path attribute " + type + ": unrecognized well-known attribute");
        }
        byte[] b = new byte[len];
        v.readBytes(b);
        yield new Unknown(flags & ~FLAG_EXTENDED_LENGTH, type, new Octets(b));
      }
    };
  }

  private static AsPath decodeAsPath(ByteBuf v, boolean fourOctetAs) {
    int width = fourOctetAs ? 4 : 2;
    List<Segment> segments = new ArrayList<>();
    while (v.isReadable()) {
      if (v.readableBytes() < 2) {
        throw new BgpProtocolException(BgpError.MALFORMED_AS_PATH, "AS_PATH: truncated segment");
      }
      int segType = v.readUnsignedByte();
      int count = v.readUnsignedByte();
      Optional<PathAttribute.SegmentType> st = PathAttribute.SegmentType.of(segType);
      if (st.isEmpty()) {
        throw new BgpProtocolException(
            BgpError.MALFORMED_AS_PATH, "AS_PATH segment type " + segType + ": undefined");
      }
      if (count == 0 || count * width > v.readableBytes()) {
        throw new BgpProtocolException(
            BgpError.MALFORMED_AS_PATH,
            "AS_PATH segment of "
                + count
                + " ASNs: "
                + v.readableBytes()
                + " octets left (expected: "
                + count * width
                + ", count >= 1)");
      }
      List<Long> asns = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        asns.add(fourOctetAs ? v.readUnsignedInt() : (long) v.readUnsignedShort());
      }
      segments.add(new Segment(st.get(), asns));
    }
    return new AsPath(segments);
  }

  private static PathAttribute decodeMpReach(int flags, ByteBuf v, int len) {
    int type = PathAttribute.MP_REACH_NLRI;
    if (len < 5) {
      throw lengthError(type, flags, len, v, ">= 5");
    }
    ByteBuf whole = v.duplicate();
    AddressFamily family = new AddressFamily(v.readUnsignedShort(), v.readUnsignedByte());
    Optional<IpFamily> ipFamily = family.ipFamily();
    if (ipFamily.isEmpty()) {
      byte[] b = new byte[len];
      whole.readBytes(b);
      return new Unknown(flags & ~FLAG_EXTENDED_LENGTH, type, new Octets(b));
    }
    int nhLen = v.readUnsignedByte();
    int width = ipFamily.get().bits() / 8;
    boolean linkLocal = ipFamily.get() == IpFamily.IPV6 && nhLen == LINK_LOCAL_NEXT_HOP_LENGTH;
    if ((nhLen != width && !linkLocal) || v.readableBytes() < nhLen + 1) {
      throw new BgpProtocolException(
          BgpError.OPTIONAL_ATTRIBUTE_ERROR,
          "MP_REACH_NLRI " + family + " next hop length " + nhLen + " (expected: " + width + ")");
    }
    IpAddress nh = readAddress(v, width);
    Optional<IpAddress> ll = linkLocal ? Optional.of(readAddress(v, width)) : Optional.empty();
    v.skipBytes(1); // reserved (RFC 4760 §3)
    List<Cidr> nlri = PrefixCodec.decodeAll(v, ipFamily.get(), BgpError.OPTIONAL_ATTRIBUTE_ERROR);
    return new MpReach(family, nh, ll, nlri);
  }

  private static PathAttribute decodeMpUnreach(int flags, ByteBuf v, int len) {
    int type = PathAttribute.MP_UNREACH_NLRI;
    if (len < 3) {
      throw lengthError(type, flags, len, v, ">= 3");
    }
    ByteBuf whole = v.duplicate();
    AddressFamily family = new AddressFamily(v.readUnsignedShort(), v.readUnsignedByte());
    Optional<IpFamily> ipFamily = family.ipFamily();
    if (ipFamily.isEmpty()) {
      byte[] b = new byte[len];
      whole.readBytes(b);
      return new Unknown(flags & ~FLAG_EXTENDED_LENGTH, type, new Octets(b));
    }
    return new MpUnreach(
        family, PrefixCodec.decodeAll(v, ipFamily.get(), BgpError.OPTIONAL_ATTRIBUTE_ERROR));
  }

  private static IpAddress readAddress(ByteBuf v, int width) {
    byte[] b = new byte[width];
    v.readBytes(b);
    return IpAddress.fromBytes(b);
  }

  private static void checkFlags(int type, int flags, int expected, ByteBuf v, int len) {
    int relevant = flags & (FLAG_OPTIONAL | FLAG_TRANSITIVE);
    if (relevant != expected) {
      throw new BgpProtocolException(
          BgpError.ATTRIBUTE_FLAGS_ERROR,
          attributeData(type, flags, len, v),
          "path attribute "
              + type
              + " flags 0x"
              + Integer.toHexString(flags)
              + ": optional/transitive bits wrong (expected: 0x"
              + Integer.toHexString(expected)
              + ")");
    }
  }

  private static void fixedLength(int type, int flags, int len, int expected, ByteBuf v) {
    if (len != expected) {
      throw lengthError(type, flags, len, v, String.valueOf(expected));
    }
  }

  private static BgpProtocolException lengthError(
      int type, int flags, int len, ByteBuf v, String expected) {
    return new BgpProtocolException(
        BgpError.ATTRIBUTE_LENGTH_ERROR,
        attributeData(type, flags, len, v),
        "path attribute " + type + " length " + len + " (expected: " + expected + ")");
  }

  /** RFC 4271 §6.3: the data field holds the erroneous attribute (type, length, value). */
  private static Octets attributeData(int type, int flags, int len, ByteBuf v) {
    ByteBuf d = v.duplicate().readerIndex(0);
    boolean extended = (flags & FLAG_EXTENDED_LENGTH) != 0;
    byte[] out = new byte[(extended ? 4 : 3) + d.readableBytes()];
    out[0] = (byte) flags;
    out[1] = (byte) type;
    int off = 2;
    if (extended) {
      out[off++] = (byte) (len >>> 8);
    }
    out[off++] = (byte) len;
    d.readBytes(out, off, d.readableBytes());
    return new Octets(out);
  }

  public static void encode(PathAttribute a, ByteBuf out, boolean fourOctetAs) {
    int flags = defaultFlags(a);
    int start = out.writerIndex();
    out.writeByte(flags | FLAG_EXTENDED_LENGTH); // fixed up below if the value is short
    out.writeByte(a.typeCode());
    out.writeShort(0);
    int valueStart = out.writerIndex();
    encodeValue(a, out, fourOctetAs);
    int len = out.writerIndex() - valueStart;
    if (len > 255) {
      out.setShort(start + 2, len);
    } else {
      // shift the value one octet left and use the 1-octet length
      out.setByte(start, flags & ~FLAG_EXTENDED_LENGTH);
      out.setByte(start + 2, len);
      out.setBytes(start + 3, out, valueStart, len);
      out.writerIndex(out.writerIndex() - 1);
    }
  }

  private static int defaultFlags(PathAttribute a) {
    if (a instanceof Origin
        || a instanceof AsPath
        || a instanceof NextHop
        || a instanceof LocalPref) {
      return WELL_KNOWN;
    }
    if (a instanceof Communities || a instanceof LargeCommunities) {
      return OPTIONAL_TRANSITIVE;
    }
    if (a instanceof MultiExitDisc || a instanceof MpReach || a instanceof MpUnreach) {
      return FLAG_OPTIONAL;
    }
    return ((Unknown) a).flags() & ~FLAG_EXTENDED_LENGTH;
  }

  private static void encodeValue(PathAttribute a, ByteBuf out, boolean fourOctetAs) {
    if (a instanceof Origin o) {
      out.writeByte(o.value().ordinal());
    } else if (a instanceof AsPath p) {
      for (Segment s : p.segments()) {
        out.writeByte(s.type().code());
        out.writeByte(s.asns().size());
        for (long asn : s.asns()) {
          if (fourOctetAs) {
            out.writeInt((int) asn);
          } else {
            out.writeShort(asn > 0xFFFF ? Open.AS_TRANS : (int) asn);
          }
        }
      }
    } else if (a instanceof NextHop nh) {
      out.writeInt((int) nh.address().lo());
    } else if (a instanceof MultiExitDisc m) {
      out.writeInt((int) m.value());
    } else if (a instanceof LocalPref lp) {
      out.writeInt((int) lp.value());
    } else if (a instanceof Communities cs) {
      for (Community c : cs.values()) {
        out.writeInt((int) c.value());
      }
    } else if (a instanceof LargeCommunities cs) {
      for (LargeCommunity c : cs.values()) {
        out.writeInt((int) c.globalAdmin());
        out.writeInt((int) c.localData1());
        out.writeInt((int) c.localData2());
      }
    } else if (a instanceof MpReach r) {
      out.writeShort(r.family().afi());
      out.writeByte(r.family().safi());
      byte[] nh = r.nextHop().toBytes();
      out.writeByte(nh.length * (r.linkLocalNextHop().isPresent() ? 2 : 1));
      out.writeBytes(nh);
      r.linkLocalNextHop().ifPresent(ll -> out.writeBytes(ll.toBytes()));
      out.writeByte(0); // reserved
      for (Cidr c : r.nlri()) {
        PrefixCodec.encode(c, out);
      }
    } else if (a instanceof MpUnreach u) {
      out.writeShort(u.family().afi());
      out.writeByte(u.family().safi());
      for (Cidr c : u.withdrawn()) {
        PrefixCodec.encode(c, out);
      }
    } else if (a instanceof Unknown u) {
      out.writeBytes(u.value().bytes());
    }
  }
}
