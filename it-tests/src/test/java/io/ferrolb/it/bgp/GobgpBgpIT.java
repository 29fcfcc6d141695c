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

/** ferrolb speakers against gobgpd 3.10 acting as the router. */
class GobgpBgpIT {
  static final long GOBGP_AS = 4_200_000_100L;
  static final long NODE_AS = 4_200_000_001L;
  static final String MD5 = "ferrosecret";

  static String neighbor(String addr, long as, String family, String extra) {
    return """
        [[neighbors]]
          [neighbors.config]
            neighbor-address = "%s"
            peer-as = %d
            %s
          [neighbors.timers.config]
            connect-retry = 1
            idle-hold-time-after-reset = 1
          [neighbors.graceful-restart.config]
            enabled = true
            helper-only = true
          [[neighbors.afi-safis]]
            [neighbors.afi-safis.config]
              afi-safi-name = "%s"
            [neighbors.afi-safis.mp-graceful-restart.config]
              enabled = true
        """
        .formatted(addr, as, extra, family);
  }

  static final String CONF =
      """
      [global.config]
        as = 4200000100
        router-id = "203.0.113.3"
      """
          + neighbor("203.0.113.11", NODE_AS, "ipv4-unicast", "")
          + neighbor("2001:db8:77::11", NODE_AS, "ipv6-unicast", "")
          + neighbor("203.0.113.12", NODE_AS, "ipv4-unicast", "")
          + neighbor("203.0.113.13", NODE_AS, "ipv4-unicast", "auth-password = \"" + MD5 + "\"")
          + neighbor("203.0.113.14", GOBGP_AS, "ipv4-unicast", "");

  static Gobgp gobgp;
  final Speakers speakers = new Speakers();

  @BeforeAll
  static void lab() throws Exception {
    Lab.assumeLab(Gobgp.BIN);
    Lab.up(List.of(Lab.R_GOBGP, N1, N2, N3, N4));
    gobgp = Gobgp.start(Lab.GOBGP, CONF);
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (gobgp != null) {
      gobgp.close();
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

  private String rib(String afi, String prefix) {
    return gobgp.gobgp("global", "rib", "-a", afi, prefix);
  }

  private boolean established(String addr) {
    // 3.10 prints "BGP state = BGP_FSM_ESTABLISHED"; older docs show "established"
    return gobgp
        .gobgp("neighbor", addr)
        .toLowerCase(java.util.Locale.ROOT)
        .matches("(?s).*bgp state = (bgp_fsm_)?established.*");
  }

  private static final Duration UP = Duration.ofSeconds(20);

  @Test
  void ebgpIpv4AndIpv6PrefixesArriveWithNextHopsAndCommunities() throws Exception {
    SpeakerProcess n1 =
        speaker(
            N1,
            NODE_AS,
            "--peer",
            "203.0.113.3," + GOBGP_AS,
            "--peer",
            "2001:db8:77::3," + GOBGP_AS,
            "--adv",
            "198.51.100.10/32,c=64500:100+no-export,l=4200000001:1:2",
            "--adv",
            "2001:db8:100::10/128");
    await("IPv4 route in GoBGP\n" + n1.log())
        .atMost(UP)
        .until(() -> rib("ipv4", "198.51.100.10/32").contains("203.0.113.11"));
    String v4 = rib("ipv4", "198.51.100.10/32");
    assertThat(v4).contains("4200000001");
    assertThat(v4).contains("{Communities: 64500:100, no-export}");
    assertThat(v4).contains("{LargeCommunity: [ 4200000001:1:2]}");
    await("IPv6 route in GoBGP")
        .atMost(UP)
        .until(() -> rib("ipv6", "2001:db8:100::10/128").contains("2001:db8:77::11"));
  }

  @Test
  void ibgpCarriesLocalPreference() throws Exception {
    SpeakerProcess n4 =
        speaker(
            N4, GOBGP_AS, "--peer", "203.0.113.3," + GOBGP_AS, "--adv", "198.51.100.40/32,lp=150");
    await("iBGP route\n" + n4.log())
        .atMost(UP)
        .until(() -> rib("ipv4", "198.51.100.40/32").contains("203.0.113.14"));
    assertThat(rib("ipv4", "198.51.100.40/32")).contains("{LocalPref: 150}");
  }

  @Test
  void md5WithTheRightKeyEstablishesAndWithAWrongKeyDoesNot() throws Exception {
    SpeakerProcess wrong =
        speaker(N3, NODE_AS, "--peer", "203.0.113.3," + GOBGP_AS + ",password=not-the-key");
    Thread.sleep(4000);
    assertThat(gobgp.gobgp("neighbor", "203.0.113.13")).containsIgnoringCase("BGP state = ");
    assertThat(established("203.0.113.13")).isFalse();
    wrong.close();
    speakers.forget(wrong);
    SpeakerProcess right =
        speaker(
            N3,
            NODE_AS,
            "--peer",
            "203.0.113.3," + GOBGP_AS + ",password=" + MD5,
            "--adv",
            "198.51.100.50/32");
    await("MD5 session\n" + right.log()).atMost(UP).until(() -> established("203.0.113.13"));
    await().atMost(UP).until(() -> rib("ipv4", "198.51.100.50/32").contains("203.0.113.13"));
  }

  @Test
  void threeSpeakersGiveThreePathsForOnePrefix() throws Exception {
    speakers.startThreeAnnouncing("203.0.113.3," + GOBGP_AS, NODE_AS, MD5, "198.51.100.20/32");
    await("three paths")
        .atMost(UP)
        .until(() -> Speakers.namesAllThree(rib("ipv4", "198.51.100.20/32"), ""));
  }

  @Test
  void gracefulRestartKeepsTheRouteThroughASpeakerRestart() throws Exception {
    String[] args = {"--peer", "203.0.113.3," + GOBGP_AS + ",gr=120", "--adv", "198.51.100.30/32"};
    SpeakerProcess first = speaker(N2, NODE_AS, args);
    await("route before restart\n" + first.log())
        .atMost(UP)
        .until(() -> rib("ipv4", "198.51.100.30/32").contains("203.0.113.12"));
    first.kill();
    speakers.forget(first);
    await("GoBGP noticed the restart")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !established("203.0.113.12"));
    assertThat(rib("ipv4", "198.51.100.30/32")).contains("203.0.113.12");
    speaker(N2, NODE_AS, args);
    await("session back").atMost(UP).until(() -> established("203.0.113.12"));
    assertThat(rib("ipv4", "198.51.100.30/32")).contains("203.0.113.12");
  }
}
