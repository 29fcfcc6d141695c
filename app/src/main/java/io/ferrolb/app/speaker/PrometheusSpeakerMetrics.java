package io.ferrolb.app.speaker;

import io.ferrolb.app.observability.ConfigGauges;
import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.out.AnnouncerStatus;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The speaker's metrics under MetalLB's names (docs/migrating-from-metallb.md, "Metrics"), plus
 * ferrolb's own.
 */
public final class PrometheusSpeakerMetrics implements SpeakerMetrics {
  private final ConfigGauges config;
  private final io.prometheus.metrics.core.metrics.Counter updates;
  private final io.prometheus.metrics.core.metrics.Counter updateErrors;
  private final Gauge announced;
  private final Gauge unannounced;
  private final io.prometheus.metrics.core.metrics.Counter reconciles;
  private final io.prometheus.metrics.core.metrics.Counter retries;
  // only without a BGP announcer that reports its sessions (those report themselves, registerBgp)
  private final Optional<Gauge> sessionUp;
  private final Map<String, Set<Announced>> series = new HashMap<>();
  private Set<String> peers = Set.of();

  public PrometheusSpeakerMetrics(PrometheusRegistry registry, Optional<Announcer> layer2) {
    this(registry, layer2, Optional.empty());
  }

  /**
   * With the announcers' own figures ({@link Announcer#status()}, read at each scrape): the
   * per-address counters of {@code layer2} and the per-peer UPDATE, prefix and BFD figures of
   * {@code bgp}, each only when that announcer reports a status.
   */
  public PrometheusSpeakerMetrics(
      PrometheusRegistry registry, Optional<Announcer> layer2, Optional<Announcer> bgp) {
    Optional<Supplier<AnnouncerStatus>> l2Status = reporting(layer2);
    Optional<Supplier<AnnouncerStatus>> bgpStatus = reporting(bgp);
    config = new ConfigGauges(registry);
    updates =
        io.prometheus.metrics.core.metrics.Counter.builder()
            .name("metallb_k8s_client_updates_total")
            .help("Configuration updates processed")
            .register(registry);
    updateErrors =
        io.prometheus.metrics.core.metrics.Counter.builder()
            .name("metallb_k8s_client_update_errors_total")
            .help("Configuration updates that failed (the last good one stays)")
            .register(registry);
    reconciles =
        io.prometheus.metrics.core.metrics.Counter.builder()
            .name("ferrolb_speaker_reconciles_total")
            .help("Loop passes by outcome")
            .labelNames("outcome")
            .register(registry);
    retries =
        io.prometheus.metrics.core.metrics.Counter.builder()
            .name("ferrolb_speaker_retries_total")
            .help("Passes scheduled again after a failure")
            .register(registry);
    announced =
        Gauge.builder()
            .name("metallb_speaker_announced")
            .help("1 for each service address this node announces, by protocol")
            .labelNames("service", "protocol", "node", "ip")
            .register(registry);
    unannounced =
        Gauge.builder()
            .name("ferrolb_speaker_unannounced_services")
            .help("Services holding an address that no eligible node announces")
            .register(registry);
    sessionUp =
        bgpStatus.isPresent()
            ? Optional.empty()
            : Optional.of(
                Gauge.builder()
                    .name("metallb_bgp_session_up")
                    .help("BGP session state (1 is up, 0 is down)")
                    .labelNames("peer")
                    .register(registry));
    l2Status.ifPresent(l2 -> registerLayer2(registry, l2));
    bgpStatus.ifPresent(b -> registerBgp(registry, b));
  }

  /** The announcer's status at each call, if it reports one at all. */
  private static Optional<Supplier<AnnouncerStatus>> reporting(Optional<Announcer> a) {
    if (a.isEmpty() || a.get().status().isEmpty()) {
      return Optional.empty();
    }
    Announcer announcer = a.get();
    AnnouncerStatus none =
        new AnnouncerStatus(java.util.List.of(), java.util.List.of(), java.util.List.of());
    return Optional.of(() -> announcer.status().orElse(none));
  }

