package io.ferrolb.app.speaker;

import io.ferrolb.app.observability.MetallbExposition;
import io.ferrolb.ports.out.AnnouncerStatus.Liveness;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The {@code metallb_bfd_*} families of MetalLB's FRR mode (its frr-metrics exporter, from bfdd's
 * per-peer counters), here from the BFD sessions an announcer reports ({@link Liveness}): same
 * names, types, help and labels ({@code peer} is the address alone, {@code vrf} is always {@code
 * default}: ferrolb's sessions open in the default VRF). Echo packets are not implemented, so the
 * echo counters stay 0; zebra notifications (bfdd telling FRR's zebra about a session) have no
 * counterpart and are exposed at 0 too, so that every family MetalLB's dashboards and alerts query
 * exists.
 */
public final class BfdMetrics {
  /** The label value of the default VRF, as FRR names it. */
  static final String DEFAULT_VRF = "default";

  /** The counters, in MetalLB's order, as written without {@code _total}. */
  public static final List<String> COUNTERS = MetallbExposition.BFD_COUNTERS;

  private BfdMetrics() {}

  /** Registers the families; {@code sessions} is read at each scrape, one per peer address. */
  public static void register(PrometheusRegistry registry, Supplier<List<Liveness>> sessions) {
    GaugeWithCallback.builder()
        .name("metallb_bfd_session_up")
        .help("BFD session state (1 is up, 0 is down)")
        .labelNames("peer", "vrf")
        .callback(cb -> sessions.get().forEach(s -> cb.call(s.up() ? 1 : 0, s.peer(), DEFAULT_VRF)))
        .register(registry);
    counter(
        registry,
        sessions,
        COUNTERS.get(0),
        "Number of received BFD control packets",
        Liveness::controlPacketsReceived);
    counter(
        registry,
        sessions,
        COUNTERS.get(1),
        "Number of sent BFD control packets",
        Liveness::controlPacketsSent);
    counter(registry, sessions, COUNTERS.get(2), "Number of received BFD echo packets", s -> 0);
    counter(registry, sessions, COUNTERS.get(3), "Number of sent BFD echo packets", s -> 0);
    counter(
        registry, sessions, COUNTERS.get(4), "Number of BFD session up events", Liveness::upEvents);
    counter(
        registry,
        sessions,
        COUNTERS.get(5),
        "Number of BFD session down events",
        Liveness::downEvents);
    counter(registry, sessions, COUNTERS.get(6), "Number of BFD zebra notifications", s -> 0);
  }

  private static void counter(
      PrometheusRegistry registry,
      Supplier<List<Liveness>> sessions,
      String name,
      String help,
      ToLongFunction<Liveness> value) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("peer", "vrf")
        .callback(
            cb -> sessions.get().forEach(s -> cb.call(value.applyAsLong(s), s.peer(), DEFAULT_VRF)))
        .register(registry);
  }
}
