package io.ferrolb.adapters.bgp.codec;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Jazzer fuzz test of the message decoder: any input decodes or throws {@link BgpProtocolException}
 * (which becomes a NOTIFICATION), never anything else. Regression inputs (seeds from FRR/BIRD/GoBGP
 * captures, and any crashers found) live in {@code
 * src/test/resources/io/ferrolb/adapters/bgp/codec/BgpDecoderFuzzTestInputs/}.
 */
class BgpDecoderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void decoderOnlyEverThrowsProtocolExceptions(FuzzedDataProvider data) {
    boolean fourOctetAs = data.consumeBoolean();
    ByteBuf buf = Unpooled.wrappedBuffer(data.consumeRemainingAsBytes());
    try {
      BgpMessageCodec.decode(buf, fourOctetAs);
    } catch (BgpProtocolException expected) {
      // malformed input is answered with a NOTIFICATION
    } finally {
      buf.release();
    }
  }
}
