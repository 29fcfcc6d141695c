package io.ferrolb.adapters.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Set;

/**
 * Jazzer fuzz test of the message decoder, the first code that sees a peer's bytes.
 *
 * <ul>
 *   <li>Any input decodes or throws {@link BgpProtocolException} with a header, OPEN, UPDATE or
 *       ROUTE-REFRESH error code (RFC 4271 §6.1-6.3, RFC 7313 §5), which the session sends as its
 *       NOTIFICATION; never anything else.
 *   <li>What decodes encodes again, and the encoding decodes to the same message (for an UPDATE
 *       that RFC 7606 treats as withdraw: the same routes and attributes, without the malformed
 *       one). KEEPALIVE and NOTIFICATION have one encoding only, so their bytes come back
 *       unchanged.
 * </ul>
 *
 * The last input byte picks 2- or 4-octet AS numbers (RFC 6793); the rest is the message. The
 * corpus (the vendor captures, one seed of each message type and one UPDATE with every attribute we
 * decode, see {@code BgpFuzzSeeds}, and any crasher found) lives in {@code
 * src/test/resources/io/ferrolb/adapters/bgp/codec/BgpDecoderFuzzTestInputs/}.
 */
class BgpDecoderFuzzTest {
  /** Error codes a received message may cause (RFC 4271 §4.5: 1 header, 2 OPEN, 3 UPDATE). */
  private static final Set<Integer> MESSAGE_ERROR_CODES = Set.of(1, 2, 3, 7);

  @FuzzTest(maxDuration = "90s")
  void decoderOnlyEverThrowsProtocolExceptions(FuzzedDataProvider data) {
    boolean fourOctetAs = data.consumeBoolean();
    byte[] wire = data.consumeRemainingAsBytes();
    BgpMessage m;
    try {
      m = Wire.decode(wire, fourOctetAs);
    } catch (BgpProtocolException malformed) {
      assertThat(MESSAGE_ERROR_CODES).contains(malformed.error().code());
      return;
    }
    byte[] again = Wire.encode(m, fourOctetAs);
    BgpMessage back = Wire.decode(again, fourOctetAs);
    if (m instanceof Update u) {
      // what RFC 7606 withdrew is not encoded: the attributes that decoded come back the same
      Update b = (Update) back;
      assertThat(List.of(b.withdrawn(), b.attributes(), b.nlri()))
          .isEqualTo(List.of(u.withdrawn(), u.attributes(), u.nlri()));
    } else {
      assertThat(back).isEqualTo(m);
    }
    if (m instanceof Keepalive || m instanceof Notification) {
      assertThat(again).isEqualTo(wire);
    }
  }
}
