package io.ferrolb.app.controller;

import static io.ferrolb.app.controller.ControllerLoopTest.lb;
import static io.ferrolb.app.controller.ControllerLoopTest.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.app.loop.ReconcileOutcome;
import io.ferrolb.ports.out.ClusterWriteException;
import io.ferrolb.ports.out.ConfigStatusWriter;
import io.ferrolb.ports.out.PoolUsage;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Publishing pool usage, called directly: no loop, no threads, no waiting. */
class PublishUsageTest {
  private final UseCases u = new UseCases().synced();

  @Test
  void theUsageOfEachPoolIsWrittenOnce() {
    u.cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));
    u.cluster.put(lb("web", 1, List.of()));
    u.takeOver.rebuild();

    assertThat(u.usage.publish()).isEqualTo(ReconcileOutcome.done());
    assertThat(u.usage.due()).isFalse();
    PoolUsage blue = u.configStatus.usage("blue").orElseThrow();
    assertThat(blue.assignedV4()).isEqualTo(BigInteger.ONE);
    assertThat(blue.services()).isEqualTo(1);
  }

  @Test
  void aFailedPoolStatusWriteIsARetry() {
    ConfigStatusWriter failing =
        new ConfigStatusWriter() {
          @Override
          public void configurationState(String component, boolean valid, String errorSummary) {}

          @Override
          public void poolUsage(List<PoolUsage> usage) {
            throw new ClusterWriteException("HTTP 500", null);
          }
        };
    PublishUsage usage = new PublishUsage(u.allocations, u.metrics, failing);
    assertThat(usage.publish())
        .isEqualTo(
            new ReconcileOutcome.Retry<>(
                PublishUsage.WRITE_RETRY, "pool status write failed: HTTP 500"));
  }
}
