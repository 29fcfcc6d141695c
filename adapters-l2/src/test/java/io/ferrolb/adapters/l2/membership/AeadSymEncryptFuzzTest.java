package io.ferrolb.adapters.l2.membership;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Jazzer fuzz test of the gossip receive path: a datagram on port 7946 is read as a JGroups message
 * and handed to {@link AeadSymEncrypt}, which must open it or drop it.
 *
 * <ul>
 *   <li>Hostile datagram (first input octet even): {@code up} never throws, and whatever reaches
 *       the protocol above is the payload of a packet sealed with the key: one of {@link
 *       #SEALED_PAYLOADS}, whose sealed datagrams are the seeds. A fuzzer without the key cannot
 *       make a packet that opens to anything else (AES-GCM's tag); replaying or re-addressing a
 *       sealed one delivers only what was sealed.
 *   <li>Round trip (odd): the rest of the input, sent by a member (serialized, then sealed), opens
 *       to the same payload.
 * </ul>
 *
 * Seeds: {@code FuzzSeeds} in this package.
 */
class AeadSymEncryptFuzzTest {
  /** The payloads sealed into the seed datagrams with {@link Gossip#KEY}. */
  static final List<String> SEALED_PAYLOADS =
      List.of("heartbeat from node-a", "view node-a,node-b", "x");

  private static Gossip gossip;

  @FuzzTest(maxDuration = "90s")
  void onlySealedPayloadsComeOut(FuzzedDataProvider data) throws Exception {
    if (gossip == null) {
      gossip = new Gossip(Gossip.KEY);
    }
    boolean roundTrip = (data.consumeByte() & 1) == 1;
    byte[] bytes = data.consumeRemainingAsBytes();
    if (roundTrip) {
      assertThat(gossip.receive(gossip.seal(bytes))).containsExactly(bytes);
      return;
    }
    for (byte[] payload : gossip.receive(bytes)) {
      assertThat(SEALED_PAYLOADS).contains(new String(payload, StandardCharsets.UTF_8));
    }
  }
}
