package io.ferrolb.domain.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceKeyTest {

  @Test
  void parsesNamespaceSlashName() {
    assertThat(ServiceKey.parse("team-a/web")).isEqualTo(new ServiceKey("team-a", "web"));
    assertThat(ServiceKey.parse("team-a/web")).hasToString("team-a/web");
  }

  @Test
  void keysOfOneServiceShareTheirStrings() {
    // each version of a Service arrives decoded with its own strings; the maps keyed by it keep one
    ServiceKey parsed = ServiceKey.parse("team-a/web");
    ServiceKey built = new ServiceKey(new String("team-a"), new String("web"));

    assertThat(built.namespace()).isSameAs(parsed.namespace());
    assertThat(built.name()).isSameAs(parsed.name());
  }

  @Test
  void aKeyWithoutSlashOrNameIsRefusedWithTheText() {
    assertThatThrownBy(() -> ServiceKey.parse("web"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"web\"")
        .hasMessageContaining("ns/name");
    assertThatThrownBy(() -> ServiceKey.parse("team-a/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service name: empty");
  }
}
