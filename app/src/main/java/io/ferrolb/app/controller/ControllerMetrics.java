package io.ferrolb.app.controller;

import io.ferrolb.app.loop.WorkLoop;
import io.ferrolb.app.observability.ConfigGauges;
import io.ferrolb.ports.out.PoolUsage;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.math.BigInteger;
import java.util.List;

/**
 * The controller's metrics under MetalLB's names, plus ferrolb's own (both listed in {@code
 * docs/migrating-from-metallb.md}). Gauges hold doubles; exact IPv6 figures are also exposed as a
 * label of {@code ferrolb_allocator_pool_capacity_info}.
 */
@Singleton
public final class ControllerMetrics implements WorkLoop.Metrics {
  private final Gauge addressesTotal;
  private final Gauge v4Total;
  private final Gauge v6Total;
  private final Gauge inUseTotal;
  private final Gauge v4InUse;
  private final Gauge v6InUse;
  private final Gauge capacityInfo;
  private final Gauge servicesAllocated;
  private final ConfigGauges config;
  private final Counter updates;
  private final Counter updateErrors;
  private final Gauge leader;
  private final Counter reconciles;
  private final Counter statusWrites;
  private final Counter retries;
  private final Gauge queueDepth;
  private final Gauge rebuiltServices;

  @Inject
  public ControllerMetrics(PrometheusRegistry registry) {
    addressesTotal = gauge(registry, "metallb_allocator_addresses_total", "Addresses in the pool");
    v4Total = gauge(registry, "metallb_allocator_ipv4_addresses_total", "IPv4 addresses in pool");
    v6Total = gauge(registry, "metallb_allocator_ipv6_addresses_total", "IPv6 addresses in pool");
    inUseTotal =
        gauge(registry, "metallb_allocator_addresses_in_use_total", "Addresses assigned from pool");
    v4InUse = gauge(registry, "metallb_allocator_ipv4_addresses_in_use_total", "IPv4 in use");
    v6InUse = gauge(registry, "metallb_allocator_ipv6_addresses_in_use_total", "IPv6 in use");
    servicesAllocated =
        gauge(
            registry,
            "metallb_allocator_services_allocated_total",
            "Services holding addresses from the pool");
    capacityInfo =
        Gauge.builder()
            .name("ferrolb_allocator_pool_capacity_info")
            .help("Exact pool capacity and use per family, as decimal labels (IPv6 exceeds 2^53)")
            .labelNames("pool", "family", "total", "in_use")
            .register(registry);
    config = new ConfigGauges(registry);
    updates =
        Counter.builder()
            .name("metallb_k8s_client_updates_total")
            .help("Configuration and object updates processed")
            .register(registry);
    updateErrors =
        Counter.builder()
            .name("metallb_k8s_client_update_errors_total")
            .help("Updates that failed to process")
            .register(registry);
    leader =
        Gauge.builder()
            .name("ferrolb_controller_leader_bool")
            .help("1 on the replica that holds the Lease")
            .register(registry);
    reconciles =
        Counter.builder()
            .name("ferrolb_controller_reconciles_total")
            .help("Loop passes by outcome")
            .labelNames("outcome")
            .register(registry);
    statusWrites =
        Counter.builder()
            .name("ferrolb_controller_status_writes_total")
            .help("Service status or annotation writes")
            .register(registry);
    retries =
        Counter.builder()
            .name("ferrolb_controller_retries_total")
            .help("Passes scheduled again after a transient failure")
            .register(registry);
    queueDepth =
        Gauge.builder()
            .name("ferrolb_controller_queue_depth")
            .help("Keys waiting for the loop")
            .register(registry);
    rebuiltServices =
        Gauge.builder()
            .name("ferrolb_controller_rebuilt_services")
            .help(
                "Services this leader re-admitted when it took over (set once the rebuild is"
                    + " done; 0 on a standby or before)")
            .register(registry);
  }

  private static Gauge gauge(PrometheusRegistry r, String name, String help) {
    return Gauge.builder().name(name).help(help).labelNames("pool").register(r);
  }

  void pools(List<PoolUsage> usage) {
    for (Gauge g :
        List.of(
            addressesTotal, v4Total, v6Total, inUseTotal, v4InUse, v6InUse, servicesAllocated)) {
      g.clear();
    }
    capacityInfo.clear();
    for (PoolUsage u : usage) {
      BigInteger t4 = u.assignedV4().add(u.availableV4());
      BigInteger t6 = u.assignedV6().add(u.availableV6());
      addressesTotal.labelValues(u.pool()).set(t4.add(t6).doubleValue());
      v4Total.labelValues(u.pool()).set(t4.doubleValue());
      v6Total.labelValues(u.pool()).set(t6.doubleValue());
      inUseTotal.labelValues(u.pool()).set(u.assignedV4().add(u.assignedV6()).doubleValue());
      v4InUse.labelValues(u.pool()).set(u.assignedV4().doubleValue());
      v6InUse.labelValues(u.pool()).set(u.assignedV6().doubleValue());
      servicesAllocated.labelValues(u.pool()).set(u.services());
      capacityInfo.labelValues(u.pool(), "IPv4", t4.toString(), u.assignedV4().toString()).set(1);
      capacityInfo.labelValues(u.pool(), "IPv6", t6.toString(), u.assignedV6().toString()).set(1);
    }
  }

  void configLoaded(boolean loaded) {
    config.loaded(loaded);
  }

  void configStale(boolean stale) {
    config.stale(stale);
  }

  void update() {
    updates.inc();
  }

  void updateError() {
    updateErrors.inc();
  }

  void leader(boolean isLeader) {
    leader.set(isLeader ? 1 : 0);
  }

  @Override
  public void reconciled(String outcome) {
    reconciles.labelValues(outcome).inc();
  }

  /** This term's rebuild looked at {@code services} Services (0: not leading, or not yet). */
  void rebuilt(int services) {
    rebuiltServices.set(services);
  }

  void statusWritten() {
    statusWrites.inc();
  }

  @Override
  public void retried() {
    retries.inc();
  }

  @Override
  public void queueDepth(int depth) {
    queueDepth.set(depth);
  }

  public double staleValue() {
    return config.staleValue();
  }
}
