package io.ferrolb.app.speaker;

import io.ferrolb.app.loop.WorkLoop;
import java.util.Map;
import java.util.Set;

/** What the speaker reports as metrics; the Prometheus implementation uses MetalLB's names. */
public interface SpeakerMetrics extends WorkLoop.Metrics {

  /** Always 0 or 1: a speaker pass covers every change, so no queue builds up to report. */
  @Override
  default void queueDepth(int depth) {}

  /** {@code ferrolb_speaker_reconciles_total{outcome}}. */
  @Override
  default void reconciled(String outcome) {}

  /** {@code ferrolb_speaker_retries_total}. */
  @Override
  default void retried() {}

  /** {@code metallb_k8s_client_config_loaded_bool} and {@code _stale_bool}. */
  void config(boolean loaded, boolean stale);

  /**
   * {@code metallb_speaker_announced{service,protocol,node,ip}}: the complete set for one protocol
   * ("layer2" or "bgp"); series not in the set are removed.
   */
  void announced(String protocol, String node, Set<Announced> announced);

  /** {@code ferrolb_speaker_unannounced_services}: services with an address nobody announces. */
  void unannouncedServices(long count);

  /** {@code metallb_bgp_session_up{peer}}. */
  void sessions(Map<String, Boolean> up);

  /** One announced (service, address) pair. */
  record Announced(String service, String ip) {}

  SpeakerMetrics NONE =
      new SpeakerMetrics() {
        @Override
        public void config(boolean loaded, boolean stale) {}

        @Override
        public void announced(String protocol, String node, Set<Announced> announced) {}

        @Override
        public void unannouncedServices(long count) {}

        @Override
        public void sessions(Map<String, Boolean> up) {}
      };
}
