package io.ferrolb.adapters.l2.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MemberlistKeyTest {

  @Test
  void keyIsTheSha256OfTheSecretBytes() {
    // SHA-256("abc"), FIPS 180-2 appendix B.1
    byte[] expected =
        HexFormat.of().parseHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    MemberlistKey key = MemberlistKey.fromSecret("abc".getBytes(StandardCharsets.US_ASCII));

    assertThat(key.aesKey().getEncoded()).isEqualTo(expected);
    assertThat(key.aesKey().getAlgorithm()).isEqualTo("AES");
  }

  @Test
  void sameSecretGivesEqualKeysAndTextAndBytesAgree() {
    assertThat(MemberlistKey.fromSecret("x"))
        .isEqualTo(MemberlistKey.fromSecret("x".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(MemberlistKey.fromSecret("y"));
  }

  @Test
  void toStringNeverShowsTheSecretOrTheKey() {
    assertThat(MemberlistKey.fromSecret("hunter2")).hasToString("MemberlistKey[redacted]");
  }

  @Test
  void emptySecretIsRejected() {
    assertThatThrownBy(() -> MemberlistKey.fromSecret(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memberlist secret: empty");
  }
}
