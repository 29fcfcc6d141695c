package io.ferrolb.adapters.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.adapters.bgp.bfd.BfdSettings;
import io.ferrolb.adapters.bgp.netty.BgpSessionConfig;
import io.ferrolb.adapters.bgp.netty.BgpSpeaker;
import io.ferrolb.domain.announce.BgpPlan;
import io.ferrolb.domain.announce.BgpRoute;
import io.ferrolb.domain.announce.NodeState;
import io.ferrolb.domain.config.BfdProfile;
import io.ferrolb.domain.config.BgpPeer;
import io.ferrolb.domain.config.DynamicAsn;
import io.ferrolb.domain.config.ImmutableBgpPeer;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How a BGPPeer becomes the native speaker's session configuration. */
class BgpAnnouncerTest {
  private static final NodeState NODE = new NodeState("n1", Map.of(), false);
  private static BgpSpeaker speaker;
  private static BgpAnnouncer announcements;

  @BeforeAll
  static void start() {
    speaker = new BgpSpeaker(1);
    announcements = new BgpAnnouncer(speaker, () -> Optional.of(IpAddress.parse("203.0.113.11")));
  }

  @AfterAll
  static void stop() {
    speaker.close();
  }

  private static ImmutableBgpPeer.Builder peer() {
    return BgpPeer.builder().name("edge").myAsn(64500).peerAddress(IpAddress.parse("203.0.113.1"));
  }

  private static Optional<BgpSessionConfig> config(BgpPeer p, BfdProfile... profiles) {
    return announcements.sessionConfig(
        NODE.name(), p, new BgpPlan(List.of(p), List.of(profiles), Map.of(), Map.of()));
  }

  @Test
  void connectTimeIsAFixedRetryIntervalAndCapsTheDialTimeout() {
    BgpSessionConfig c =
        config(peer().peerAsn(64501).connectTime(Duration.ofSeconds(5)).build()).orElseThrow();
    assertThat(c.connectRetryMin()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.connectRetryMax()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    BgpSessionConfig slow =
        config(peer().peerAsn(64501).connectTime(Duration.ofSeconds(60)).build()).orElseThrow();
    assertThat(slow.connectRetryMin()).isEqualTo(Duration.ofSeconds(60));
    assertThat(slow.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void withoutConnectTimeTheNativeBackOffApplies() {
    BgpSessionConfig c = config(peer().peerAsn(64501).build()).orElseThrow();
    assertThat(c.connectRetryMin()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.connectRetryMax()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void dynamicAsnInternalExpectsOurAsnAndExternalAnyOther() {
    BgpSessionConfig internal =
        config(peer().dynamicAsn(DynamicAsn.INTERNAL).build()).orElseThrow();
    assertThat(internal.ibgp()).isTrue();
    assertThat(internal.peerAsn()).isEqualTo(64500);
    assertThat(internal.anyExternalPeerAsn()).isFalse();
    BgpSessionConfig external =
        config(peer().dynamicAsn(DynamicAsn.EXTERNAL).build()).orElseThrow();
    assertThat(external.ibgp()).isFalse();
    assertThat(external.anyExternalPeerAsn()).isTrue();
  }

  @Test
  void unnumberedPeersOpenNoSessionAndVrfPeersOneInTheDefaultVrf() {
    assertThat(
            config(BgpPeer.builder().name("u").myAsn(1).peerAsn(2).interfaceName("eth1").build()))
        .isEmpty();
    assertThat(config(peer().peerAsn(64501).vrf("red").build())).isPresent();
  }

  @Test
  void bfdOfAMultihopPeerIsMultihopWithTheProfilesMinimumTtl() {
    BfdProfile p = BfdProfile.builder().name("fast").minimumTtl(250).build();
    BfdSettings mh =
        config(peer().peerAsn(64501).ebgpMultiHop(true).bfdProfile("fast").build(), p)
            .orElseThrow()
            .bfd()
            .orElseThrow();
    assertThat(mh.multihop()).isTrue();
    assertThat(mh.acceptedTtl()).isEqualTo(250);
    assertThat(mh.destinationPort()).isEqualTo(4784);
    BfdSettings single =
        config(peer().peerAsn(64501).bfdProfile("fast").build(), p)
            .orElseThrow()
            .bfd()
            .orElseThrow();
    assertThat(single.multihop()).isFalse();
    assertThat(single.acceptedTtl()).isEqualTo(255);
  }

  @Test
  void aSessionCarriesItsPeersFamilyUnlessDualStack() {
    BgpRoute v4 = new BgpRoute(Cidr.parse("198.51.100.1/32"), Set.of(), OptionalLong.empty());
    BgpRoute v6 = new BgpRoute(Cidr.parse("2001:db8::1/128"), Set.of(), OptionalLong.empty());
    assertThat(BgpAnnouncer.families(peer().peerAsn(64501).build(), Set.of(v4, v6)))
        .containsExactly(v4);
    assertThat(
            BgpAnnouncer.families(
                peer().peerAsn(64501).peerAddress(IpAddress.parse("2001:db8::99")).build(),
                Set.of(v4, v6)))
        .containsExactly(v6);
    assertThat(
            BgpAnnouncer.families(
                peer().peerAsn(64501).dualStackAddressFamily(true).build(), Set.of(v4, v6)))
        .containsExactlyInAnyOrder(v4, v6);
  }
}
