package io.ferrolb.adapters.bgp.codec;

import io.netty.buffer.ByteBuf;

/**
 * ROUTE-REFRESH body (RFC 2918 §3; the reserved octet is the RFC 7313 subtype, ignored here).
 *
 * <pre>
 * 0       7      15      23      31
 * +-------+-------+-------+-------+
 * |      AFI      | Res.  | SAFI  |
 * +-------+-------+-------+-------+
 * </pre>
 */
public final class RouteRefreshCodec {
  static final int LENGTH = 4;

  private RouteRefreshCodec() {}

  public static RouteRefresh decode(ByteBuf in) {
    if (in.readableBytes() != LENGTH) {
      throw new BgpProtocolException(
          BgpError.BAD_MESSAGE_LENGTH,
          "ROUTE-REFRESH body: " + in.readableBytes() + " octets (expected: 4)");
    }
    int afi = in.readUnsignedShort();
    in.skipBytes(1);
    return new RouteRefresh(new AddressFamily(afi, in.readUnsignedByte()));
  }

  public static void encode(RouteRefresh r, ByteBuf out) {
    out.writeShort(r.family().afi());
    out.writeByte(0);
    out.writeByte(r.family().safi());
  }
}
