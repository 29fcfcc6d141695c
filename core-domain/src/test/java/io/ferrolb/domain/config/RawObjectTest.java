package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RawObjectTest {
  private static final Optional<RawObject.NotAMapping> A_STRING =
      Optional.of(new RawObject.NotAMapping("string", "just a string"));

  @Test
  void theSevenPartConstructorMakesAMapping() {
    RawObject o = new RawObject("v1", "Secret", "ns", "s", Map.of(), Map.of("type", "Opaque"), "x");

    assertThat(o.notAMapping()).isEmpty();
  }

  @Test
  void onlyAnEmptyLegacyConfigCanBeNotAMapping() {
    assertThatThrownBy(
            () -> new RawObject("v1", "Secret", "ns", "s", Map.of(), Map.of(), "x", A_STRING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "notAMapping: on a Secret with 0 spec keys (expected: only on a LegacyConfig object,"
                + " with an empty spec)");
    assertThatThrownBy(
            () ->
                new RawObject(
                    "v1",
                    RawObject.LEGACY_CONFIG_KIND,
                    "ns",
                    "config",
                    Map.of(),
                    Map.of("peers", List.of()),
                    "x",
                    A_STRING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("with 1 spec keys");
  }
}
