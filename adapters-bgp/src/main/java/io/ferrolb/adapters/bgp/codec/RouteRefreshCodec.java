package io.ferrolb.adapters.bgp.codec;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

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
      // RFC 7313 §5: ROUTE-REFRESH Message Error / Invalid Message Length, with the whole message
      byte[] message = new byte[BgpMessageCodec.HEADER_LENGTH + in.readableBytes()];
      int length = message.length;
      Arrays.fill(message, 0, BgpMessageCodec.MARKER_LENGTH, (byte) 0xFF);
      message[BgpMessageCodec.MARKER_LENGTH] = (byte) (length >>> 8);
      message[BgpMessageCodec.MARKER_LENGTH + 1] = (byte) length;
      message[BgpMessageCodec.HEADER_LENGTH - 1] = (byte) RouteRefresh.TYPE;
      in.getBytes(in.readerIndex(), message, BgpMessageCodec.HEADER_LENGTH, in.readableBytes());
      throw new BgpProtocolException(
          BgpError.ROUTE_REFRESH_INVALID_LENGTH,
          new Octets(message),
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
