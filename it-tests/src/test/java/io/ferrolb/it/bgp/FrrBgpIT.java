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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ferrolb speakers against FRR 8.4 (zebra + bgpd) in namespaces. */
class FrrBgpIT {
  static final long FRR_AS = 4_200_000_100L; // 4-octet ASNs on both sides (RFC 6793)
  static final long NODE_AS = 4_200_000_001L;
  static final String MD5 = "ferrosecret";
  static final String CONF =
      """
      router bgp 4200000100
       bgp router-id 203.0.113.1
       no bgp ebgp-requires-policy
       no bgp default ipv4-unicast
       bgp graceful-restart
       bgp bestpath as-path multipath-relax
       neighbor SPK peer-group
       neighbor SPK remote-as 4200000001
       neighbor SPK timers connect 1
       neighbor SPK6 peer-group
       neighbor SPK6 remote-as 4200000001
       neighbor SPK6 timers connect 1
       neighbor 203.0.113.11 peer-group SPK
       neighbor 203.0.113.12 peer-group SPK
       neighbor 203.0.113.13 peer-group SPK
       neighbor 203.0.113.13 password ferrosecret
       neighbor 2001:db8:77::11 peer-group SPK6
       neighbor 203.0.113.14 remote-as 4200000100
       neighbor 203.0.113.14 timers connect 1
       address-family ipv4 unicast
        neighbor SPK activate
        neighbor SPK route-map DENY out
        neighbor 203.0.113.14 activate
        neighbor 203.0.113.14 route-map DENY out
        maximum-paths 8
        maximum-paths ibgp 8
       exit-address-family
       address-family ipv6 unicast
        neighbor SPK6 activate
        neighbor SPK6 route-map DENY out
        neighbor 203.0.113.12 activate
        neighbor 203.0.113.12 route-map DENY out
        maximum-paths 8
       exit-address-family
      route-map DENY deny 10
      """;

  static Frr frr;
  final Speakers speakers = new Speakers();

  @BeforeAll
  static void lab() throws Exception {
    Lab.assumeLab(Frr.ZEBRA, "/usr/lib/frr/bgpd");
    Lab.up(List.of(Lab.R_FRR, N1, N2, N3, N4));
    frr = Frr.start(Lab.FRR, CONF, null);
  }

  @AfterAll
  static void cleanUp() {
    if (frr != null) {
      frr.close();
    }
    Lab.down();
  }

  private SpeakerProcess speaker(Lab.Host node, long asn, String... args) throws Exception {
    return speakers.start(node, asn, args);
  }

  @org.junit.jupiter.api.AfterEach
  void stopSpeakers() throws Exception {
    speakers.close();
  }

  private String route(String afi, String prefix) {
    return frr.vtysh("show bgp " + afi + " unicast " + prefix + " json");
  }

  private String neighbor(String addr) {
    return frr.vtysh("show bgp neighbors " + addr + " json");
  }

  private static final Duration UP = Duration.ofSeconds(20);

  @Test
  void ebgpIpv4AndIpv6PrefixesArriveWithNextHopsAndCommunities() throws Exception {
    SpeakerProcess n1 =
        speaker(
            N1,
            NODE_AS,
            "--peer",
            "203.0.113.1," + FRR_AS,
            "--peer",
            "2001:db8:77::1," + FRR_AS,
            "--adv",
            "198.51.100.10/32,c=64500:100+no-export,l=4200000001:1:2",
            "--adv",
            "2001:db8:100::10/128");
    await("IPv4 route in FRR\n" + n1.log())
        .atMost(UP)
        .until(() -> route("ipv4", "198.51.100.10/32").contains("\"ip\":\"203.0.113.11\""));
    String v4 = route("ipv4", "198.51.100.10/32");
    assertThat(v4).contains("\"string\":\"64500:100 no-export\"");
    assertThat(v4).contains("\"string\":\"4200000001:1:2\"");
    assertThat(v4).contains("\"string\":\"4200000001\""); // AS path of the 4-octet peer
    await("IPv6 route in FRR")
        .atMost(UP)
        .until(() -> route("ipv6", "2001:db8:100::10/128").contains("\"ip\":\"2001:db8:77::11\""));
    assertThat(neighbor("203.0.113.11")).contains("\"remoteAs\":4200000001");
    await("kernel route via the speaker")
        .atMost(Duration.ofSeconds(5))
        .until(() -> frr.kernelRoute("198.51.100.10").contains("via 203.0.113.11"));
    await("IPv6 kernel route")
        .atMost(Duration.ofSeconds(5))
        .until(() -> frr.kernelRoute("2001:db8:100::10").contains("via 2001:db8:77::11"));
  }

