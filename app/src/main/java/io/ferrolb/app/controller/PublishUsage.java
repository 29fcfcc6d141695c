package io.ferrolb.app.controller;

import io.ferrolb.app.loop.ReconcileOutcome;
import io.ferrolb.ports.out.ClusterWriteException;
import io.ferrolb.ports.out.ConfigStatusWriter;
import io.ferrolb.ports.out.PoolUsage;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Use case: publish how much of each pool is in use, to the metrics and the pools' status. The loop
 * runs it when its queue runs empty after the usage changed, so a burst of assignments costs one
 * write; a failed write is a retry.
 */
@Singleton
final class PublishUsage {
  private static final Logger LOG = LoggerFactory.getLogger(PublishUsage.class);

  // a failed pool status write is tried again soon; the loop doubles this on each failure
  static final Duration WRITE_RETRY = Duration.ofMillis(100);

  private final Allocations allocations;
  private final ControllerMetrics metrics;
  private final ConfigStatusWriter configStatus;

  @Inject
  PublishUsage(
      Allocations allocations, ControllerMetrics metrics, ConfigStatusWriter configStatus) {
    this.allocations = Objects.requireNonNull(allocations, "allocations");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.configStatus = Objects.requireNonNull(configStatus, "configStatus");
  }

  /** True when the usage changed since it was last published. */
  boolean due() {
    return allocations.usageDirty();
  }

  ReconcileOutcome<ControllerWork> publish() {
    allocations.takeUsageChanged();
    List<PoolUsage> usage = allocations.engine().stats();
    metrics.pools(usage);
    try {
      configStatus.poolUsage(usage);
      return ReconcileOutcome.done();
    } catch (ClusterWriteException e) {
      LOG.debug("event=poolStatusWriteFailed: {}", e.getMessage());
      return new ReconcileOutcome.Retry<>(
          WRITE_RETRY, "pool status write failed: " + e.getMessage());
    }
  }
}
