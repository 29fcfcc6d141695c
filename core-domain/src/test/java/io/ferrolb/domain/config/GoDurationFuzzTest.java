package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Jazzer fuzz test of {@link GoDuration}, which reads {@code holdTime}, {@code keepaliveTime},
 * {@code connectTime} and the BFD intervals of every BGPPeer and BFDProfile.
 *
 * <ul>
 *   <li>Any text parses or throws {@link IllegalArgumentException} saying what is wrong and the
 *       expected form; never anything else.
 *   <li>It accepts exactly what Go's {@code time.ParseDuration} accepts ({@link #GO_SYNTAX}, ASCII
 *       digits only), less what overflows Go's int64 of nanoseconds: MetalLB and ferrolb must agree
 *       on which configurations are valid.
 *   <li>{@link GoDuration#format} of a parsed duration parses back to it.
 * </ul>
 *
 * Seeds: the durations of the MetalLB corpus and docs, one per file.
 */
class GoDurationFuzzTest {
  /** Go 1.22 {@code time.ParseDuration}: [-+] then "0", or (decimal number, unit) pairs. */
  static final Pattern GO_SYNTAX =
      Pattern.compile("[-+]?(0|(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)");

  @FuzzTest(maxDuration = "90s")
  void parsesWhatGoParsesAndNamesWhatItRejects(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    Duration d;
    try {
      d = GoDuration.parse(text);
    } catch (IllegalArgumentException rejected) {
      assertThat(rejected)
          .hasMessageStartingWith("invalid duration: ")
          .hasMessageEndingWith("(expected: Go duration like 90s, 1m30s, 500ms)");
      if (!rejected.getMessage().contains("overflows")) {
        assertThat(GO_SYNTAX.matcher(text).matches()).as("Go accepts %s", text).isFalse();
      }
      return;
    }
    assertThat(GO_SYNTAX.matcher(text).matches()).as("Go rejects %s", text).isTrue();
    assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d);
  }
}
