package io.ferrolb.adapters.l2.ndp;

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
import java.util.Map;
import java.util.Set;

/**
 * Jazzer fuzz test of what an IPv6 frame from the wire goes through: {@link
 * NdpCodec#decodeSolicitation} and the responder's decision, {@link PacketProcessor#process}.
 *
 * <ul>
 *   <li>The codec decodes a Neighbor Solicitation or throws {@link MalformedFrameException} with
 *       its drop reason; never anything else. What decodes encodes to a frame that decodes to the
 *       same solicitation.
 *   <li>The responder answers or drops with a reason, never throws; an answer is a Neighbor
 *       Advertisement with hop limit 255 and a checksum that verifies, for the target asked about.
 * </ul>
 *
 * The last input octet says whether the solicitation's target is owned here; the rest is the frame.
 * Seeds: {@code io.ferrolb.adapters.l2.FuzzSeeds}.
 */
class NdpCodecFuzzTest {
  private static final MacAddress OURS = new MacAddress(0x02_00_00_00_00_01L);
  private static final LocalInterface ETH0 = new LocalInterface("eth0", OURS);

  @FuzzTest(maxDuration = "90s")
  void decoderOnlyEverDropsWithAReason(FuzzedDataProvider data) {
    boolean ownTarget = data.consumeBoolean();
    byte[] bytes = data.consumeRemainingAsBytes();
    OwnedAddresses owned = OwnedAddresses.NONE;
    if (ownTarget && bytes.length >= NdpCodec.ICMP_TARGET + 16) {
      owned =
          new OwnedAddresses(
              Map.of(NdpCodec.readV6(ByteBuffer.wrap(bytes), NdpCodec.ICMP_TARGET), Set.of()));
    }

    FrameVerdict verdict = PacketProcessor.process(ByteBuffer.wrap(bytes), ETH0, owned);
    NeighborSolicitation ns;
    try {
      ns = NdpCodec.decodeSolicitation(ByteBuffer.wrap(bytes));
    } catch (MalformedFrameException dropped) {
      assertThat(dropped.reason()).isNotNull();
      assertThat(verdict).isInstanceOf(FrameVerdict.Drop.class);
      return;
    }
    byte[] again = NdpCodec.encodeSolicitation(ns);
    assertThat(NdpCodec.decodeSolicitation(ByteBuffer.wrap(again))).isEqualTo(ns);
    if (verdict instanceof FrameVerdict.Reply reply) {
      ByteBuffer na = ByteBuffer.wrap(reply.frame());
      int icmpLength = reply.frame().length - NdpCodec.ICMP;
      assertThat(na.get(NdpCodec.ICMP) & 0xFF).isEqualTo(NdpCodec.TYPE_NEIGHBOR_ADVERTISEMENT);
      assertThat(na.get(NdpCodec.IP_HOP_LIMIT) & 0xFF).isEqualTo(NdpCodec.NDP_HOP_LIMIT);
      assertThat(NdpCodec.checksum(na, 0, icmpLength)).isZero();
      IpAddress target = NdpCodec.readV6(na, NdpCodec.ICMP_TARGET);
      assertThat(target).isEqualTo(ns.target()).isEqualTo(reply.target());
    }
  }
}
