package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.codec.BgpMessage;
import io.ferrolb.adapters.bgp.codec.BgpMessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Stateless encoder; the AS_PATH width comes from the channel attribute. */
@Sharable
final class BgpMessageEncoder extends MessageToByteEncoder<BgpMessage> {
  static final BgpMessageEncoder INSTANCE = new BgpMessageEncoder();

  private BgpMessageEncoder() {}

  @Override
  protected void encode(ChannelHandlerContext ctx, BgpMessage msg, ByteBuf out) {
    BgpMessageCodec.encode(msg, out, BgpMessageDecoder.fourOctetAs(ctx));
  }
}
