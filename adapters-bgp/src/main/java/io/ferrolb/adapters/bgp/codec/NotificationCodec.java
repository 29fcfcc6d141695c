package io.ferrolb.adapters.bgp.codec;

import io.netty.buffer.ByteBuf;

/**
 * NOTIFICATION body (RFC 4271 §4.5).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Error code    | Error subcode |   Data (variable)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class NotificationCodec {
  private NotificationCodec() {}

  public static Notification decode(ByteBuf in) {
    if (in.readableBytes() < 2) {
      throw new BgpProtocolException(
          BgpError.BAD_MESSAGE_LENGTH,
          "NOTIFICATION body: " + in.readableBytes() + " octets (expected: >= 2)");
    }
    int code = in.readUnsignedByte();
    int subcode = in.readUnsignedByte();
    byte[] data = new byte[in.readableBytes()];
    in.readBytes(data);
    return new Notification(code, subcode, new Octets(data));
  }

  public static void encode(Notification n, ByteBuf out) {
    out.writeByte(n.code());
    out.writeByte(n.subcode());
    out.writeBytes(n.data().bytes());
  }
}
