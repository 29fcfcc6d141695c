package io.ferrolb.app.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.out.FakeAnnouncer;
import io.ferrolb.ports.spi.AnnouncerContext;
import io.ferrolb.ports.spi.AnnouncerProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnouncerRegistryTest {

  record Named(String name) implements AnnouncerProvider {
    @Override
    public Announcer create(AnnouncerContext context) {
      return new FakeAnnouncer();
    }
  }

  static final class OtherLayer2 implements AnnouncerProvider {
    @Override
    public String name() {
      return "layer2";
    }

    @Override
    public Announcer create(AnnouncerContext context) {
      return new FakeAnnouncer();
    }
  }

  @Test
  void providersAreFoundByName() {
    var registry = AnnouncerRegistry.of(List.of(new Named("layer2"), new Named("bgp")));

    assertThat(registry.names()).containsExactly("bgp", "layer2");
    assertThat(registry.require("bgp", "test").name()).isEqualTo("bgp");
  }

  @Test
  void duplicateNamesFailNamingBothClasses() {
    assertThatThrownBy(() -> AnnouncerRegistry.of(List.of(new Named("layer2"), new OtherLayer2())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two announcer providers are named \"layer2\"")
        .hasMessageContaining(Named.class.getName())
        .hasMessageContaining(OtherLayer2.class.getName());
  }

  @Test
  void unknownNameListsWhatIsAvailable() {
    var registry = AnnouncerRegistry.of(List.of(new Named("layer2"), new Named("bgp")));

    assertThatThrownBy(() -> registry.require("webhook", "L2Advertisement \"edge\""))
        .hasMessage(
            "announcer \"webhook\" requested by L2Advertisement \"edge\", but no provider named"
                + " \"webhook\" is on the classpath (available: bgp, layer2)");
  }

  @Test
  void serviceLoaderFindsNothingWhenNoJarRegistersAProvider() {
    var empty = new ClassLoader(null) {};
    assertThat(ProviderLoader.serviceLoader(empty).load()).isEmpty();
  }
}
