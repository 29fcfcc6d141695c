package io.ferrolb.adapters.bgp.codec;

import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpFamily;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * UPDATE body (RFC 4271 §4.3), with RFC 7606's revised error handling. An error in the framing (a
 * length field that overruns, an NLRI that does not parse) or in MP_REACH_NLRI / MP_UNREACH_NLRI
 * (whose routes then cannot be known) resets the session, as RFC 4271 §6.3 says; a well-framed but
 * malformed ORIGIN, AS_PATH, NEXT_HOP, MULTI_EXIT_DISC, LOCAL_PREF, COMMUNITIES or LARGE_COMMUNITY
 * attribute, or a missing well-known one, is "treat-as-withdraw" (RFC 7606 §3, §7; RFC 8092 §6):
 * the UPDATE decodes, marked {@link Update#treatedAsWithdraw}, and the session stays up. A repeated
 * attribute other than the MP ones, and a malformed ATOMIC_AGGREGATE, are discarded (§3 g, §7.6). A
 * router's one bad UPDATE then no longer withdraws every route the speaker announced to it.
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

  /**
   * The attributes whose malformed value RFC 7606 answers with treat-as-withdraw (§7.1-7.5, §7.8;
   * RFC 8092 §6). LOCAL_PREF from an external peer could be discarded instead (§7.5); withdrawing
   * is the stricter of the two, and the codec does not know the peer's kind.
   */
  private static final Set<Integer> WITHDRAW_ON_ERROR =
      Set.of(
          PathAttribute.ORIGIN,
          PathAttribute.AS_PATH,
          PathAttribute.NEXT_HOP,
          PathAttribute.MULTI_EXIT_DISC,
          PathAttribute.LOCAL_PREF,
          PathAttribute.COMMUNITIES,
          PathAttribute.LARGE_COMMUNITY);

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
    List<String> malformed = new ArrayList<>();
    while (attrs.isReadable()) {
      int type = attrs.readableBytes() >= 2 ? attrs.getUnsignedByte(attrs.readerIndex() + 1) : -1;
      PathAttribute a;
      try {
        a = PathAttributeCodec.decode(attrs, fourOctetAs);
      } catch (BgpProtocolException e) {
        // the attribute's own length held (the reader is past it): only its value is bad
        if (e.error() == BgpError.MALFORMED_ATTRIBUTE_LIST || !WITHDRAW_ON_ERROR.contains(type)) {
          throw e;
        }
        seen.add(type);
        malformed.add(e.error() + " " + e.getMessage());
        continue;
      }
      if (a instanceof PathAttribute.Unknown u
          && u.typeCode() == PathAttribute.ATOMIC_AGGREGATE
          && u.value().length() != 0) {
        continue; // RFC 7606 §7.6: a value where none belongs: discarded
      }
      if (!seen.add(a.typeCode())) {
        if (a instanceof PathAttribute.MpReach || a instanceof PathAttribute.MpUnreach) {
          throw new BgpProtocolException(
              BgpError.MALFORMED_ATTRIBUTE_LIST,
              "UPDATE path attribute " + a.typeCode() + ": appears twice (expected: once)");
        }
        continue; // RFC 7606 §3 g: all but the first discarded
      }
      attributes.add(a);
    }
    List<Cidr> nlri = PrefixCodec.decodeAll(in, IpFamily.IPV4, BgpError.INVALID_NETWORK_FIELD);
    boolean mpReach =
        attributes.stream()
            .anyMatch(a -> a instanceof PathAttribute.MpReach r && !r.nlri().isEmpty());
    if (!nlri.isEmpty() || mpReach) {
      missing(seen, PathAttribute.ORIGIN, "ORIGIN", malformed);
      missing(seen, PathAttribute.AS_PATH, "AS_PATH", malformed);
    }
    if (!nlri.isEmpty()) {
      missing(seen, PathAttribute.NEXT_HOP, "NEXT_HOP", malformed);
    }
    Optional<String> withdraw =
        malformed.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", malformed));
    return new Update(withdrawn, attributes, nlri, withdraw);
  }

  /** A missing well-known attribute: treat-as-withdraw (RFC 7606 §3 d). */
  private static void missing(Set<Integer> seen, int type, String name, List<String> malformed) {
    if (!seen.contains(type)) {
      malformed.add(
          BgpError.MISSING_WELL_KNOWN_ATTRIBUTE
              + " UPDATE with NLRI: "
              + name
              + " missing (expected: ORIGIN, AS_PATH, NEXT_HOP)");
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
