package io.ferrolb.app.controller;

import io.ferrolb.app.controller.ControllerWork.ServiceChanged;
import io.ferrolb.app.loop.ReconcileOutcome;
import io.ferrolb.ports.out.ClusterEvents;
import io.ferrolb.ports.out.ClusterView;
import io.ferrolb.ports.out.ConfigSource;
import io.ferrolb.ports.out.ObjectRef;
import io.ferrolb.ports.out.ServiceSnapshot;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Use case: bring one Service to the address the allocator gives it. The Service is read from the
 * cache, never from the watch event; a Service missing from the cache was deleted, and its
 * addresses are freed. The desired status goes to the {@link StatusPipeline}, whose failed writes
 * come back to the loop as retries. When an address is freed, the outcome carries the follow-up
 * work: every LoadBalancer Service still waiting for one.
 */
@Singleton
final class ReconcileService {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileService.class);

  // a Service the cache has not delivered yet: look again soon
  static final Duration NOT_SEEN_RETRY = Duration.ofSeconds(1);

  private final ClusterView view;
  private final ConfigSource config;
  private final ClusterEvents events;
  private final StatusPipeline pipeline;
  private final Allocations allocations;

  @Inject
  ReconcileService(
      ClusterView view,
      ConfigSource config,
      ClusterEvents events,
      StatusPipeline pipeline,
      Allocations allocations) {
    this.view = Objects.requireNonNull(view, "view");
    this.config = Objects.requireNonNull(config, "config");
    this.events = Objects.requireNonNull(events, "events");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.allocations = Objects.requireNonNull(allocations, "allocations");
  }

  /** Service {@code key} as the cache has it now, or its deletion. */
  ReconcileOutcome<ControllerWork> reconcile(String key) {
    Optional<ServiceSnapshot> svc = view.service(key);
    if (svc.isPresent()) {
      return admit(svc.get());
    }
    AllocationEngine engine = allocations.engine();
    if (engine.holds(key)) {
      // absent from the cache is not always deleted: a rebuild from the server can hold a Service
      // that the watch has not delivered yet (ChaosIT: an address freed so, then given again)
      boolean gone;
      try {
        gone = view.gone(key);
      } catch (RuntimeException e) {
        return new ReconcileOutcome.Retry<>(NOT_SEEN_RETRY, "is " + key + " deleted? " + e);
      }
      if (!gone) {
        return new ReconcileOutcome.Retry<>(NOT_SEEN_RETRY, key + " not in the cache yet");
      }
    }
    pipeline.forget(key);
    if (!engine.release(key)) {
      return ReconcileOutcome.done();
    }
    LOG.info("event=ipReleased service={} reason=deleted", key);
    allocations.usageChanged();
    engine.takeFreed();
    return ReconcileOutcome.then(pending());
  }

  /** One Service: allocate, tell the user, and hand the desired status to the pipeline. */
  ReconcileOutcome<ControllerWork> admit(ServiceSnapshot svc) {
    AllocationEngine engine = allocations.engine();
    AllocationEngine.IngressAction v = engine.reconcile(svc, view.namespaceLabels(svc.namespace()));
    List<ControllerWork> then = List.of();
    if (engine.takeFreed()) {
      allocations.usageChanged();
      then = List.of(ControllerWork.PENDING_SERVICES);
    }
    if (v instanceof AllocationEngine.Ignore) {
      return ReconcileOutcome.then(then);
    }
    ObjectRef ref = ObjectRef.service(svc);
    for (AllocationEngine.Note n : v.notes()) {
      events.emit(
          ref,
          n.warning() ? ClusterEvents.Type.WARNING : ClusterEvents.Type.NORMAL,
          n.reason(),
          n.message());
    }
    if (v instanceof AllocationEngine.Assign a) {
      if (a.changed()) {
        allocations.usageChanged();
        LOG.info("event=ipAssigned service={} ips={} pool={}", svc.key(), a.ips(), a.pool());
      }
      pipeline.submit(svc, a.ips(), Optional.of(a.pool()));
    } else if (v instanceof AllocationEngine.Clear c) {
      if (svc.isLoadBalancer() && !engine.hasPools() && svc.ingress().isEmpty()) {
        events.emit(
            ref,
            ClusterEvents.Type.WARNING,
            "AllocationFailed",
            "no IPAddressPool is configured in namespace \""
                + config.namespace()
                + "\": create one (or a ConfigMap \"config\") and this Service gets an address");
      }
      if (!svc.ingress().isEmpty()) {
        LOG.info("event=ipReleased service={} reason=\"{}\"", svc.key(), c.why());
      }
      pipeline.submit(svc, List.of(), Optional.empty());
    }
    return ReconcileOutcome.then(then);
  }

  /** Every LoadBalancer Service that holds no address, as work for the loop. */
  List<ControllerWork> pending() {
    AllocationEngine engine = allocations.engine();
    List<ControllerWork> out = new ArrayList<>();
    for (ServiceSnapshot s : view.services()) {
      if (s.isLoadBalancer() && !engine.holds(s.key())) {
        out.add(new ServiceChanged(s.key()));
      }
    }
    return out;
  }

  /** Every Service of namespace {@code name}, as work for the loop (its labels changed). */
  List<ControllerWork> inNamespace(String name) {
    List<ControllerWork> out = new ArrayList<>();
    for (ServiceSnapshot s : view.services()) {
      if (s.namespace().equals(name)) {
        out.add(new ServiceChanged(s.key()));
      }
    }
    return out;
  }
}
