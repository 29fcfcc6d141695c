package io.ferrolb.app.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.app.speaker.ReconcileNodeTest.FakeView;
import io.ferrolb.domain.announce.NodeState;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.FakeMembership;
import io.ferrolb.ports.out.Membership;
import io.ferrolb.ports.spi.MembershipProvider;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Gossip that starts on the first pass with a key and an address, not before, and only once. */
class SpeakerMembershipTest {
  static final Optional<IpAddress> SELF = Optional.of(IpAddress.parse("203.0.113.11"));

  /** A view whose memberlist key the test sets (the base fake has none). */
  static final class KeyedView extends FakeView {
    Optional<byte[]> key = Optional.empty();

    @Override
    public Optional<byte[]> memberlistKey() {
      return key;
    }
  }

  final KeyedView view = new KeyedView();
  final List<String> created = new ArrayList<>();
  final List<FakeMembership> made = new ArrayList<>();
  final MembershipProvider provider =
      (node, bind, port, secret) -> {
        created.add(
            node + "@" + bind + ":" + port + " " + new String(secret, StandardCharsets.UTF_8));
        FakeMembership m = new FakeMembership(node);
        made.add(m);
        return m;
      };
  final Clock clock = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);

  SpeakerMembership whenKeyed() {
    return SpeakerMembership.whenKeyed(
        "n1", 7946, provider, clock, Duration.ofSeconds(30), "ferrolb-system");
  }

  @Test
  void startsOnceTheSecretAppearsWithSeedsGivenBeforeTheFirstConnect() {
    view.nodes =
        List.of(new NodeState("n1", Map.of(), false), new NodeState("n2", Map.of(), false));
    SpeakerMembership gossip = whenKeyed();
    AtomicInteger changes = new AtomicInteger();
    gossip.onChange(changes::incrementAndGet);

    gossip.update(view, view.nodes, SELF);
    assertThat(created).isEmpty(); // no Secret yet: every Node counts as alive
    assertThat(gossip.current()).isEmpty();

    view.key = Optional.of("s3cret".getBytes(StandardCharsets.UTF_8));
    gossip.update(view, view.nodes, SELF);
    gossip.update(view, view.nodes, SELF);

    assertThat(created).containsExactly("n1@203.0.113.11:7946 s3cret"); // once
    FakeMembership m = made.get(0);
    assertThat(m.started()).isTrue();
    // FakeView gives every node 203.0.113.11; the local node is never a seed
    assertThat(m.seedHistory().get(0)).containsExactly(new InetSocketAddress("203.0.113.11", 7946));
    assertThat(gossip.current()).containsSame(m);

    int before = changes.get();
    m.view("n2");
    assertThat(changes.get()).isGreaterThan(before); // a membership change triggers a pass
  }

  @Test
  void withoutAnAddressGossipWaitsEvenWithTheSecret() {
    view.key = Optional.of(new byte[] {1, 2, 3});
    SpeakerMembership gossip = whenKeyed();

    gossip.update(view, view.nodes, Optional.empty());

    assertThat(created).isEmpty();
    assertThat(gossip.current()).isEmpty();
  }

  @Test
  void anUnusableSecretLeavesGossipOffInsteadOfFailingThePass() {
    view.key = Optional.of(new byte[] {1});
    SpeakerMembership gossip =
        SpeakerMembership.whenKeyed(
            "n1",
            7946,
            (node, bind, port, secret) -> {
              throw new IllegalArgumentException("memberlist secret: empty");
            },
            clock,
            Duration.ZERO,
            "ferrolb-system");

    gossip.update(view, view.nodes, SELF);

    assertThat(gossip.current()).isEmpty();
  }

  @Test
  void offNeverStartsAndAGivenMembershipGetsSeedsOnEveryPass() {
    view.key = Optional.of(new byte[] {1, 2, 3});
    SpeakerMembership off = SpeakerMembership.off("n1");
    off.update(view, view.nodes, SELF);
    assertThat(off.current()).isEmpty();

    FakeMembership given = new FakeMembership("n1");
    SpeakerMembership fixed = SpeakerMembership.of(given, 7946);
    view.nodes =
        List.of(new NodeState("n1", Map.of(), false), new NodeState("n3", Map.of(), false));
    fixed.update(view, view.nodes, SELF);
    fixed.update(view, view.nodes, SELF);
    assertThat(given.seedHistory()).hasSize(2);
    Membership current = fixed.current().orElseThrow();
    assertThat(current).isSameAs(given);
  }
}
