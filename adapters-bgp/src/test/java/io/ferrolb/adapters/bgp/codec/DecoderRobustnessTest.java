package io.ferrolb.adapters.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A bounded, seeded mutation run over the vendor vectors (a stand-in until the Jazzer fuzz test):
 * whatever the bytes, the decoder returns a message or throws {@link BgpProtocolException}, never
 * anything else.
 */
class DecoderRobustnessTest {
  private static final List<String> SEEDS =
      List.of(
          "open-frr-8.4-1.hex",
          "open-bird-2.0-1.hex",
          "open-gobgp-3.10-1.hex",
          "update-frr-8.4-1.hex",
          "update-frr-8.4-v6-1.hex",
          "update-bird-2.0-1.hex",
          "update-gobgp-3.10-1.hex",
          "update-gobgp-3.10-v6-1.hex");

  @Test
  void mutatedVendorMessagesNeverCrashTheDecoder() {
    Random rnd = new Random(20261128L);
    int rejected = 0;
    for (String seed : SEEDS) {
      byte[] golden = Hex.resource(seed);
      for (int i = 0; i < 5_000; i++) {
        byte[] b = golden.clone();
        int flips = 1 + rnd.nextInt(4);
        for (int f = 0; f < flips; f++) {
          // keep the marker and the length field, so the body parsers get the mutations
          int at = 18 + rnd.nextInt(b.length - 18);
          b[at] = (byte) rnd.nextInt(256);
        }
        ByteBuf buf = Unpooled.wrappedBuffer(b);
        try {
          BgpMessageCodec.decode(buf, rnd.nextBoolean());
        } catch (BgpProtocolException expected) {
          rejected++;
        } finally {
          buf.release();
        }
      }
    }
    assertThat(rejected).isGreaterThan(1_000); // the run did reach the error paths
  }
}
