package io.ferrolb.app.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.ports.out.FakeAnnouncer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class L2AnnouncersTest {
  final FakeAnnouncer layer2 = new FakeAnnouncer();
  final List<String> asked = new ArrayList<>();

  L2Announcers announcers() {
    return new L2Announcers(
        "layer2",
        layer2,
        name -> {
          asked.add(name);
          if (name.equals("webhook")) {
            return new FakeAnnouncer();
          }
          throw new IllegalArgumentException("no provider named \"" + name + "\"");
        });
  }

  @Test
  void theDefaultNeedsNoFactoryAndAPluginIsCreatedOnceOnFirstUse() {
    L2Announcers a = announcers();

    assertThat(a.get("layer2")).isEqualTo(new L2Announcers.Available(layer2));
    L2Announcers.Lookup first = a.get("webhook");
    L2Announcers.Lookup second = a.get("webhook");

    assertThat(first).isInstanceOf(L2Announcers.Available.class).isEqualTo(second);
    assertThat(asked).containsExactly("webhook");
    assertThat(a.created()).containsOnlyKeys("layer2", "webhook");
  }

  @Test
  void aNameThatCannotBeCreatedIsRememberedWithItsReasonAndNotRetried() {
    L2Announcers a = announcers();

    assertThat(a.get("nosuch"))
        .isEqualTo(new L2Announcers.Unavailable("no provider named \"nosuch\""));
    assertThat(a.get("nosuch")).isInstanceOf(L2Announcers.Unavailable.class);

    assertThat(asked).containsExactly("nosuch");
    assertThat(a.created()).containsOnlyKeys("layer2");
  }

  @Test
  void onlyKnowsNothingButTheDefault() {
    L2Announcers a = L2Announcers.only("layer2", layer2);

    assertThat(a.get("webhook"))
        .isEqualTo(new L2Announcers.Unavailable("this speaker runs only the announcer \"layer2\""));
  }
}
