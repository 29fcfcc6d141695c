package io.ferrolb.app.controller;

import io.ferrolb.app.loop.ReconcileOutcome;
import io.ferrolb.ports.out.ClusterView;
import io.ferrolb.ports.out.ServiceSnapshot;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Use case: this replica became leader. It starts from a new allocation state, reads the
 * configuration, then re-admits every Service from the cache, holders of an ingress address first,
 * so that no address moves to another Service across a change of leader.
 */
@Singleton
final class TakeOver {
  private static final Logger LOG = LoggerFactory.getLogger(TakeOver.class);

  // the informers list everything within a second or two; look again soon
  static final Duration NOT_SYNCED_RETRY = Duration.ofMillis(100);

  // how long a new term waits for the previous term's status writes to end
  static final Duration WRITES_DRAIN = Duration.ofSeconds(5);

  private final ClusterView view;
  private final StatusPipeline writes;
  private final Allocations allocations;
  private final ApplyConfig applyConfig;
  private final ReconcileService services;
  private final ControllerMetrics metrics;

  // read by health checks and the loop's admission of work
  private volatile boolean rebuilt;
  // a rebuild completed since this replica started: its allocations are whole (loop thread)
  private boolean complete;

  @Inject
  TakeOver(
      ClusterView view,
      StatusPipeline writes,
      Allocations allocations,
      ApplyConfig applyConfig,
      ReconcileService services,
      ControllerMetrics metrics) {
    this.view = Objects.requireNonNull(view, "view");
    this.writes = Objects.requireNonNull(writes, "writes");
    this.allocations = Objects.requireNonNull(allocations, "allocations");
    this.applyConfig = Objects.requireNonNull(applyConfig, "applyConfig");
    this.services = Objects.requireNonNull(services, "services");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** True once this term's rebuild re-admitted every Service. */
  boolean rebuilt() {
    return rebuilt;
  }

  /** The term ended (leadership lost): the next one rebuilds again, or resumes. */
  void forget() {
    rebuilt = false;
    metrics.rebuilt(0);
  }

  /**
   * This replica leads again and no other replica led in between, so no one else assigned an
   * address: the allocations of its last term still hold, and only the changes it missed meanwhile
   * need a look. Every cached Service and every holder (one deleted meanwhile is freed) is
   * reconciled again, with the configuration, without listing the Services from the server or
   * rebuilding the allocations: under an API brownout that renews a Lease late, a lost and regained
   * Lease then costs a pass over the cache, not a LIST of every Service. A replica that had not
   * finished a rebuild rebuilds.
   */
  ReconcileOutcome<ControllerWork> resume() {
    if (!complete) {
      return rebuild();
    }
    Optional<ReconcileOutcome<ControllerWork>> notYet = notReady();
    if (notYet.isPresent()) {
      return notYet.get();
    }
    ReconcileOutcome<ControllerWork> cfg = applyConfig.apply();
    if (cfg instanceof ReconcileOutcome.Retry) {
      return cfg;
    }
    Set<ControllerWork> then = new LinkedHashSet<>();
    if (cfg instanceof ReconcileOutcome.Done<ControllerWork> d) {
      then.addAll(d.then());
    } else if (cfg instanceof ReconcileOutcome.ReprocessAll<ControllerWork> all) {
      then.addAll(all.all());
    }
    for (String key : allocations.engine().holders()) {
      then.add(new ControllerWork.ServiceChanged(key));
    }
    int services = 0;
    for (ServiceSnapshot s : view.services()) {
      then.add(new ControllerWork.ServiceChanged(s.key()));
      services++;
    }
    then.add(ControllerWork.PENDING_SERVICES);
    rebuilt = true;
    metrics.rebuilt(services);
    LOG.info("event=resumed services={} again={}", services, then.size());
    return ReconcileOutcome.then(List.copyOf(then));
  }

  /**
   * Why a term cannot start yet, if it cannot: the caches are not synced, or the last term's status
   * writes are still in flight (the Services read next must hold this replica's own writes of an
   * earlier term: read without them, a held address would go to another).
   */
  private Optional<ReconcileOutcome<ControllerWork>> notReady() {
    if (!view.synced()) {
      return Optional.of(new ReconcileOutcome.Retry<>(NOT_SYNCED_RETRY, "caches not synced yet"));
    }
    if (!writes.awaitIdle(WRITES_DRAIN)) {
      return Optional.of(
          new ReconcileOutcome.Retry<>(NOT_SYNCED_RETRY, "status writes still in flight"));
    }
    return Optional.empty();
  }

  ReconcileOutcome<ControllerWork> rebuild() {
    Optional<ReconcileOutcome<ControllerWork>> notYet = notReady();
    if (notYet.isPresent()) {
      return notYet.get();
    }
    // the Services as the API server holds them: the cache may be behind
    Collection<ServiceSnapshot> current;
    try {
      current = view.servicesFromServer();
    } catch (RuntimeException e) {
      return new ReconcileOutcome.Retry<>(NOT_SYNCED_RETRY, "listing the Services: " + e);
    }
    complete = false;
    allocations.renew();
    applyConfig.forget();
    ReconcileOutcome<ControllerWork> cfg = applyConfig.apply();
    if (cfg instanceof ReconcileOutcome.Retry) {
      return cfg;
    }
    // the ReprocessAll of new pools is covered: every Service is admitted below
    long started = System.nanoTime();
    List<ServiceSnapshot> order = allocations.engine().recoveryOrder(current);
    long holders = order.stream().filter(s -> !s.ingress().isEmpty()).count();
    LOG.info(
        "event=rebuild services={} holders={} pools={}",
        order.size(),
        holders,
        applyConfig.pools().size());
    rebuilt = true;
    Set<ControllerWork> then = new LinkedHashSet<>();
    for (ServiceSnapshot s : order) {
      ReconcileOutcome<ControllerWork> o = services.admit(s);
      if (o instanceof ReconcileOutcome.Done<ControllerWork> d) {
        then.addAll(d.then());
      } else {
        then.add(new ControllerWork.ServiceChanged(s.key())); // look again in its own pass
      }
    }
    allocations.engine().takeFreed();
    allocations.usageChanged();
    complete = true;
    // the signal that this leader has looked at every Service (bench/controller waits for it)
    metrics.rebuilt(order.size());
    LOG.info(
        "event=rebuilt services={} holders={} again={} tookMs={}",
        order.size(),
        holders,
        then.size(),
        (System.nanoTime() - started) / 1_000_000);
    return ReconcileOutcome.then(List.copyOf(then));
  }
}
