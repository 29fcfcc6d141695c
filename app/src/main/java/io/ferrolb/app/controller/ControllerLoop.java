package io.ferrolb.app.controller;

import io.ferrolb.app.controller.ControllerWork.ConfigChanged;
import io.ferrolb.app.controller.ControllerWork.NamespaceChanged;
import io.ferrolb.app.controller.ControllerWork.PendingServices;
import io.ferrolb.app.controller.ControllerWork.Rebuild;
import io.ferrolb.app.controller.ControllerWork.ServiceChanged;
import io.ferrolb.app.controller.ControllerWork.UsageChanged;
import io.ferrolb.app.loop.ReconcileOutcome;
import io.ferrolb.app.loop.WorkLoop;
import io.ferrolb.ports.out.ClusterView;
import io.ferrolb.ports.out.Leadership;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Objects;

/**
 * The controller's reconcile loop: a {@link WorkLoop} of {@link ControllerWork} items, each pass
 * one use case ({@link TakeOver}, {@link ApplyConfig}, {@link ReconcileService}, {@link
 * PublishUsage}). Watches and the elector only enqueue; the loop thread alone touches the
 * allocation state. Only the leader processes; a new leader first rebuilds the whole allocation
 * state from the Services' status, holders first, so no address moves. The health checks read this
 * class.
 */
@Singleton
public final class ControllerLoop implements ClusterView.Listener, Leadership.Listener {
  private final WorkLoop<ControllerWork> loop;
  private final ClusterView view;
  private final ControllerMetrics metrics;
  private final TakeOver takeOver;
  private final ApplyConfig applyConfig;
  private final ReconcileService services;
  private final PublishUsage usage;
  private final StatusPipeline pipeline;

  // read by health checks and by the loop thread
  private volatile boolean leader;
  private volatile String leaderIdentity = "";

  @Inject
  ControllerLoop(
      WorkLoop<ControllerWork> loop,
      ClusterView view,
      ControllerMetrics metrics,
      TakeOver takeOver,
      ApplyConfig applyConfig,
      ReconcileService services,
      PublishUsage usage,
      StatusPipeline pipeline) {
    this.loop = Objects.requireNonNull(loop, "loop");
    this.view = Objects.requireNonNull(view, "view");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.takeOver = Objects.requireNonNull(takeOver, "takeOver");
    this.applyConfig = Objects.requireNonNull(applyConfig, "applyConfig");
    this.services = Objects.requireNonNull(services, "services");
    this.usage = Objects.requireNonNull(usage, "usage");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
  }

  /** Starts the loop thread (watches and election are started by the caller). */
  public void start() {
    loop.start(new Passes());
  }

  public void stop() {
    loop.close();
    pipeline.close();
  }

  // ---- listeners (other threads): enqueue only ----

  @Override
  public void serviceChanged(String key) {
    loop.add(new ServiceChanged(key));
  }

  @Override
  public void configChanged() {
    loop.add(ControllerWork.CONFIG_CHANGED);
  }

  @Override
  public void namespaceChanged(String name) {
    loop.add(new NamespaceChanged(name));
  }

  @Override
  public void startedLeading() {
    leader = true;
    metrics.leader(true);
    loop.addFirst(ControllerWork.REBUILD);
  }

  @Override
  public void resumedLeading() {
    leader = true;
    metrics.leader(true);
    loop.addFirst(ControllerWork.RESUME);
  }

  @Override
  public void stoppedLeading() {
    leader = false;
    pipeline.endTerm();
    takeOver.forget();
    metrics.leader(false);
    loop.clear();
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
    boolean configReady = leader ? applyConfig.configKnown() : true;
    return view.synced() && configReady && !leaderIdentity.isEmpty();
  }

  public boolean configLoaded() {
    return applyConfig.configLoaded();
  }

  public boolean configStale() {
    return applyConfig.configStale();
  }

  /** True once this leader has re-admitted every Service after taking over. */
  public boolean rebuilt() {
    return takeOver.rebuilt();
  }

  // ---- the passes, on the loop thread ----

  /** Which use case each work item runs. */
  private final class Passes implements WorkLoop.Worker<ControllerWork> {
    @Override
    public boolean admits(ControllerWork item) {
      if (!leader) {
        return false; // a standby keeps its caches warm and writes nothing
      }
      // the rebuild reads every Service and the config from the cache anyway
      return takeOver.rebuilt() || item instanceof Rebuild;
    }

    @Override
    public ReconcileOutcome<ControllerWork> work(ControllerWork item) {
      if (item instanceof Rebuild r) {
        return r.resume() ? takeOver.resume() : takeOver.rebuild();
      }
      if (item instanceof ConfigChanged) {
        return applyConfig.apply();
      }
      if (item instanceof PendingServices) {
        return ReconcileOutcome.then(services.pending());
      }
      if (item instanceof UsageChanged) {
        return usage.publish();
      }
      if (item instanceof NamespaceChanged ns) {
        return ReconcileOutcome.then(services.inNamespace(ns.name()));
      }
      return services.reconcile(((ServiceChanged) item).key());
    }

    @Override
    public void drained() {
      if (leader && usage.due()) {
        if (usage.publish() instanceof ReconcileOutcome.Retry<ControllerWork> r) {
          loop.retry(ControllerWork.USAGE_CHANGED, r);
        }
      }
    }
  }
}
