package io.ferrolb.it.bgp;

import static io.ferrolb.it.bgp.Lab.N1;
import static io.ferrolb.it.bgp.Lab.N2;
import static io.ferrolb.it.bgp.Lab.N3;
import static io.ferrolb.it.bgp.Lab.N4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ferrolb speakers against BIRD 2.0 in namespaces. */
class BirdBgpIT {
  static final long BIRD_AS = 4_200_000_100L;
  static final long NODE_AS = 4_200_000_001L;
  static final String MD5 = "ferrosecret";
  static final String CONF =
      """
      router id 203.0.113.2;
      protocol device { }
      protocol kernel kernel4 { ipv4 { export where source = RTS_BGP; }; merge paths on; }
      protocol kernel kernel6 { ipv6 { export where source = RTS_BGP; }; merge paths on; }
      template bgp spk4 {
        local 203.0.113.2 as 4200000100;
        connect delay time 1; connect retry time 1; error wait time 1, 10;
        ipv4 { import all; export none; };
      }
      template bgp spk6 {
        local 2001:db8:77::2 as 4200000100;
        connect delay time 1; connect retry time 1; error wait time 1, 10;
        ipv6 { import all; export none; };
      }
      protocol bgp n1v4 from spk4 { neighbor 203.0.113.11 as 4200000001; }
      protocol bgp n1v6 from spk6 { neighbor 2001:db8:77::11 as 4200000001; }
      protocol bgp n2v4 from spk4 { neighbor 203.0.113.12 as 4200000001; }
      protocol bgp n3v4 from spk4 { neighbor 203.0.113.13 as 4200000001; password "ferrosecret"; }
      protocol bgp n4v4 from spk4 { neighbor 203.0.113.14 as 4200000100; direct; }
      """;

  static Bird bird;
  final Speakers speakers = new Speakers();

  @BeforeAll
  static void lab() throws Exception {
    Lab.assumeLab(Bird.BIN);
    Lab.up(List.of(Lab.R_BIRD, N1, N2, N3, N4));
    bird = Bird.start(Lab.BIRD, CONF);
  }

  @AfterAll
  static void cleanUp() {
    if (bird != null) {
      bird.close();
    }
    Lab.down();
  }

  @AfterEach
  void stopSpeakers() throws Exception {
    speakers.close();
  }

  private SpeakerProcess speaker(Lab.Host node, long asn, String... args) throws Exception {
    return speakers.start(node, asn, args);
  }

  private String route(String prefix) {
    return bird.birdc("show route for " + prefix + " all");
  }

  private static final Duration UP = Duration.ofSeconds(20);

  @Test
  void ebgpIpv4AndIpv6PrefixesArriveWithNextHopsAndCommunities() throws Exception {
    SpeakerProcess n1 =
        speaker(
            N1,
            NODE_AS,
            "--peer",
            "203.0.113.2," + BIRD_AS,
            "--peer",
            "2001:db8:77::2," + BIRD_AS,
            "--adv",
            "198.51.100.10/32,c=64500:100+no-export,l=4200000001:1:2",
            "--adv",
            "2001:db8:100::10/128");
    await("IPv4 route in BIRD\n" + n1.log())
        .atMost(UP)
        .until(() -> route("198.51.100.10/32").contains("BGP.next_hop: 203.0.113.11"));
    String v4 = route("198.51.100.10/32");
    assertThat(v4).contains("BGP.as_path: 4200000001");
    assertThat(v4).contains("BGP.community: (64500,100) (65535,65281)");
    assertThat(v4).contains("BGP.large_community: (4200000001, 1, 2)");
    await("IPv6 route in BIRD")
        .atMost(UP)
        .until(() -> route("2001:db8:100::10/128").contains("BGP.next_hop: 2001:db8:77::11"));
    await("kernel route")
        .atMost(Duration.ofSeconds(5))
        .until(() -> bird.kernelRoute("198.51.100.10").contains("via 203.0.113.11"));
  }

  @Test
  void ibgpCarriesLocalPreference() throws Exception {
    SpeakerProcess n4 =
        speaker(
            N4, BIRD_AS, "--peer", "203.0.113.2," + BIRD_AS, "--adv", "198.51.100.40/32,lp=150");
    await("iBGP route\n" + n4.log())
        .atMost(UP)
        .until(() -> route("198.51.100.40/32").contains("BGP.local_pref: 150"));
  }

  @Test
  void md5WithTheRightKeyEstablishesAndWithAWrongKeyDoesNot() throws Exception {
    SpeakerProcess wrong =
        speaker(N3, NODE_AS, "--peer", "203.0.113.2," + BIRD_AS + ",password=not-the-key");
    Thread.sleep(4000); // several 1 s connect attempts must all fail
    assertThat(bird.birdc("show protocols n3v4")).doesNotContain("Established");
    wrong.close();
    speakers.forget(wrong);
    SpeakerProcess right =
        speaker(
            N3,
            NODE_AS,
            "--peer",
            "203.0.113.2," + BIRD_AS + ",password=" + MD5,
            "--adv",
            "198.51.100.50/32");
    await("MD5 session\n" + right.log())
        .atMost(UP)
        .until(() -> bird.birdc("show protocols n3v4").contains("Established"));
    await().atMost(UP).until(() -> route("198.51.100.50/32").contains("203.0.113.13"));
  }

  @Test
  void threeSpeakersGiveThreeEcmpNextHops() throws Exception {
    speakers.startThreeAnnouncing("203.0.113.2," + BIRD_AS, NODE_AS, MD5, "198.51.100.20/32");
    await("three next hops in the kernel")
        .atMost(UP)
        .until(() -> Speakers.namesAllThree(bird.kernelRoute("198.51.100.20"), "via "));
  }

  @Test
  void gracefulRestartKeepsTheRouteThroughASpeakerRestart() throws Exception {
    String[] args = {"--peer", "203.0.113.2," + BIRD_AS + ",gr=120", "--adv", "198.51.100.30/32"};
    SpeakerProcess first = speaker(N2, NODE_AS, args);
    await("route before restart\n" + first.log())
        .atMost(UP)
        .until(() -> route("198.51.100.30/32").contains("203.0.113.12"));
    first.kill();
    speakers.forget(first);
    await("BIRD noticed the restart")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !bird.birdc("show protocols n2v4").contains("Established"));
    assertThat(route("198.51.100.30/32")).contains("203.0.113.12");
    assertThat(bird.kernelRoute("198.51.100.30")).contains("via 203.0.113.12");
    speaker(N2, NODE_AS, args);
    await("session back")
        .atMost(UP)
        .until(() -> bird.birdc("show protocols n2v4").contains("Established"));
    assertThat(route("198.51.100.30/32")).contains("203.0.113.12");
  }
}
