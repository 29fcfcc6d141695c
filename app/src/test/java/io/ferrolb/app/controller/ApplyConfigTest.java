package io.ferrolb.app.controller;

import static io.ferrolb.app.controller.ControllerLoopTest.lb;
import static io.ferrolb.app.controller.ControllerLoopTest.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.app.controller.ControllerWork.ServiceChanged;
import io.ferrolb.app.loop.ReconcileOutcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Applying the configuration, called directly: no loop, no threads, no waiting. */
class ApplyConfigTest {
  private final UseCases u = new UseCases().synced();

  @Test
  void newPoolsReprocessEveryService() {
    u.cluster.put(lb("web", 1, List.of()));
    u.cluster.put(lb("api", 2, List.of()));
    u.cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));

    assertThat(u.applyConfig.apply())
        .isEqualTo(
            new ReconcileOutcome.ReprocessAll<>(
                List.of(new ServiceChanged("default/web"), new ServiceChanged("default/api"))));
    assertThat(u.applyConfig.configLoaded()).isTrue();
    assertThat(u.applyConfig.configStale()).isFalse();
    assertThat(u.configStatus.state("controller").get().valid()).isTrue();
  }

  @Test
  void theSamePoolsAgainNeedNoReprocessing() {
    u.cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));
    u.applyConfig.apply();
    assertThat(u.applyConfig.apply()).isEqualTo(ReconcileOutcome.done());
  }

  @Test
  void anInvalidConfigKeepsTheLastGoodPoolsAndIsReported() {
    u.cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));
    u.applyConfig.apply();

    u.cluster.setConfig(List.of(pool("blue", "not-an-address")));
    assertThat(u.applyConfig.apply()).isEqualTo(ReconcileOutcome.done());

    assertThat(u.applyConfig.configStale()).isTrue();
    assertThat(u.applyConfig.pools()).hasSize(1);
    assertThat(u.configStatus.state("controller").get().valid()).isFalse();
    assertThat(u.configStatus.state("controller").get().errorSummary())
        .contains("IPAddressPool ferrolb-system/blue")
        .contains("not-an-address");
    assertThat(u.events.reasonsFor("blue")).contains("InvalidConfiguration");
    assertThat(u.metrics.staleValue()).isEqualTo(1.0);
  }

  @Test
  void noConfigurationAtAllIsKnownButNotLoaded() {
    assertThat(u.applyConfig.apply()).isEqualTo(ReconcileOutcome.done());
    assertThat(u.applyConfig.configKnown()).isTrue();
    assertThat(u.applyConfig.configLoaded()).isFalse();
  }

  @Test
  void afterForgetTheSamePoolsAreInstalledAgain() {
    u.cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));
    u.applyConfig.apply();
    u.applyConfig.forget();
    assertThat(u.applyConfig.apply()).isInstanceOf(ReconcileOutcome.ReprocessAll.class);
  }

  @Test
  void aPoolIsNotWarnedOfForAdvertisementsTheControllerDoesNotRead() {
    // the controller judges no advertisement (the speakers do): it cannot say none selects a pool,
    // and a new leader must not put a Warning Event on every pool
    u.cluster.setConfig(List.of(pool("blue", "198.51.100.0/30")));
    u.applyConfig.apply();
    u.applyConfig.forget();
    u.applyConfig.apply();

    assertThat(u.events.reasonsFor("blue")).doesNotContain("ConfigurationWarning");
    assertThat(u.configStatus.state("controller").get().valid()).isTrue();
  }
}
