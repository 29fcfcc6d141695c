package io.ferrolb.it.bgp;

import static io.ferrolb.it.bgp.Lab.N1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferrolb.it.support.MetallbMetrics;
import io.ferrolb.it.support.Sh;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BFD (RFC 5880/5881 single hop, IPv4 and IPv6) between a ferrolb speaker and FRR 8.4 bfdd, 300 ms
 * x 3.
 */
class FrrBfdIT {
  static final String CONF =
      """
      router bgp 4200000100
       bgp router-id 203.0.113.1
       no bgp ebgp-requires-policy
       no bgp default ipv4-unicast
       neighbor 203.0.113.11 remote-as 4200000001
       neighbor 203.0.113.11 timers connect 1
       neighbor 203.0.113.11 bfd
       neighbor 203.0.113.11 bfd profile lab
       neighbor 2001:db8:77::11 remote-as 4200000001
       neighbor 2001:db8:77::11 timers connect 1
       neighbor 2001:db8:77::11 bfd
       neighbor 2001:db8:77::11 bfd profile lab
       address-family ipv4 unicast
        neighbor 203.0.113.11 activate
        neighbor 203.0.113.11 route-map DENY out
       exit-address-family
       address-family ipv6 unicast
        neighbor 2001:db8:77::11 activate
        neighbor 2001:db8:77::11 route-map DENY out
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
      """;

  static Frr frr;

  @BeforeAll
  static void lab() throws Exception {
    Lab.assumeLab(Frr.ZEBRA, "/usr/lib/frr/bgpd", "/usr/lib/frr/bfdd");
    Lab.up(List.of(Lab.R_FRR, N1));
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
    return frr.vtysh("show bgp ipv4 unicast 198.51.100.60/32 json");
  }

  private static final java.util.regex.Pattern UP =
      java.util.regex.Pattern.compile("BFD 203\\.0\\.113\\.1: \\w+ -> UP");

