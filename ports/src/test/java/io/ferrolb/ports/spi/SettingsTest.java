package io.ferrolb.ports.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

  private final Settings settings =
      Settings.of(
          Map.of(
              "url", "http://127.0.0.1:8080/x",
              "rel", "just-text",
              "n", "12",
              "bad", "twelve",
              "flag", "true",
              "burst", "1100ms",
              "window", "5s",
              "iso", "PT2S"));

  @Test
  void typedGettersParseWhatIsSetAndDefaultWhatIsNot() {
    assertThat(settings.requireUri("url")).isEqualTo(URI.create("http://127.0.0.1:8080/x"));
    assertThat(settings.getInt("n", 1)).isEqualTo(12);
    assertThat(settings.getInt("absent", 7)).isEqualTo(7);
    assertThat(settings.getBoolean("flag", false)).isTrue();
    assertThat(settings.getDuration("burst", Duration.ZERO)).isEqualTo(Duration.ofMillis(1100));
    assertThat(settings.getDuration("window", Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.getDuration("iso", Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void errorsNameTheKeyTheValueAndTheExpectation() {
    assertThatThrownBy(() -> settings.require("webhook.url"))
        .isInstanceOf(SettingsException.class)
        .hasMessage("setting \"webhook.url\" is required but not set");
    assertThatThrownBy(() -> settings.getInt("bad", 0))
        .hasMessage("setting \"bad\" = \"twelve\": not a number (expected: an integer)");
    assertThatThrownBy(() -> settings.requireUri("rel"))
        .hasMessage("setting \"rel\" = \"just-text\": no scheme (expected: an absolute URI)");
    assertThatThrownBy(() -> settings.getBoolean("n", false))
        .hasMessage("setting \"n\" = \"12\": (expected: true or false)");
  }
}
