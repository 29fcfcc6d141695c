package io.ferrolb.adapters.bgp.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.ferrolb.adapters.bgp.codec.Hex;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BfdCodecTest {
  private static final byte[] UP_WITH_POLL =
      Hex.parse(
          """
          20                                  // version 1, diag 0
          e0                                  // state Up (3), P bit
          03                                  // detect multiplier 3
          18                                  // length 24
          0000002a                            // my discriminator 42
          00000007                            // your discriminator 7
          000493e0                            // desired min TX 300000 us
          000493e0                            // required min RX 300000 us
          00000000                            // required min echo RX 0
          """);
  private static final BfdPacket UP =
      new BfdPacket(0, BfdState.UP, true, false, 3, 42, 7, 300_000, 300_000, 0);

  private static BfdPacket decode(byte[] b) {
    ByteBuf buf = Unpooled.wrappedBuffer(b);
    try {
      return BfdCodec.decode(buf);
    } finally {
      buf.release();
    }
  }

  @Test
  void encodesToTheGoldenBytes() {
    ByteBuf b = Unpooled.buffer();
    BfdCodec.encode(UP, b);
    assertArrayEquals(UP_WITH_POLL, ByteBufUtil.getBytes(b));
    b.release();
  }

  @Test
  void goldenBytesDecode() {
    assertThat(decode(UP_WITH_POLL)).isEqualTo(UP);
  }

  static List<Arguments> discarded() {
    return List.of(
        Arguments.of(
            "version 0",
            "00 c0 03 18 0000002a 00000007 000493e0 000493e0 00000000",
            "BFD version: 0 (expected: 1)"),
        Arguments.of(
            "detect multiplier 0",
            "20 c0 00 18 0000002a 00000007 000493e0 000493e0 00000000",
            "BFD detect multiplier: 0 (expected: >= 1)"),
        Arguments.of(
            "my discriminator 0",
            "20 c0 03 18 00000000 00000007 000493e0 000493e0 00000000",
            "BFD my discriminator: 0 (expected: non-zero)"),
        Arguments.of(
            "Up with your discriminator 0",
            "20 c0 03 18 0000002a 00000000 000493e0 000493e0 00000000",
            "BFD your discriminator: 0 in state UP (expected: non-zero)"),
        Arguments.of(
            "authentication bit",
            "20 c4 03 18 0000002a 00000007 000493e0 000493e0 00000000",
            "BFD authentication: not supported (expected: A bit 0)"),
        Arguments.of("short", "20 c0 03 18 0000002a", "BFD packet: 8 octets (expected: >= 24)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("discarded")
  void invalidPacketsAreDiscardedWithTheReason(String name, String hex, String reason) {
    assertThatThrownBy(() -> decode(Hex.parse(hex)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(reason);
  }
}
