package io.ferrolb.adapters.bgp.codec;

import io.netty.buffer.ByteBuf;

/**
 * The message header (RFC 4271 §4.1) and dispatch to the per-message codecs.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                           Marker (16 octets of 0xff)          +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Length               |      Type     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class BgpMessageCodec {
  public static final int MARKER_LENGTH = 16;
  public static final int LENGTH_FIELD_LENGTH = 2;
  public static final int HEADER_LENGTH = 19;
  public static final int MAX_MESSAGE_LENGTH = 4096; // RFC 4271 §4.1

  private BgpMessageCodec() {}

  /**
   * Decodes one whole message (header included). {@code fourOctetAs} is true once both sides
   * advertised RFC 6793 support.
   */
  public static BgpMessage decode(ByteBuf frame, boolean fourOctetAs) {
    checkHeader(frame);
    int length = frame.getUnsignedShort(frame.readerIndex() + MARKER_LENGTH);
    if (length != frame.readableBytes()) {
      throw new BgpProtocolException(
          BgpError.BAD_MESSAGE_LENGTH,
          Octets.of(length >>> 8, length & 0xFF),
          "message length " + length + ": frame holds " + frame.readableBytes() + " octets");
    }
    frame.skipBytes(MARKER_LENGTH + LENGTH_FIELD_LENGTH);
    int type = frame.readUnsignedByte();
    ByteBuf body = frame.readSlice(length - HEADER_LENGTH);
    BgpMessage m =
        switch (type) {
          case Open.TYPE -> OpenCodec.decode(body);
          case Update.TYPE -> UpdateCodec.decode(body, fourOctetAs);
          case Notification.TYPE -> NotificationCodec.decode(body);
          case Keepalive.TYPE -> {
            if (body.isReadable()) {
              throw badLength(length, "KEEPALIVE", "19");
            }
            yield Keepalive.INSTANCE;
          }
          case RouteRefresh.TYPE -> RouteRefreshCodec.decode(body);
          default ->
              throw new BgpProtocolException(
                  BgpError.BAD_MESSAGE_TYPE,
                  Octets.of(type),
                  "message type " + type + ": unknown (expected: 1..5)");
        };
    if (body.isReadable()) {
      throw badLength(length, m.getClass().getSimpleName(), "no trailing octets");
    }
    return m;
  }

  /**
   * Checks marker and length of a header at the reader index without consuming it (RFC 4271 §6.1).
   * Used by the frame decoder before the length is trusted.
   */
  public static void checkHeader(ByteBuf in) {
    int start = in.readerIndex();
    if (in.readableBytes() < HEADER_LENGTH) {
      throw new BgpProtocolException(
          BgpError.BAD_MESSAGE_LENGTH,
          "message: " + in.readableBytes() + " octets (expected: >= 19)");
    }
    for (int i = 0; i < MARKER_LENGTH; i++) {
      if (in.getByte(start + i) != (byte) 0xFF) {
        throw new BgpProtocolException(
            BgpError.CONNECTION_NOT_SYNCHRONIZED, "header marker: not all ones");
      }
    }
    int length = in.getUnsignedShort(start + MARKER_LENGTH);
    if (length < HEADER_LENGTH || length > MAX_MESSAGE_LENGTH) {
      throw badLength(length, "message", "19..4096");
    }
  }

  private static BgpProtocolException badLength(int length, String what, String expected) {
    // RFC 4271 §6.1: data = the erroneous Length field
    return new BgpProtocolException(
        BgpError.BAD_MESSAGE_LENGTH,
        Octets.of(length >>> 8, length & 0xFF),
        what + " length " + length + ": bad (expected: " + expected + ")");
  }

  /** Encodes one whole message, header included. */
  public static void encode(BgpMessage m, ByteBuf out, boolean fourOctetAs) {
    int start = out.writerIndex();
    for (int i = 0; i < MARKER_LENGTH; i++) {
      out.writeByte(0xFF);
    }
    out.writeShort(0);
    out.writeByte(m.type());
    if (m instanceof Open o) {
      OpenCodec.encode(o, out);
    } else if (m instanceof Update u) {
      UpdateCodec.encode(u, out, fourOctetAs);
    } else if (m instanceof Notification n) {
      NotificationCodec.encode(n, out);
    } else if (m instanceof RouteRefresh r) {
      RouteRefreshCodec.encode(r, out);
    }
    int length = out.writerIndex() - start;
    if (length > MAX_MESSAGE_LENGTH) {
      throw new IllegalArgumentException(
          m.getClass().getSimpleName() + " of " + length + " octets (expected: <= 4096)");
    }
    out.setShort(start + MARKER_LENGTH, length);
  }
}
