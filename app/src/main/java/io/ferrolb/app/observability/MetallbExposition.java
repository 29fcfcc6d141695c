package io.ferrolb.app.observability;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Prometheus text format (0.0.4, what MetalLB's Go client serves) with MetalLB's names. The
 * Java client names every counter {@code <name>_total}; MetalLB's layer-2 counters have no such
 * suffix ({@code metallb_layer2_requests_received}), so dashboards and alerts written for MetalLB
 * would find nothing. Those counters are written under MetalLB's names, still typed counter. So are
 * the BFD counters of MetalLB's FRR mode ({@code metallb_bfd_control_packet_input}...).
 */
public final class MetallbExposition {
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** MetalLB's counters whose exposed name has no {@code _total}. */
  /** MetalLB's FRR-mode BFD counters, in its order (registered by the speaker's BfdMetrics). */
  public static final List<String> BFD_COUNTERS =
      List.of(
          "metallb_bfd_control_packet_input",
          "metallb_bfd_control_packet_output",
          "metallb_bfd_echo_packet_input",
          "metallb_bfd_echo_packet_output",
          "metallb_bfd_session_up_events",
          "metallb_bfd_session_down_events",
          "metallb_bfd_zebra_notifications");

  static final Set<String> COUNTERS_WITHOUT_TOTAL =
      Stream.concat(
              Stream.of(
                  "metallb_layer2_requests_received",
                  "metallb_layer2_responses_sent",
                  "metallb_layer2_gratuitous_sent"),
              BFD_COUNTERS.stream())
          .collect(Collectors.toUnmodifiableSet());

  private static final Pattern DOUBLED =
      Pattern.compile(
          "(?m)^(# (?:HELP|TYPE) )?("
              + String.join("|", COUNTERS_WITHOUT_TOTAL.stream().sorted().toList())
              + ")_total\\b");

  private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

  private MetallbExposition() {}

  public static String text(MetricSnapshots snapshots) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      WRITER.write(out, snapshots, EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher m = DOUBLED.matcher(out.toString(StandardCharsets.UTF_8));
    return m.replaceAll(
        r -> Matcher.quoteReplacement((r.group(1) == null ? "" : r.group(1)) + r.group(2)));
  }
}