  /** Labelled {@code peer="address:port"}, as MetalLB's native mode labels them. */
  private static void registerBgp(PrometheusRegistry registry, Supplier<AnnouncerStatus> bgp) {
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
        .name("metallb_bgp_session_up")
        .help("BGP session state (1 is up, 0 is down)")
        .labelNames("peer")
        .callback(cb -> bgp.get().peers().forEach(p -> cb.call(p.up() ? 1 : 0, p.endpoint())))
        .register(registry);
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
        .name("metallb_bgp_pending_prefixes_total")
        .help("Number of prefixes that should be advertised on the BGP session")
        .labelNames("peer")
        .callback(cb -> bgp.get().peers().forEach(p -> cb.call(p.pendingPrefixes(), p.endpoint())))
        .register(registry);
    CounterWithCallback.builder()
        .name("metallb_bgp_updates_total")
        .help("BGP UPDATE messages sent to the peer")
        .labelNames("peer")
        .callback(cb -> bgp.get().peers().forEach(p -> cb.call(p.updatesSent(), p.endpoint())))
        .register(registry);
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
        .name("metallb_bgp_announced_prefixes_total")
        .help("Prefixes currently announced to the peer")
        .labelNames("peer")
        .callback(
            cb -> bgp.get().peers().forEach(p -> cb.call(p.announcedPrefixes(), p.endpoint())))
        .register(registry);
    CounterWithCallback.builder()
        .name("ferrolb_bgp_updates_received_total")
        .help("BGP UPDATE messages received from the peer (counted and dropped)")
        .labelNames("peer")
        .callback(cb -> bgp.get().peers().forEach(p -> cb.call(p.updatesReceived(), p.endpoint())))
        .register(registry);
    BfdMetrics.register(registry, () -> bgp.get().liveness());
  }

  private static void registerLayer2(PrometheusRegistry registry, Supplier<AnnouncerStatus> l2) {
    counter(
        registry,
        l2,
        "metallb_layer2_requests_received",
        "ARP/NDP requests received for the address",
        AnnouncerStatus.Address::requestsReceived);
    counter(
        registry,
        l2,
        "metallb_layer2_responses_sent",
        "ARP/NDP responses sent for the address",
        AnnouncerStatus.Address::responsesSent);
    counter(
        registry,
        l2,
        "metallb_layer2_gratuitous_sent",
        "Gratuitous ARP / unsolicited NA sent for the address",
        AnnouncerStatus.Address::unsolicitedSent);
  }

  private static void counter(
      PrometheusRegistry registry,
      Supplier<AnnouncerStatus> l2,
      String name,
      String help,
      ToLongFunction<AnnouncerStatus.Address> value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("ip")
        .callback(
            cb -> {
              for (AnnouncerStatus.Address a : l2.get().addresses()) {
                cb.call(value.applyAsLong(a), a.address().toString());
              }
            })
        .register(registry);
  }

  @Override
  public void config(boolean loaded, boolean stale) {
    config.loaded(loaded);
    config.stale(stale);
    updates.inc();
    if (stale) {
      updateErrors.inc();
    }
  }

  @Override
  public synchronized void announced(String protocol, String node, Set<Announced> now) {
    Set<Announced> before = series.getOrDefault(protocol, Set.of());
    for (Announced a : before) {
      if (!now.contains(a)) {
        announced.remove(a.service(), protocol, node, a.ip());
      }
    }
    for (Announced a : now) {
      announced.labelValues(a.service(), protocol, node, a.ip()).set(1);
    }
    series.put(protocol, new HashSet<>(now));
  }

  @Override
  public void unannouncedServices(long count) {
    unannounced.set(count);
  }

  @Override
  public synchronized void sessions(Map<String, Boolean> up) {
    if (sessionUp.isEmpty()) {
      return;
    }
    Gauge g = sessionUp.get();
    for (String p : peers) {
      if (!up.containsKey(p)) {
        g.remove(p);
      }
    }
    up.forEach((p, u) -> g.labelValues(p).set(u ? 1 : 0));
    peers = Set.copyOf(up.keySet());
  }

  @Override
  public void reconciled(String outcome) {
    reconciles.labelValues(outcome).inc();
  }

  @Override
  public void retried() {
    retries.inc();
  }
}
