package io.ferrolb.app.controller;

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
import io.ferrolb.ports.out.Leadership;
import io.ferrolb.ports.out.ObjectRef;
import io.ferrolb.ports.out.ServiceSnapshot;
import io.ferrolb.ports.out.ServiceStatusWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The controller's single reconcile loop (house style 12). Watches and the elector only enqueue
 * keys; one thread drains the queue, reads objects from the cache, and is the only one that touches
 * the {@link AllocationEngine}. Only the leader processes; a new leader first rebuilds the whole
 * allocation state from the Services' status, holders first, so no address moves.
 */
public final class ControllerLoop implements ClusterView.Listener, Leadership.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerLoop.class);

  /** The component name of the controller's ConfigurationState. */
  static final String COMPONENT = "controller";

  private static final String REBUILD = "#rebuild";
  private static final String CONFIG = "#config";
  private static final String PENDING = "#pending";
  private static final String NAMESPACE = "#ns:";
  private static final String STATS = "#stats";

  // retry backoff: 100 ms doubling to 10 s (client-go's default item backoff starts at 5 ms; the
  // API calls here are heavier, so start at 100 ms)
  private static final Duration FIRST_RETRY = Duration.ofMillis(100);
  private static final Duration MAX_RETRY = Duration.ofSeconds(10);
  private static final Duration WRITE_RETRY = Duration.ofMillis(500);
  // concurrent API writes: enough to hide round trips, few enough not to flood the API server
  private static final int WRITERS = 16;

  private final ClusterView view;
  private final ConfigSource config;
  private final ClusterEvents events;
  private final ConfigStatusWriter configStatus;
  private final ControllerMetrics metrics;
  private final String lbClass;
  private final WorkQueue queue = new WorkQueue();
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "ferrolb-retry");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Integer> attempts = new HashMap<>();
  private final AtomicLong passes = new AtomicLong();
  private final Thread thread;
  private final StatusPipeline pipeline;

  // loop-thread state
  private AllocationEngine engine;
  private List<Pool> pools = List.of();
  private final ControllerConfig configLoader = new ControllerConfig();
  private boolean statsDirty;

  // read by health checks
  private volatile boolean running = true;
  private volatile boolean leader;
  private volatile String leaderIdentity = "";
  private volatile boolean configKnown;
  private volatile boolean configLoaded;
  private volatile boolean configStale;
  private volatile boolean rebuilt;

  public ControllerLoop(
      ClusterView view,
      ConfigSource config,
      ServiceStatusWriter statusWriter,
      ClusterEvents events,
      ConfigStatusWriter configStatus,
      ControllerMetrics metrics,
      String lbClass) {
    this.view = Objects.requireNonNull(view, "view");
    this.config = Objects.requireNonNull(config, "config");
    this.events = Objects.requireNonNull(events, "events");
    this.configStatus = Objects.requireNonNull(configStatus, "configStatus");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.lbClass = Objects.requireNonNull(lbClass, "lbClass");
    this.thread = new Thread(this::run, "ferrolb-reconcile");
    thread.setDaemon(true); // the command's main thread decides when the process ends
    this.pipeline =
        new StatusPipeline(
            Objects.requireNonNull(statusWriter, "statusWriter"),
            WRITERS,
            key ->
                timers.schedule(
                    () -> queue.add(key), WRITE_RETRY.toMillis(), TimeUnit.MILLISECONDS),
            metrics::statusWritten);
  }

  /** Starts the loop thread (watches and election are started by the caller). */
  public void start() {
    thread.start();
  }

  public void stop() {
    running = false;
    thread.interrupt();
    timers.shutdownNow();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pipeline.close();
  }

  // ---- listeners (other threads): enqueue only ----

  @Override
  public void serviceChanged(String key) {
    queue.add(key);
  }

  @Override
  public void configChanged() {
    queue.add(CONFIG);
  }

  @Override
  public void namespaceChanged(String name) {
    queue.add(NAMESPACE + name);
  }

  @Override
  public void startedLeading() {
    leader = true;
    metrics.leader(true);
    queue.addFirst(REBUILD);
  }

  @Override
  public void stoppedLeading() {
    leader = false;
    rebuilt = false;
    metrics.leader(false);
    queue.clear();
  }

  @Override
  public void newLeader(String identity) {
    leaderIdentity = identity;
  }

  // ---- health ----

  public boolean isLeader() {
    return leader;
  }

  public String leaderIdentity() {
    return leaderIdentity;
  }

  /** Informers synced, configuration loaded or known to be absent, and a leader known. */
  public boolean ready() {
    boolean configReady = leader ? configKnown : true;
    return view.synced() && configReady && !leaderIdentity.isEmpty();
  }

  public boolean configLoaded() {
    return configLoaded;
  }

  public boolean configStale() {
    return configStale;
  }

  /** True once this leader has re-admitted every Service after taking over. */
  public boolean rebuilt() {
    return rebuilt;
  }

  // ---- the loop ----

  private void run() {
    while (running) {
      String key;
      try {
        key = queue.poll(1000);
      } catch (InterruptedException e) {
        return;
      }
      metrics.queueDepth(queue.size());
      if (key == null) {
        continue;
      }
      if (!leader) {
        continue; // a standby keeps its caches warm and writes nothing
      }
      if (!rebuilt && !REBUILD.equals(key)) {
        continue; // the rebuild reads every Service and the config from the cache anyway
      }
      long id = passes.incrementAndGet();
      ReconcileOutcome outcome;
      try (var c = MDC.putCloseable("reconcile", "#" + id + " " + key)) {
        outcome = pass(key);
      } catch (RuntimeException e) {
        LOG.error("event=reconcileBug key={}", key, e);
        outcome = new ReconcileOutcome.Fatal(e.toString());
      }
      handle(key, outcome);
      if (statsDirty && queue.isEmpty() && leader) {
        publishStats();
      }
    }
  }

  private void handle(String key, ReconcileOutcome outcome) {
    if (outcome instanceof ReconcileOutcome.Done) {
      attempts.remove(key);
      metrics.reconciled("done");
    } else if (outcome instanceof ReconcileOutcome.ReprocessAll) {
      attempts.remove(key);
      metrics.reconciled("reprocessAll");
      for (ServiceSnapshot s : view.services()) {
        queue.add(s.key());
      }
    } else if (outcome instanceof ReconcileOutcome.Retry r) {
      int n = attempts.merge(key, 1, Integer::sum);
      Duration wait = r.after().multipliedBy(1L << Math.min(n - 1, 16));
      if (wait.compareTo(MAX_RETRY) > 0) {
        wait = MAX_RETRY;
      }
      metrics.reconciled("retry");
      metrics.retried();
      LOG.debug("event=retry key={} in={}ms reason={}", key, wait.toMillis(), r.reason());
      timers.schedule(() -> queue.add(key), wait.toMillis(), TimeUnit.MILLISECONDS);
    } else if (outcome instanceof ReconcileOutcome.Fatal f) {
      attempts.remove(key);
      metrics.reconciled("fatal");
      LOG.error("event=reconcileFailed key={} reason={}", key, f.reason());
    }
  }

  private ReconcileOutcome pass(String key) {
    if (REBUILD.equals(key)) {
      return rebuild();
    }
    if (CONFIG.equals(key)) {
      return applyConfig();
    }
    if (PENDING.equals(key)) {
      enqueuePending();
      return ReconcileOutcome.DONE;
    }
    if (STATS.equals(key)) {
      publishStats();
      return ReconcileOutcome.DONE;
    }
    if (key.startsWith(NAMESPACE)) {
      String ns = key.substring(NAMESPACE.length());
      for (ServiceSnapshot s : view.services()) {
        if (s.namespace().equals(ns)) {
          queue.add(s.key());
        }
      }
      return ReconcileOutcome.DONE;
    }
    return reconcileService(key);
  }

  /** Taking over: read config, then re-admit every Service, holders of ingress first. */
  private ReconcileOutcome rebuild() {
    if (!view.synced()) {
      return new ReconcileOutcome.Retry(FIRST_RETRY, "caches not synced yet");
    }
    engine = new AllocationEngine(lbClass);
    pools = List.of();
    configLoader.forget();
    ReconcileOutcome cfg = applyConfig();
    if (cfg instanceof ReconcileOutcome.Retry) {
      return cfg;
    }
    List<ServiceSnapshot> order = engine.recoveryOrder(view.services());
    LOG.info(
        "event=rebuild services={} holders={} pools={}",
        order.size(),
        order.stream().filter(s -> !s.ingress().isEmpty()).count(),
        pools.size());
    rebuilt = true;
    for (ServiceSnapshot s : order) {
      ReconcileOutcome o = reconcile(s);
      if (!(o instanceof ReconcileOutcome.Done)) {
        handle(s.key(), o);
      }
    }
    engine.takeFreed();
    statsDirty = true;
    return ReconcileOutcome.DONE;
  }

  private ReconcileOutcome applyConfig() {
    ConfigLoader.Outcome loaded = configLoader.load(config.configObjects(), config.namespace());
    if (loaded instanceof ConfigLoader.KeptLastGood kept) {
      return rejectConfig(kept);
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
      return ReconcileOutcome.DONE;
    }
    pools = next;
    Set<String> lost = engine.setPools(pools);
    engine.takeFreed();
    LOG.info("event=configLoaded pools={} servicesLosingAddresses={}", pools.size(), lost.size());
    statsDirty = true;
    return new ReconcileOutcome.ReprocessAll();
  }

  private ReconcileOutcome rejectConfig(ConfigLoader.KeptLastGood kept) {
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
                        e
                            + " (the last valid configuration stays in force until this is"
                            + " fixed)"));
      }
      LOG.warn(
          "event=configInvalid failed to parse the configuration, keeping the last valid one: {}",
          summary);
    }
    report(false, summary, List.of());
    return ReconcileOutcome.DONE;
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

  private ReconcileOutcome reconcileService(String key) {
    Optional<ServiceSnapshot> svc = view.service(key);
    if (svc.isEmpty()) {
      pipeline.forget(key);
      if (engine.release(key)) {
        LOG.info("event=ipReleased service={} reason=deleted", key);
        statsDirty = true;
        engine.takeFreed();
        enqueuePending();
      }
      return ReconcileOutcome.DONE;
    }
    return reconcile(svc.get());
  }

  private ReconcileOutcome reconcile(ServiceSnapshot svc) {
    AllocationEngine.IngressAction v = engine.reconcile(svc, view.namespaceLabels(svc.namespace()));
    if (engine.takeFreed()) {
      statsDirty = true;
      queue.add(PENDING);
    }
    if (v instanceof AllocationEngine.Ignore) {
      return ReconcileOutcome.DONE;
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
        statsDirty = true;
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
    return ReconcileOutcome.DONE;
  }

  private void enqueuePending() {
    for (ServiceSnapshot s : view.services()) {
      if (s.isLoadBalancer() && !engine.holds(s.key())) {
        queue.add(s.key());
      }
    }
  }

  private void publishStats() {
    statsDirty = false;
    var usage = engine.stats();
    metrics.pools(usage);
    try {
      configStatus.poolUsage(usage);
    } catch (ClusterWriteException e) {
      LOG.debug("event=poolStatusWriteFailed: {}", e.getMessage());
      queue.add(STATS);
    }
  }
}
