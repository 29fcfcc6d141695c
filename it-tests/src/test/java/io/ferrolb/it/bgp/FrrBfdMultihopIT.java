package io.ferrolb.it.bgp;

import static io.ferrolb.it.bgp.Lab.N1;
import static org.awaitility.Awaitility.await;

import io.ferrolb.it.support.Sh;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Multihop BFD (RFC 5883, UDP 4784) between a ferrolb speaker and FRR 8.4 bfdd one router away:
 * speaker 203.0.113.11 on the lab segment, router namespace {@code flbb-rtr} (203.0.113.5 and
 * 198.18.0.1), FRR 198.18.0.2 behind it. Every packet crosses one hop, so both sides receive TTL
 * 254: single-hop BFD (TTL 255 only) could not come up here.
 */
class FrrBfdMultihopIT {
  static final Lab.Host ROUTER = new Lab.Host("flbb-rtr", 5);
  static final String FRR_ADDR = "198.18.0.2";
  static final String CONF =
      """
      router bgp 4200000100
       bgp router-id 198.18.0.2
       no bgp ebgp-requires-policy
       no bgp default ipv4-unicast
       neighbor 203.0.113.11 remote-as 4200000001
       neighbor 203.0.113.11 ebgp-multihop 255
       neighbor 203.0.113.11 timers connect 1
       neighbor 203.0.113.11 bfd
       neighbor 203.0.113.11 bfd profile lab
       address-family ipv4 unicast
        neighbor 203.0.113.11 activate
        neighbor 203.0.113.11 route-map DENY out
       exit-address-family
      route-map DENY deny 10
      """;
  static final String BFDD =
      """
      bfd
       profile lab
        detect-multiplier 3
        receive-interval 300
        transmit-interval 300
        minimum-ttl 254
       peer 203.0.113.11 multihop local-address 198.18.0.2
        profile lab
      """;

  static Frr frr;

  @BeforeAll
  static void lab() throws Exception {
    Lab.assumeLab(Frr.ZEBRA, "/usr/lib/frr/bgpd", "/usr/lib/frr/bfdd");
    Lab.up(List.of(ROUTER, N1));
    Sh.sh(
        """
        set -e
        ip netns add flbb-frr
        ip -n flbb-rtr link add flbb-r0 type veth peer name flbb0 netns flbb-frr
        ip -n flbb-rtr addr add 198.18.0.1/24 dev flbb-r0
        ip -n flbb-rtr link set flbb-r0 up
        ip -n flbb-frr link set lo up
        ip -n flbb-frr addr add 198.18.0.2/24 dev flbb0
        ip -n flbb-frr link set flbb0 up
        ip -n flbb-frr route add 203.0.113.0/24 via 198.18.0.1
        ip -n flbb-n1 route add 198.18.0.0/24 via 203.0.113.5
        """);
    frr = Frr.start(Lab.FRR, CONF, BFDD);
  }

  @AfterAll
  static void cleanUp() {
    if (frr != null) {
      frr.close();
    }
    Lab.down();
  }

  private String route() {
    return frr.vtysh("show bgp ipv4 unicast 198.51.100.61/32 json");
  }

  private SpeakerProcess speaker(String bfd) throws Exception {
    return SpeakerProcess.start(
        N1.ns(),
        List.of(
            "--asn",
            "4200000001",
            "--router-id",
            N1.v4(),
            "--peer",
            FRR_ADDR + ",4200000100,multihop=255," + bfd,
            "--adv",
            "198.51.100.61/32"));
  }

  private SpeakerProcess speakerWithMultihopBfd() throws Exception {
    SpeakerProcess s = speaker("bfdmh=300");
    await("route and multihop BFD up\n" + s.log())
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              String peers = frr.vtysh("show bfd peers json");
              return route().contains("\"ip\":\"203.0.113.11\"")
                  && peers.contains("\"multihop\":true")
                  && peers.contains("\"status\":\"up\"")
                  && s.log().matches("(?s).*BFD " + FRR_ADDR + ": (DOWN|INIT) -> UP.*");
            });
    return s;
  }

  @Test
  void aFrozenSpeakersRoutesAreWithdrawnWithinTheDetectionTime() throws Exception {
    try (SpeakerProcess s = speakerWithMultihopBfd()) {
      BfdChecks.frozenSpeakerWithdrawn("BFD multihop", s, () -> !route().contains("203.0.113.11"));
    }
  }

  @Test
  void aFrozenBfddTakesOurBgpSessionDown() throws Exception {
    try (SpeakerProcess s = speakerWithMultihopBfd()) {
      BfdChecks.frozenBfddTakesSessionDown("BFD multihop", frr, s, FRR_ADDR);
    }
  }

  @Test
  void packetsBelowTheMinimumTtlAreDropped() throws Exception {
    // FRR's packets arrive with TTL 254 (one router): a minimumTtl of 255 drops every one of them
    try (SpeakerProcess s = speaker("bfdmh=300/255")) {
      await("BGP established\n" + s.log())
          .atMost(Duration.ofSeconds(20))
          .until(() -> route().contains("\"ip\":\"203.0.113.11\""));
      await("our BFD session never leaves Down")
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(3))
          .until(() -> !s.log().contains("BFD " + FRR_ADDR + ": DOWN ->"));
    }
  }
}
