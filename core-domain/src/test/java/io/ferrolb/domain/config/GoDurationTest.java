package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoDurationTest {

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
    "90s, 90000",
    "1m30s, 90000",
    "1h, 3600000",
    "1.5h, 5400000",
    "500ms, 500",
    "0, 0",
    "0s, 0",
    "+3s, 3000",
    "-3s, -3000",
    "1h2m3s4ms, 3723004",
    "2000us, 2",
    "3000000ns, 3",
    ".5s, 500",
    "1.s, 1000"
  })
  void parsesGoSyntax(String text, long millis) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource({
    "90, missing unit after 90",
    "'', empty",
    "s, number expected at \"s\"",
    "1x, unknown unit \"x\"",
    "1..2s, number expected at \"1..2s\"",
    "3 s, unknown unit \" s\"",
    "9999999999h, overflows 2^63-1 ns",
    "\u06f06s, number expected at \"\u06f06s\"" // Extended Arabic-Indic zero: not a Go digit
  })
  void rejectsWhatGoRejects(String text, String why) {
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid duration: " + why + " (expected: Go duration like 90s, 1m30s, 500ms)");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "90s, 1m30s",
    "0s, 0s",
    "1h30m, 1h30m0s",
    "1500ms, 1.5s",
    "45s, 45s",
    "500ms, 500ms",
    "1500us, 1.5ms",
    "1500ns, 1.5\u00b5s",
    "7ns, 7ns",
    "-2s, -2s"
  })
  void formatsLikeGo(String text, String formatted) {
    assertThat(GoDuration.format(GoDuration.parse(text))).isEqualTo(formatted);
  }
}
