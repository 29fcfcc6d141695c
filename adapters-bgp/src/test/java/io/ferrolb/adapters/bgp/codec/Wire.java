package io.ferrolb.adapters.bgp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Encode/decode helpers for tests. */
final class Wire {
  private Wire() {}

  static BgpMessage decode(byte[] bytes, boolean as4) {
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    try {
      return BgpMessageCodec.decode(b, as4);
    } finally {
      b.release();
    }
  }

  static byte[] encode(BgpMessage m, boolean as4) {
    ByteBuf b = Unpooled.buffer();
    try {
      BgpMessageCodec.encode(m, b, as4);
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }
}
