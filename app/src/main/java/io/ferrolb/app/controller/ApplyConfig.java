package io.ferrolb.app.controller;

import io.ferrolb.app.controller.ControllerWork.ServiceChanged;
import io.ferrolb.app.loop.ReconcileOutcome;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigLoader;
import io.ferrolb.domain.config.DecodedObject;
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
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Use case: read the configuration from the cache, judge it ({@link ControllerConfig}, the shared
 * ConfigLoader), and install its pools. An invalid configuration keeps the last valid one in force
 * and is reported once per change (log, Events on the objects at fault, the ConfigurationState);
 * new pools return {@link ReconcileOutcome.ReprocessAll} with every Service, since any of them may
 * gain or lose an address.
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
  private final ControllerConfig configLoader = new ControllerConfig();

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
    configLoader.forget();
  }

  ReconcileOutcome<ControllerWork> apply() {
    ConfigLoader.Outcome loaded = configLoader.load(config.configObjects(), config.namespace());
    if (loaded instanceof ConfigLoader.KeptLastGood kept) {
      return reject(kept);
    }
    boolean empty = loaded.config().isEmpty();
    configKnown = true;
    configLoaded = !empty;
    configStale = false;
    metrics.configLoaded(configLoaded);
    metrics.configStale(false);
    metrics.update();
    report(true, "", loaded.warnings().stream().map(ConfigError::withOrigin).toList());
    if (loaded.reportDue()) {
      // once per change, not on every resync: what MetalLB accepts silently is still said
      for (ConfigError w : loaded.warnings()) {
        LOG.warn("event=configWarning {}", w.withOrigin());
        configLoader
            .objectOf(w)
            .ifPresent(
                o ->
                    events.emit(
                        refOf(o),
                        ClusterEvents.Type.WARNING,
                        "ConfigurationWarning",
                        w.toString()));
      }
      if (empty) {
        LOG.warn(
            "event=noConfig namespace={}: no IPAddressPool and no ConfigMap \"config\";"
                + " LoadBalancer Services stay pending",
            config.namespace());
      }
    }
    List<Pool> next = loaded.config().map(Config::pools).orElse(List.of());
    if (next.equals(pools)) {
      return ReconcileOutcome.done();
    }
    pools = next;
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

  private ReconcileOutcome<ControllerWork> reject(ConfigLoader.KeptLastGood kept) {
    configKnown = true;
    configStale = true;
    metrics.configStale(true);
    metrics.updateError();
    String summary =
        kept.errors().stream().map(ConfigError::withOrigin).collect(Collectors.joining("; "));
    if (kept.reportDue()) {
      for (ConfigError e : kept.errors()) {
        configLoader
            .objectOf(e)
            .ifPresent(
                o ->
                    events.emit(
                        refOf(o),
                        ClusterEvents.Type.WARNING,
                        "InvalidConfiguration",
                        e + " (the last valid configuration stays in force until this is fixed)"));
      }
      LOG.warn(
          "event=configInvalid failed to parse the configuration, keeping the last valid one: {}",
          summary);
    }
    report(false, summary, List.of());
    return ReconcileOutcome.done();
  }

  private void report(boolean valid, String summary, List<String> warnings) {
    try {
      configStatus.configurationState(COMPONENT, valid, summary, warnings);
    } catch (ClusterWriteException e) {
      LOG.warn("event=configurationStateWriteFailed: {}", e.getMessage());
    }
  }

  private static ObjectRef refOf(DecodedObject o) {
    if (RawObject.LEGACY_CONFIG_KIND.equals(o.kind())) {
      return new ObjectRef("v1", "ConfigMap", o.namespace(), o.name(), "");
    }
    return new ObjectRef(o.apiVersion(), o.kind(), o.namespace(), o.name(), "");
  }
}