  private SpeakerProcess speakerWithBfd() throws Exception {
    SpeakerProcess s =
        SpeakerProcess.start(
            N1.ns(),
            List.of(
                "--asn", "4200000001",
                "--router-id", N1.v4(),
                "--peer", "203.0.113.1,4200000100,bfd=300",
                "--adv", "198.51.100.60/32"));
    await("route and BFD up\n" + s.log())
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                route().contains("\"ip\":\"203.0.113.11\"")
                    && frr.vtysh("show bfd peers json").contains("\"status\":\"up\"")
                    // and our end too: FRR is Up on our Init, we are Up one packet later; a test
                    // that freezes bfdd in between would wait for a transition that cannot come
                    && UP.matcher(s.log()).find());
    return s;
  }

  @Test
  void theSpeakerExposesMetallbsBfdFamiliesAndTheyCountAnUpSession() throws Exception {
    int port = 17491;
    try (SpeakerProcess s =
        SpeakerProcess.start(
            N1.ns(),
            List.of(
                "--asn", "4200000001",
                "--router-id", N1.v4(),
                "--peer", "203.0.113.1,4200000100,bfd=300",
                "--adv", "198.51.100.60/32",
                "--metrics-port", Integer.toString(port)))) {
      String series = "{peer=\"203.0.113.1\",vrf=\"default\"}";
      await("BFD up and counted in /metrics\n" + s.log())
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  frr.vtysh("show bfd peers json").contains("\"status\":\"up\"")
                      && metrics(port).contains("metallb_bfd_session_up" + series + " 1.0"));
      // a few packets each way once Up (300 ms, and the Poll sequence of going Up)
      await("control packets counted both ways")
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  value(metrics(port), "metallb_bfd_control_packet_input" + series) >= 3
                      && value(metrics(port), "metallb_bfd_control_packet_output" + series) >= 3);
      String text = metrics(port);
      MetallbMetrics.assertMatches(
          text, "speaker", Set.copyOf(MetallbMetrics.list("bfd.txt").keySet()));
      assertThat(value(text, "metallb_bfd_session_up_events" + series)).isEqualTo(1);
      assertThat(value(text, "metallb_bfd_session_down_events" + series)).isZero();
      assertThat(value(text, "metallb_bfd_echo_packet_input" + series)).isZero();
      assertThat(value(text, "metallb_bfd_zebra_notifications" + series)).isZero();
      assertThat(text)
          .contains("# HELP metallb_bfd_session_up BFD session state (1 is up, 0 is down)")
          .contains(
              "# HELP metallb_bfd_control_packet_input Number of received BFD control packets")
          .doesNotContain("metallb_bfd_control_packet_input_total");
    }
  }

  /** The speaker's /metrics, fetched inside its namespace. */
  private static String metrics(int port) {
    return Sh.shQuiet(
        "ip netns exec " + N1.ns() + " curl -s --max-time 2 http://127.0.0.1:" + port + "/metrics");
  }

  /** The value of one sample line ({@code name{labels} value}); -1 when absent. */
  private static double value(String exposition, String sample) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    return -1;
  }

  @Test
  void aFrozenSpeakersRoutesAreWithdrawnWithinOneSecond() throws Exception {
    try (SpeakerProcess s = speakerWithBfd()) {
      BfdChecks.frozenSpeakerWithdrawn("BFD", s, () -> !route().contains("203.0.113.11"));
    }
  }

  @Test
  void aBfdDownTakesOurBgpSessionDownAtOnce() throws Exception {
    try (SpeakerProcess s = speakerWithBfd()) {
      BfdChecks.frozenBfddTakesSessionDown("BFD", frr, s, "203.0.113.1");
    }
  }

  @Test
  void aPassiveSpeakerComesUpWithAnActiveRouterAndTwoPassiveEndsNeverDo() throws Exception {
    List<String> passive =
        List.of(
            "--asn", "4200000001",
            "--router-id", N1.v4(),
            "--peer", "203.0.113.1,4200000100,bfdpassive=300",
            "--adv", "198.51.100.60/32");
    try (SpeakerProcess s = SpeakerProcess.start(N1.ns(), passive)) {
      await("passive speaker: BFD up with the active router\n" + s.log())
          .atMost(Duration.ofSeconds(20))
          .until(() -> frr.vtysh("show bfd peers json").contains("\"status\":\"up\""));
    }
    frr.vtysh("configure terminal", "bfd", "profile lab", "passive-mode");
    // let FRR time the first session out, so it is passive in state Down and has forgotten us
    await("FRR's BFD session of the first speaker down")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !frr.vtysh("show bfd peers json").contains("\"status\":\"up\""));
    try (SpeakerProcess s = SpeakerProcess.start(N1.ns(), passive)) {
      await("BGP up without BFD\n" + s.log())
          .atMost(Duration.ofSeconds(20))
          .until(() -> route().contains("\"ip\":\"203.0.113.11\""));
      // both ends wait for the other's first packet (RFC 5880 §6.1): if we sent one, FRR would
      // answer and the session would come up
      await("BFD stays down")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(4))
          .until(() -> !s.log().contains("-> UP"));
    } finally {
      frr.vtysh("configure terminal", "bfd", "profile lab", "no passive-mode");
    }
  }

  @Test
  void ipv6BfdComesUpAndAFrozenSpeakersRoutesAreWithdrawn() throws Exception {
    String prefix = "show bgp ipv6 unicast 2001:db8:60::60/128 json";
    try (SpeakerProcess s =
        SpeakerProcess.start(
            N1.ns(),
            List.of(
                "--asn", "4200000001",
                "--router-id", N1.v4(),
                "--peer", "2001:db8:77::1,4200000100,bfd=300",
                "--adv", "2001:db8:60::60/128"))) {
      await("IPv6 route and BFD up\n" + s.log())
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  frr.vtysh(prefix).contains("2001:db8:77::11")
                      && frr.vtysh("show bfd peer 2001:db8:77::11 json")
                          .contains("\"status\":\"up\"")
                      && s.log().matches("(?s).*BFD 2001:db8:77::1: (DOWN|INIT) -> UP.*"));
      BfdChecks.frozenSpeakerWithdrawn(
          "BFD IPv6", s, () -> !frr.vtysh(prefix).contains("2001:db8:77::11"));
    }
  }
}
