package io.ferrolb.app.controller;

import io.ferrolb.ports.out.ClusterView;
import io.ferrolb.ports.out.FakeClusterView;
import io.ferrolb.ports.out.InMemoryConfigStatusWriter;
import io.ferrolb.ports.out.InMemoryServiceStatusWriter;
import io.ferrolb.ports.out.RecordingClusterEvents;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The controller's use cases over in-memory fakes, with status writes made on the caller's thread:
 * every call returns with its effects done, so tests need no loop, no threads and no waiting.
 */
final class UseCases {
  final FakeClusterView cluster = new FakeClusterView("ferrolb-system");
  final InMemoryServiceStatusWriter status = new InMemoryServiceStatusWriter();
  final RecordingClusterEvents events = new RecordingClusterEvents();
  final InMemoryConfigStatusWriter configStatus = new InMemoryConfigStatusWriter();
  final ControllerMetrics metrics = new ControllerMetrics(new PrometheusRegistry());
  final Allocations allocations = new Allocations("");

  /** What the pipeline handed back to the loop: {@code key: reason} per failed write. */
  final List<String> failedWrites = new ArrayList<>();

  final StatusPipeline pipeline =
      new StatusPipeline(
          status,
          Runnable::run,
          (key, reason) -> failedWrites.add(key + ": " + reason),
          metrics::statusWritten);
  final ApplyConfig applyConfig =
      new ApplyConfig(cluster, cluster, events, configStatus, metrics, allocations);
  final ReconcileService services =
      new ReconcileService(cluster, cluster, events, pipeline, allocations);
  final TakeOver takeOver =
      new TakeOver(cluster, pipeline, allocations, applyConfig, services, metrics);
  final PublishUsage usage = new PublishUsage(allocations, metrics, configStatus);

  /** Marks the cache synced; the use cases hear nothing from it (they are called directly). */
  UseCases synced() {
    cluster.start(
        new ClusterView.Listener() {
          @Override
          public void serviceChanged(String key) {}

          @Override
          public void configChanged() {}

          @Override
          public void namespaceChanged(String name) {}
        });
    return this;
  }
}
