package io.ferrolb.app.controller;

import io.ferrolb.app.controller.ControllerWork.ServiceChanged;
import io.ferrolb.app.loop.ReconcileOutcome;
import io.ferrolb.domain.config.RawObject;
import io.ferrolb.domain.pool.Pool;
import io.ferrolb.ports.out.ClusterEvents;
import io.ferrolb.ports.out.ClusterView;
import io.ferrolb.ports.out.ClusterWriteException;
import io.ferrolb.ports.out.ConfigSource;
import io.ferrolb.ports.out.ConfigStatusWriter;
import io.ferrolb.ports.out.ObjectRef;
import io.ferrolb.ports.out.ServiceSnapshot;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Use case: read the configuration from the cache, judge it ({@link ConfigEngine}), and install its
 * pools. An invalid configuration keeps the last valid one in force and is reported once per change
 * (log, Events on the objects at fault, the ConfigurationState); new pools return {@link
 * ReconcileOutcome.ReprocessAll} with every Service, since any of them may gain or lose an address.
 */
@Singleton
final class ApplyConfig {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyConfig.class);

  /** The component name of the controller's ConfigurationState. */
  static final String COMPONENT = "controller";

  private final ConfigSource config;
  private final ClusterView view;
  private final ClusterEvents events;
  private final ConfigStatusWriter configStatus;
  private final ControllerMetrics metrics;
  private final Allocations allocations;

  // loop-thread state
  private List<Pool> pools = List.of();
  private String lastConfigReport = "";
  private List<String> lastWarnings = List.of();

  // read by health checks
  private volatile boolean configKnown;
  private volatile boolean configLoaded;
  private volatile boolean configStale;

  @Inject
  ApplyConfig(
      ConfigSource config,
      ClusterView view,
      ClusterEvents events,
      ConfigStatusWriter configStatus,
      ControllerMetrics metrics,
      Allocations allocations) {
    this.config = Objects.requireNonNull(config, "config");
    this.view = Objects.requireNonNull(view, "view");
    this.events = Objects.requireNonNull(events, "events");
    this.configStatus = Objects.requireNonNull(configStatus, "configStatus");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.allocations = Objects.requireNonNull(allocations, "allocations");
  }

  /** Loaded, or known to be invalid or absent. */
  boolean configKnown() {
    return configKnown;
  }

  boolean configLoaded() {
    return configLoaded;
  }

  boolean configStale() {
    return configStale;
  }

  /** The pools in force. */
  List<Pool> pools() {
    return pools;
  }

  /** A new term: no pools installed yet, and the next verdict is reported again. */
  void forget() {
    pools = List.of();
    lastConfigReport = "";
  }

  ReconcileOutcome<ControllerWork> apply() {
    List<RawObject> objects = config.configObjects();
    ConfigEngine.Result result = ConfigEngine.parseForController(objects, config.namespace());
    if (result instanceof ConfigEngine.Invalid invalid) {
      return reject(invalid);
    }
    ConfigEngine.Valid valid = (ConfigEngine.Valid) result;
    configKnown = true;
    configLoaded = !valid.empty();
    configStale = false;
    metrics.configLoaded(configLoaded);
    metrics.configStale(false);
    metrics.update();
    List<String> warningLines = valid.warningLines();
    report(true, "", warningLines);
    if (!warningLines.equals(lastWarnings)) {
      // once per change, not on every resync: what MetalLB accepts silently is still said
      lastWarnings = warningLines;
      for (ConfigEngine.Problem w : valid.warnings()) {
        LOG.warn(
            "event=configWarning {}",
            w.origin().isEmpty() ? w.message() : w.origin() + ": " + w.message());
        w.object()
            .ifPresent(
                o ->
                    events.emit(
                        refOf(o), ClusterEvents.Type.WARNING, "ConfigurationWarning", w.message()));
      }
    }
    if (valid.empty() && !"empty".equals(lastConfigReport)) {
      LOG.warn(
          "event=noConfig namespace={}: no IPAddressPool and no ConfigMap \"config\"; LoadBalancer"
              + " Services stay pending",
          config.namespace());
      lastConfigReport = "empty";
    } else if (!valid.empty()) {
      lastConfigReport = "valid";
    }
    if (valid.pools().equals(pools)) {
      return ReconcileOutcome.done();
    }
    pools = valid.pools();
    AllocationEngine engine = allocations.engine();
    Set<String> lost = engine.setPools(pools);
    engine.takeFreed();
    LOG.info("event=configLoaded pools={} servicesLosingAddresses={}", pools.size(), lost.size());
    allocations.usageChanged();
    List<ControllerWork> every = new ArrayList<>();
    for (ServiceSnapshot s : view.services()) {
      every.add(new ServiceChanged(s.key()));
    }
    return new ReconcileOutcome.ReprocessAll<>(every);
  }

  private ReconcileOutcome<ControllerWork> reject(ConfigEngine.Invalid invalid) {
    configKnown = true;
    configStale = true;
    metrics.configStale(true);
    metrics.updateError();
    List<String> lines = new ArrayList<>();
    for (ConfigEngine.Problem p : invalid.problems()) {
      lines.add(p.origin().isEmpty() ? p.message() : p.origin() + ": " + p.message());
      p.object()
          .ifPresent(
              o ->
                  events.emit(
                      refOf(o),
                      ClusterEvents.Type.WARNING,
                      "InvalidConfiguration",
                      p.message()
                          + " (the last valid configuration stays in force until this is fixed)"));
    }
    String summary = String.join("; ", lines);
    if (!summary.equals(lastConfigReport)) {
      LOG.warn(
          "event=configInvalid failed to parse the configuration, keeping the last valid one: {}",
          summary);
      lastConfigReport = summary;
    }
    report(false, summary, List.of());
    lastWarnings = List.of();
    return ReconcileOutcome.done();
  }

  private void report(boolean valid, String summary, List<String> warnings) {
    try {
      configStatus.configurationState(COMPONENT, valid, summary, warnings);
    } catch (ClusterWriteException e) {
      LOG.warn("event=configurationStateWriteFailed: {}", e.getMessage());
    }
  }

  private static ObjectRef refOf(RawObject o) {
    if (RawObject.LEGACY_CONFIG_KIND.equals(o.kind())) {
      return new ObjectRef("v1", "ConfigMap", o.namespace(), o.name(), "");
    }
    return new ObjectRef(o.apiVersion(), o.kind(), o.namespace(), o.name(), "");
  }
}
