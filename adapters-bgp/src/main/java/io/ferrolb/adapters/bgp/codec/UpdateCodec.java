package io.ferrolb.adapters.bgp.codec;

import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpFamily;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * UPDATE body (RFC 4271 §4.3).
 *
 * <pre>
 * +-----------------------------------------------------+
 * |   Withdrawn Routes Length (2 octets)                |
 * +-----------------------------------------------------+
 * |   Withdrawn Routes (variable)                       |
 * +-----------------------------------------------------+
 * |   Total Path Attribute Length (2 octets)            |
 * +-----------------------------------------------------+
 * |   Path Attributes (variable)                        |
 * +-----------------------------------------------------+
 * |   Network Layer Reachability Information (variable) |
 * +-----------------------------------------------------+
 * </pre>
 */
public final class UpdateCodec {
  static final int FIXED_LENGTH = 4; // the two length fields

  private UpdateCodec() {}

  public static Update decode(ByteBuf in, boolean fourOctetAs) {
    if (in.readableBytes() < FIXED_LENGTH) {
      throw new BgpProtocolException(
          BgpError.BAD_MESSAGE_LENGTH,
          "UPDATE body: " + in.readableBytes() + " octets (expected: >= 4)");
    }
    int withdrawnLen = in.readUnsignedShort();
    if (withdrawnLen + 2 > in.readableBytes()) {
      throw new BgpProtocolException(
          BgpError.MALFORMED_ATTRIBUTE_LIST,
          "UPDATE withdrawn routes length "
              + withdrawnLen
              + ": "
              + in.readableBytes()
              + " octets left (expected: <= "
              + (in.readableBytes() - 2)
              + ")");
    }
    List<Cidr> withdrawn =
        PrefixCodec.decodeAll(
            in.readSlice(withdrawnLen), IpFamily.IPV4, BgpError.INVALID_NETWORK_FIELD);
    int attrLen = in.readUnsignedShort();
    if (attrLen > in.readableBytes()) {
      throw new BgpProtocolException(
          BgpError.MALFORMED_ATTRIBUTE_LIST,
          "UPDATE total path attribute length "
              + attrLen
              + ": "
              + in.readableBytes()
              + " octets left (expected: <=)");
    }
    ByteBuf attrs = in.readSlice(attrLen);
    List<PathAttribute> attributes = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    while (attrs.isReadable()) {
      PathAttribute a = PathAttributeCodec.decode(attrs, fourOctetAs);
      if (!seen.add(a.typeCode())) {
        throw new BgpProtocolException(
            BgpError.MALFORMED_ATTRIBUTE_LIST,
            "UPDATE path attribute " + a.typeCode() + ": appears twice (expected: once)");
      }
      attributes.add(a);
    }
    List<Cidr> nlri = PrefixCodec.decodeAll(in, IpFamily.IPV4, BgpError.INVALID_NETWORK_FIELD);
    boolean mpReach =
        attributes.stream()
            .anyMatch(a -> a instanceof PathAttribute.MpReach r && !r.nlri().isEmpty());
    if (!nlri.isEmpty() || mpReach) {
      requireAttribute(seen, PathAttribute.ORIGIN, "ORIGIN");
      requireAttribute(seen, PathAttribute.AS_PATH, "AS_PATH");
    }
    if (!nlri.isEmpty()) {
      requireAttribute(seen, PathAttribute.NEXT_HOP, "NEXT_HOP");
    }
    return new Update(withdrawn, attributes, nlri);
  }

  private static void requireAttribute(Set<Integer> seen, int type, String name) {
    if (!seen.contains(type)) {
      // RFC 4271 §6.3: data = the type code of the missing attribute
      throw new BgpProtocolException(
          BgpError.MISSING_WELL_KNOWN_ATTRIBUTE,
          Octets.of(type),
          "UPDATE with NLRI: " + name + " missing (expected: ORIGIN, AS_PATH, NEXT_HOP)");
    }
  }

  public static void encode(Update u, ByteBuf out, boolean fourOctetAs) {
    int wIndex = out.writerIndex();
    out.writeShort(0);
    for (Cidr c : u.withdrawn()) {
      PrefixCodec.encode(c, out);
    }
    out.setShort(wIndex, out.writerIndex() - wIndex - 2);
    int aIndex = out.writerIndex();
    out.writeShort(0);
    for (PathAttribute a : u.attributes()) {
      PathAttributeCodec.encode(a, out, fourOctetAs);
    }
    out.setShort(aIndex, out.writerIndex() - aIndex - 2);
    for (Cidr c : u.nlri()) {
      PrefixCodec.encode(c, out);
    }
  }
}
