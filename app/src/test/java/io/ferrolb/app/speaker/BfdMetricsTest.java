package io.ferrolb.app.speaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.app.observability.MetallbExposition;
import io.ferrolb.ports.out.AnnouncerStatus.Liveness;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class BfdMetricsTest {
  private static String exposition(List<Liveness> sessions) {
    PrometheusRegistry registry = new PrometheusRegistry();
    BfdMetrics.register(registry, () -> sessions);
    return MetallbExposition.text(registry.scrape());
  }

  @Test
  void anUpSessionIsWrittenUnderMetallbsNamesHelpAndLabels() {
    String text = exposition(List.of(new Liveness("203.0.113.1", true, 12, 14, 1, 0)));

    assertThat(text)
        .contains("# HELP metallb_bfd_session_up BFD session state (1 is up, 0 is down)\n")
        .contains("# TYPE metallb_bfd_session_up gauge\n")
        .contains("metallb_bfd_session_up{peer=\"203.0.113.1\",vrf=\"default\"} 1.0\n")
        .contains(
            "# HELP metallb_bfd_control_packet_input Number of received BFD control packets\n")
        .contains("# TYPE metallb_bfd_control_packet_input counter\n")
        .contains("metallb_bfd_control_packet_input{peer=\"203.0.113.1\",vrf=\"default\"} 12.0\n")
        .contains("metallb_bfd_control_packet_output{peer=\"203.0.113.1\",vrf=\"default\"} 14.0\n")
        .contains("metallb_bfd_session_up_events{peer=\"203.0.113.1\",vrf=\"default\"} 1.0\n")
        .contains("metallb_bfd_session_down_events{peer=\"203.0.113.1\",vrf=\"default\"} 0.0\n")
        .contains("metallb_bfd_echo_packet_input{peer=\"203.0.113.1\",vrf=\"default\"} 0.0\n")
        .contains("metallb_bfd_echo_packet_output{peer=\"203.0.113.1\",vrf=\"default\"} 0.0\n")
        .contains("metallb_bfd_zebra_notifications{peer=\"203.0.113.1\",vrf=\"default\"} 0.0\n")
        .doesNotContain("_total");
  }

  @Test
  void aSessionNotUpIsZeroAndItsDownEventsCount() {
    String text = exposition(List.of(new Liveness("2001:db8:77::1", false, 3, 5, 2, 2)));

    assertThat(text)
        .contains("metallb_bfd_session_up{peer=\"2001:db8:77::1\",vrf=\"default\"} 0.0\n")
        .contains("metallb_bfd_session_down_events{peer=\"2001:db8:77::1\",vrf=\"default\"} 2.0\n");
  }

  @Test
  void everyCounterHasItsHelpAndType() {
    String text = exposition(List.of(new Liveness("203.0.113.1", false, 0, 0, 0, 0)));

    for (String c : BfdMetrics.COUNTERS) {
      assertThat(text)
          .contains("# HELP " + c + " Number of ")
          .contains("# TYPE " + c + " counter\n");
    }
  }
}
