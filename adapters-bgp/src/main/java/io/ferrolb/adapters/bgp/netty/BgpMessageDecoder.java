package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.codec.BgpMessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.util.AttributeKey;
import java.util.List;

/** Turns one frame into a {@code BgpMessage}; AS_PATH width follows the channel attribute. */
final class BgpMessageDecoder extends MessageToMessageDecoder<ByteBuf> {
  static final AttributeKey<Boolean> FOUR_OCTET_AS = AttributeKey.valueOf("bgp.fourOctetAs");

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    out.add(BgpMessageCodec.decode(frame, fourOctetAs(ctx)));
  }

  static boolean fourOctetAs(ChannelHandlerContext ctx) {
    return Boolean.TRUE.equals(ctx.channel().attr(FOUR_OCTET_AS).get());
  }
}