  @Test
  void dynamicExternalAsnAndDualStackOverOneIpv4Session() throws Exception {
    // the speaker does not know FRR's ASN; one IPv4 session carries both families (MetalLB
    // dynamicASN: external, dualStackAddressFamily: true)
    SpeakerProcess n2 =
        speaker(
            N2,
            NODE_AS,
            "--peer",
            "203.0.113.1,external",
            "--adv",
            "198.51.100.20/32",
            "--adv",
            "2001:db8:100::20/128");
    await("IPv4 route in FRR\n" + n2.log())
        .atMost(UP)
        .until(() -> route("ipv4", "198.51.100.20/32").contains("\"ip\":\"203.0.113.12\""));
    // the IPv6 next hop is the speaker's global IPv6 address on the session's interface
    await("IPv6 route over the IPv4 session\n" + n2.log())
        .atMost(Duration.ofSeconds(5))
        .until(() -> route("ipv6", "2001:db8:100::20/128").contains("\"ip\":\"2001:db8:77::12\""));
  }

  @Test
  void ibgpCarriesLocalPreference() throws Exception {
    SpeakerProcess n4 =
        speaker(N4, FRR_AS, "--peer", "203.0.113.1," + FRR_AS, "--adv", "198.51.100.40/32,lp=150");
    await("iBGP route in FRR\n" + n4.log())
        .atMost(UP)
        .until(() -> route("ipv4", "198.51.100.40/32").contains("\"ip\":\"203.0.113.14\""));
    assertThat(route("ipv4", "198.51.100.40/32")).containsPattern("\"(locPrf|localpref)\":150");
  }

  @Test
  void md5WithTheRightKeyEstablishesAndWithAWrongKeyDoesNot() throws Exception {
    SpeakerProcess wrong =
        speaker(N3, NODE_AS, "--peer", "203.0.113.1," + FRR_AS + ",password=not-the-key");
    Thread.sleep(4000); // several connect attempts (1 s back-off) must all fail
    assertThat(neighbor("203.0.113.13")).doesNotContain("\"bgpState\":\"Established\"");
    assertThat(wrong.log()).doesNotContain("ESTABLISHED");
    wrong.close();
    speakers.forget(wrong);
    SpeakerProcess right =
        speaker(
            N3,
            NODE_AS,
            "--peer",
            "203.0.113.1," + FRR_AS + ",password=" + MD5,
            "--adv",
            "198.51.100.50/32");
    await("MD5 session\n" + right.log())
        .atMost(UP)
        .until(() -> neighbor("203.0.113.13").contains("\"bgpState\":\"Established\""));
    assertThat(route("ipv4", "198.51.100.50/32")).contains("\"ip\":\"203.0.113.13\"");
  }

  @Test
  void threeSpeakersGiveThreeEcmpNextHops() throws Exception {
    speakers.startThreeAnnouncing("203.0.113.1," + FRR_AS, NODE_AS, MD5, "198.51.100.20/32");
    await("three next hops in the kernel")
        .atMost(UP)
        .until(() -> Speakers.namesAllThree(frr.kernelRoute("198.51.100.20"), "via "));
  }

  @Test
  void gracefulRestartKeepsTheRouteThroughASpeakerRestart() throws Exception {
    String[] args = {"--peer", "203.0.113.1," + FRR_AS + ",gr=120", "--adv", "198.51.100.30/32"};
    SpeakerProcess first = speaker(N2, NODE_AS, args);
    await("route before restart\n" + first.log())
        .atMost(UP)
        .until(() -> route("ipv4", "198.51.100.30/32").contains("\"ip\":\"203.0.113.12\""));
    assertThat(neighbor("203.0.113.12")).contains("\"gracefulRestart\"");
    first.kill();
    speakers.forget(first);
    await("FRR noticed the restart")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !neighbor("203.0.113.12").contains("\"bgpState\":\"Established\""));
    assertThat(route("ipv4", "198.51.100.30/32")).contains("\"ip\":\"203.0.113.12\"");
    assertThat(route("ipv4", "198.51.100.30/32")).contains("\"stale\":true");
    assertThat(frr.kernelRoute("198.51.100.30")).contains("via 203.0.113.12");
    speaker(N2, NODE_AS, args);
    await("session back and route fresh")
        .atMost(UP)
        .until(
            () ->
                neighbor("203.0.113.12").contains("\"bgpState\":\"Established\"")
                    && !route("ipv4", "198.51.100.30/32").contains("\"stale\":true"));
    assertThat(frr.kernelRoute("198.51.100.30")).contains("via 203.0.113.12");
  }
}
