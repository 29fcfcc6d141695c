package io.ferrolb.adapters.l2.arp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferrolb.adapters.l2.FrameVerdict;
import io.ferrolb.adapters.l2.LocalInterface;
import io.ferrolb.adapters.l2.MacAddress;
import io.ferrolb.adapters.l2.MalformedFrameException;
import io.ferrolb.adapters.l2.OwnedAddresses;
import io.ferrolb.adapters.l2.PacketProcessor;
import io.ferrolb.domain.pool.IpAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Jazzer fuzz test of what an ARP frame from the wire goes through: {@link ArpCodec#decode} and the
 * responder's decision, {@link PacketProcessor#process}.
 *
 * <ul>
 *   <li>The codec decodes a frame or throws {@link MalformedFrameException} with its drop reason;
 *       never anything else. What decodes encodes to a frame that decodes to the same packet, and
 *       whose first 42 octets (Ethernet header and ARP) are the received ones.
 *   <li>The responder answers or drops with a reason, never throws; a reply is a valid ARP reply
 *       from our MAC for the target asked about. The byte-level fast path (taken for heap buffers)
 *       and the record path (direct buffers) give the same verdict.
 * </ul>
 *
 * The last input octet says whether the target address of the frame is owned here, the one before
 * it where the frame starts in the buffer; the rest is the frame. Seeds: {@code
 * io.ferrolb.adapters.l2.FuzzSeeds}.
 */
class ArpCodecFuzzTest {
  private static final MacAddress OURS = new MacAddress(0x02_00_00_00_00_01L);
  private static final LocalInterface ETH0 = new LocalInterface("eth0", OURS);

  /** One direct buffer for the whole run (a new one per input grows the process by gigabytes). */
  private static final ByteBuffer DIRECT = ByteBuffer.allocateDirect(65536);

  @FuzzTest(maxDuration = "90s")
  void decoderOnlyEverDropsWithAReason(FuzzedDataProvider data) {
    boolean ownTarget = data.consumeBoolean();
    int offset = data.consumeInt(0, 3);
    byte[] bytes = data.consumeRemainingAsBytes();
    if (offset > bytes.length) {
      offset = 0;
    }
    ByteBuffer frame = ByteBuffer.wrap(bytes).position(offset);
    OwnedAddresses owned = ownedFor(frame, ownTarget);

    FrameVerdict fast = PacketProcessor.process(frame.duplicate(), ETH0, owned);
    DIRECT.clear();
    DIRECT.put(bytes, 0, Math.min(bytes.length, DIRECT.capacity())).flip().position(offset);
    ByteBuffer direct = DIRECT.duplicate(); // no array: the record path
    FrameVerdict slow = PacketProcessor.process(direct, ETH0, owned);
    assertSameVerdict(fast, slow);

    ArpPacket p;
    try {
      p = ArpCodec.decode(frame.duplicate());
    } catch (MalformedFrameException dropped) {
      assertThat(dropped.reason()).isNotNull();
      return;
    }
    byte[] again = ArpCodec.encode(p);
    assertThat(ArpCodec.decode(ByteBuffer.wrap(again))).isEqualTo(p);
    assertThat(Arrays.copyOf(again, ArpCodec.FRAME_LENGTH))
        .isEqualTo(Arrays.copyOfRange(bytes, offset, offset + ArpCodec.FRAME_LENGTH));
    if (fast instanceof FrameVerdict.Reply reply) {
      ArpPacket answer = ArpCodec.decode(ByteBuffer.wrap(reply.frame()));
      assertThat(answer).isEqualTo(ArpCodec.reply(p, OURS));
      assertThat(answer.senderProtocol()).isEqualTo(p.targetProtocol()).isEqualTo(reply.target());
    }
  }

  /** The frame's target protocol address when {@code ownTarget}, else a fixed one. */
  private static OwnedAddresses ownedFor(ByteBuffer frame, boolean ownTarget) {
    IpAddress owned = IpAddress.parse("203.0.113.200");
    if (ownTarget && frame.remaining() >= ArpCodec.FRAME_LENGTH) {
      owned = IpAddress.v4(frame.getInt(frame.position() + ArpCodec.TPA) & 0xFFFF_FFFFL);
    }
    return new OwnedAddresses(Map.of(owned, Set.of()));
  }

  private static void assertSameVerdict(FrameVerdict fast, FrameVerdict slow) {
    if (fast instanceof FrameVerdict.Reply f) {
      assertThat(slow).isInstanceOf(FrameVerdict.Reply.class);
      FrameVerdict.Reply s = (FrameVerdict.Reply) slow;
      assertThat(f.frame()).isEqualTo(s.frame());
      assertThat(f.target()).isEqualTo(s.target());
    } else {
      assertThat(fast).isEqualTo(slow);
    }
  }
}
