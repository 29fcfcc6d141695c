package io.ferrolb.app.controller;

import dagger.Module;
import dagger.Provides;
import io.ferrolb.app.controller.ControllerWork.ServiceChanged;
import io.ferrolb.app.loop.ReconcileOutcome;
import io.ferrolb.app.loop.WorkLoop;
import io.ferrolb.ports.out.ServiceStatusWriter;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * The controller's loop over its out-ports: the {@link WorkLoop} and the {@link StatusPipeline}
 * that reports failed writes to it. The use cases and {@link ControllerLoop} come by constructor
 * injection. Needs the out-ports, {@link ControllerMetrics}' registry and the {@link LbClass}:
 * {@link ControllerK8sModule} binds them to a cluster, the loop's test to fakes.
 */
@Module
final class ControllerLoopModule {
  // concurrent API writes: enough to hide round trips, few enough not to flood the API server
  private static final int WRITERS = 16;
  // a failed status write comes back as a Retry of its Service after this; the retry's own pass
  // ends Done (it only resubmits the write), which resets the loop's doubling, so a write that
  // keeps
  // failing is tried every 500 ms
  static final Duration WRITE_RETRY = Duration.ofMillis(500);

  private ControllerLoopModule() {}

  @Provides
  @Singleton
  static WorkLoop<ControllerWork> loop(ControllerMetrics metrics) {
    return new WorkLoop<>("ferrolb-reconcile", metrics);
  }

  @Provides
  @Singleton
  static StatusPipeline pipeline(
      ServiceStatusWriter writer, WorkLoop<ControllerWork> loop, ControllerMetrics metrics) {
    return StatusPipeline.onThreads(
        writer,
        WRITERS,
        (key, reason) ->
            loop.retry(new ServiceChanged(key), new ReconcileOutcome.Retry<>(WRITE_RETRY, reason)),
        metrics::statusWritten);
  }
}
