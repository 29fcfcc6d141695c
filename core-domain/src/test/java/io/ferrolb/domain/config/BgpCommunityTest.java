package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BgpCommunityTest {

  @Test
  void standardCommunityKeepsBothHalvesAndItsWireValue() {
    BgpCommunity c = BgpCommunity.parse("65535:65281");
    assertThat(c).isEqualTo(new BgpCommunity.Standard(65535, 65281));
    assertThat(((BgpCommunity.Standard) c).value()).isEqualTo(0xFFFFFF01L); // RFC 1997 NO_EXPORT
    assertThat(c).hasToString("65535:65281");
  }

  @Test
  void largeCommunityTakesThree32BitParts() {
    BgpCommunity c = BgpCommunity.parse("large:4294967295:0:7");
    assertThat(c).isEqualTo(new BgpCommunity.Large(4294967295L, 0, 7));
    assertThat(c).hasToString("large:4294967295:0:7");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "65536:1|invalid community part 65536 (expected: 0..65535)",
        "1:-1|invalid community part \"-1\" (expected: A:B, each 0..65535)",
        "1:2:3|invalid community: not A:B or large:A:B:C (expected: A:B with A, B in 0..65535,"
            + " or large:A:B:C with each in 0..4294967295)",
        ":1|invalid community part \"\" (expected: A:B, each 0..65535)",
        "large:1:2|invalid large community: 2 parts after \"large:\" (expected: large:A:B:C, each"
            + " 0..4294967295)",
        "large:1:2:4294967296|invalid large community part 4294967296 (expected: 0..4294967295)",
        "large:a:2:3|invalid large community part \"a\" (expected: large:A:B:C, each"
            + " 0..4294967295)"
      })
  void rejectsMalformedCommunities(String text, String message) {
    assertThatThrownBy(() -> BgpCommunity.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
