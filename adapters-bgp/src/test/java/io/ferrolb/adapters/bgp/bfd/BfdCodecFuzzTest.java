package io.ferrolb.adapters.bgp.bfd;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * Jazzer fuzz test of the BFD control packet decoder, which reads every datagram that reaches port
 * 3784 (RFC 5881 §4).
 *
 * <ul>
 *   <li>Any datagram decodes or throws {@link IllegalArgumentException} naming the RFC 5880 §6.8.6
 *       check that discards it ({@code BfdEndpoint} counts and drops those); never anything else.
 *   <li>What decodes encodes to a packet that decodes to the same value; a 24-octet packet without
 *       the C bit (which we do not keep) comes back byte for byte.
 * </ul>
 *
 * Seeds: one packet per state, written by {@code io.ferrolb.adapters.bgp.FuzzSeeds}.
 */
class BfdCodecFuzzTest {
  private static final int C_BIT = 0x08; // RFC 5880 §4.1, control plane independent

  @FuzzTest(maxDuration = "90s")
  void decoderOnlyEverDiscardsWithAReason(FuzzedDataProvider data) {
    byte[] datagram = data.consumeRemainingAsBytes();
    BfdPacket p;
    try {
      p = decode(datagram);
    } catch (IllegalArgumentException discarded) {
      assertThat(discarded).hasMessageStartingWith("BFD ");
      return;
    }
    ByteBuf out = Unpooled.buffer();
    BfdCodec.encode(p, out);
    byte[] again = ByteBufUtil.getBytes(out);
    out.release();
    assertThat(decode(again)).isEqualTo(p);
    if (datagram.length == BfdCodec.LENGTH
        && datagram[3] == BfdCodec.LENGTH
        && (datagram[1] & C_BIT) == 0) {
      assertThat(again).isEqualTo(datagram);
    }
  }

  private static BfdPacket decode(byte[] b) {
    ByteBuf buf = Unpooled.wrappedBuffer(b);
    try {
      return BfdCodec.decode(buf);
    } finally {
      buf.release();
    }
  }
}
