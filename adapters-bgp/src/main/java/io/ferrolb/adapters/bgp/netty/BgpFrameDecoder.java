package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.codec.BgpMessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Frames BGP messages by the header's length field (RFC 4271 §4.1). The marker and the length are
 * checked first, so a bad header becomes the right NOTIFICATION instead of a generic frame error.
 */
final class BgpFrameDecoder extends LengthFieldBasedFrameDecoder {
  BgpFrameDecoder() {
    super(
        BgpMessageCodec.MAX_MESSAGE_LENGTH,
        BgpMessageCodec.MARKER_LENGTH,
        BgpMessageCodec.LENGTH_FIELD_LENGTH,
        -(BgpMessageCodec.MARKER_LENGTH + BgpMessageCodec.LENGTH_FIELD_LENGTH),
        0);
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    if (in.readableBytes() >= BgpMessageCodec.HEADER_LENGTH) {
      BgpMessageCodec.checkHeader(in);
    }
    return super.decode(ctx, in);
  }
}
