package io.ferrolb.adapters.l2;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.adapters.l2.arp.ArpCodec;
import io.ferrolb.adapters.l2.arp.ArpPacket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ArpFastPathTest {

  /** The record path alone: what PacketProcessor did before the fast path existed. */
  static byte[] slowReply(byte[] frame) {
    ArpPacket p = ArpCodec.decode(ByteBuffer.wrap(frame));
    return ArpCodec.encode(ArpCodec.reply(p, PacketProcessorTest.OURS));
  }

  @Test
  void fastReplyIsByteIdenticalToTheRecordPath() {
    byte[] req =
        PacketProcessorTest.arp(
            MacAddress.BROADCAST,
            PacketProcessorTest.CLIENT,
            ArpPacket.REQUEST,
            PacketProcessorTest.CLIENT4,
            PacketProcessorTest.VIP4);

    FrameVerdict.Reply fast =
        ArpFastPath.reply(
            ByteBuffer.wrap(req), PacketProcessorTest.ETH0, PacketProcessorTest.OWNED);

    assertThat(fast).isNotNull();
    assertThat(fast.frame()).isEqualTo(slowReply(req));
    assertThat(fast.target()).isEqualTo(PacketProcessorTest.VIP4);
  }

  @Test
  void fastPathHonoursTheBufferPosition() {
    byte[] req =
        PacketProcessorTest.arp(
            PacketProcessorTest.OURS,
            PacketProcessorTest.CLIENT,
            ArpPacket.REQUEST,
            PacketProcessorTest.CLIENT4,
            PacketProcessorTest.VIP4);
    byte[] shifted = new byte[req.length + 5];
    System.arraycopy(req, 0, shifted, 5, req.length);
    ByteBuffer b = ByteBuffer.wrap(shifted);
    b.position(5);

    FrameVerdict.Reply fast =
        ArpFastPath.reply(b, PacketProcessorTest.ETH0, PacketProcessorTest.OWNED);

    assertThat(fast.frame()).isEqualTo(slowReply(req));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.ferrolb.adapters.l2.PacketProcessorTest#drops")
  void everyDroppedFrameFallsThroughToTheRecordPath(String name, byte[] frame) {
    assertThat(
            ArpFastPath.reply(
                ByteBuffer.wrap(Arrays.copyOf(frame, frame.length)),
                PacketProcessorTest.ETH0,
                PacketProcessorTest.OWNED))
        .isNull();
  }
}
