package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.Set;

/**
 * Jazzer fuzz test of {@link GoDuration}, which reads {@code holdTime}, {@code keepaliveTime},
 * {@code connectTime} and the BFD intervals of every BGPPeer and BFDProfile.
 *
 * <ul>
 *   <li>Any text parses or throws {@link IllegalArgumentException} saying what is wrong and the
 *       expected form; never anything else.
 *   <li>It accepts exactly what Go's {@code time.ParseDuration} accepts ({@link #goAccepts}, ASCII
 *       digits only), less what overflows Go's int64 of nanoseconds: MetalLB and ferrolb must agree
 *       on which configurations are valid.
 *   <li>{@link GoDuration#format} of a parsed duration parses back to it.
 * </ul>
 *
 * Seeds: the durations of the MetalLB corpus and docs, one per file.
 */
class GoDurationFuzzTest {
  private static final Set<String> GO_UNITS =
      Set.of("ns", "us", "\u00b5s", "\u03bcs", "ms", "s", "m", "h");

  /**
   * Go 1.22 {@code time.ParseDuration}'s grammar, without its overflow check: [-+] then "0", or
   * (decimal number, unit) pairs, digits '0'..'9'. A loop, not a regular expression: the regex
   * engine recursed per repetition and overflowed the stack on long inputs.
   */
  static boolean goAccepts(String s) {
    int i = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
    if (s.substring(i).equals("0")) {
      return true;
    }
    if (i == s.length()) {
      return false;
    }
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
      }
      boolean whole = i > start;
      boolean fraction = false;
      if (i < s.length() && s.charAt(i) == '.') {
        int dot = ++i;
        while (i < s.length() && isDigit(s.charAt(i))) {
          i++;
        }
        fraction = i > dot;
      }
      if (!whole && !fraction) {
        return false;
      }
      int unit = i;
      while (i < s.length() && s.charAt(i) != '.' && !isDigit(s.charAt(i))) {
        i++;
      }
      if (!GO_UNITS.contains(s.substring(unit, i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

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
        assertThat(goAccepts(text)).as("Go accepts %s", text).isFalse();
      }
      return;
    }
    assertThat(goAccepts(text)).as("Go rejects %s", text).isTrue();
    assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d);
  }
}
