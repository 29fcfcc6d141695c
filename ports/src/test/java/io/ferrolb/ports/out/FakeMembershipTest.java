package io.ferrolb.ports.out;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FakeMembershipTest {

  @Test
  void listenerGetsTheCurrentSetAtOnceThenOnlyRealChanges() {
    FakeMembership membership = new FakeMembership("node-a");
    List<Set<String>> seen = new ArrayList<>();

    membership.addListener(seen::add);
    membership.view("node-b");
    membership.view("node-b");
    membership.view();

    assertThat(seen)
        .containsExactly(Set.of("node-a"), Set.of("node-a", "node-b"), Set.of("node-a"));
  }

  @Test
  void seedsAreRecordedInOrder() {
    FakeMembership membership = new FakeMembership("node-a");
    InetSocketAddress b = InetSocketAddress.createUnresolved("198.51.100.2", 7946);

    membership.setSeeds(Set.of());
    membership.setSeeds(Set.of(b));

    assertThat(membership.seedHistory()).containsExactly(Set.of(), Set.of(b));
  }

  @Test
  void closedMembershipSeesOnlyItself() {
    FakeMembership membership = new FakeMembership("node-a");
    membership.start();
    membership.view("node-b");

    membership.close();

    assertThat(membership.aliveNodes()).containsExactly("node-a");
    assertThat(membership.closed()).isTrue();
  }
}
