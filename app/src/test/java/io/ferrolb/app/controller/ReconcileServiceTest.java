package io.ferrolb.app.controller;

import static io.ferrolb.app.controller.ControllerLoopTest.lb;
import static io.ferrolb.app.controller.ControllerLoopTest.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.app.controller.ControllerWork.ServiceChanged;
import io.ferrolb.app.loop.ReconcileOutcome;
import io.ferrolb.domain.allocation.Protocol;
import io.ferrolb.domain.allocation.ServiceRequest;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.ServiceSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reconciling one Service, called directly: no loop, no threads, no waiting. */
class ReconcileServiceTest {
  private final UseCases u = new UseCases().synced();

  private void configure(String... addresses) {
    u.cluster.setConfig(List.of(pool("blue", addresses)));
    u.applyConfig.apply();
  }

  @Test
  void aServiceGetsTheFirstAddressAndTheStatusIsWrittenInThePass() {
    configure("198.51.100.0/30");
    u.cluster.put(lb("web", 1, List.of()));

    ReconcileOutcome<ControllerWork> outcome = u.services.reconcile("default/web");

    assertThat(outcome).isEqualTo(ReconcileOutcome.done());
    assertThat(u.status.ingress("default/web")).containsExactly(IpAddress.parse("198.51.100.0"));
    assertThat(u.status.pool("default/web")).contains("blue");
    assertThat(u.events.reasonsFor("web")).contains("IPAllocated");
    assertThat(u.allocations.takeUsageChanged()).isTrue();
  }

  @Test
  void aFailedStatusWriteGoesBackToTheLoopAsARetryOfThatService() {
    configure("198.51.100.0/30");
    u.cluster.put(lb("web", 1, List.of()));
    u.status.failWith("HTTP 500");

    assertThat(u.services.reconcile("default/web")).isEqualTo(ReconcileOutcome.done());
    assertThat(u.failedWrites).containsExactly("default/web: status write failed: HTTP 500");
    assertThat(u.status.ingress("default/web")).isEmpty();

    u.status.failWith(null);
    u.services.reconcile("default/web"); // the retry's pass: the write is sent again
    assertThat(u.status.ingress("default/web")).containsExactly(IpAddress.parse("198.51.100.0"));
  }

  @Test
  void theSameDesiredStatusIsNotSentTwice() {
    configure("198.51.100.0/30");
    u.cluster.put(lb("web", 1, List.of()));
    u.services.reconcile("default/web");
    u.services.reconcile("default/web"); // the cache has not caught up with the write yet
    assertThat(u.status.writes()).isEqualTo(1);
  }

  @Test
  void aDeletedHolderFreesItsAddressAndBringsBackThePendingServices() {
    configure("198.51.100.9/32");
    u.cluster.put(lb("first", 1, List.of()));
    u.cluster.put(lb("second", 2, List.of()));
    u.services.reconcile("default/first");
    u.services.reconcile("default/second");
    assertThat(u.status.ingress("default/second")).isEmpty();
    assertThat(u.events.reasonsFor("second")).contains("AllocationFailed");

    u.cluster.remove("default/first");
    ReconcileOutcome<ControllerWork> outcome = u.services.reconcile("default/first");

    assertThat(outcome)
        .isEqualTo(ReconcileOutcome.then(List.of(new ServiceChanged("default/second"))));
    u.services.reconcile("default/second");
    assertThat(u.status.ingress("default/second")).containsExactly(IpAddress.parse("198.51.100.9"));
  }

  @Test
  void aDeletedServiceThatHeldNothingNeedsNoFollowUp() {
    configure("198.51.100.0/30");
    assertThat(u.services.reconcile("default/never-seen")).isEqualTo(ReconcileOutcome.done());
  }

  @Test
  void aServiceOfAnotherLoadBalancerClassIsNotTouched() {
    configure("198.51.100.0/30");
    ServiceSnapshot plain = lb("other", 1, List.of());
    u.cluster.put(withClass(plain, "example.com/other"));

    assertThat(u.services.reconcile("default/other")).isEqualTo(ReconcileOutcome.done());
    assertThat(u.status.writes()).isZero();
    assertThat(u.events.reasonsFor("other")).isEmpty();
  }

  @Test
  void withoutPoolsALoadBalancerServiceIsToldWhatToCreate() {
    u.applyConfig.apply();
    u.cluster.put(lb("web", 1, List.of()));
    u.services.reconcile("default/web");
    assertThat(u.events.emitted())
        .anySatisfy(
            e -> {
              assertThat(e.reason()).isEqualTo("AllocationFailed");
              assertThat(e.message()).contains("no IPAddressPool is configured");
            });
  }

  @Test
  void newLabelsOnANamespaceBringBackItsServicesOnly() {
    u.cluster.put(lb("web", 1, List.of()));
    u.cluster.put(
        new ServiceSnapshot(
            ServiceRequest.builder("other", "api").port(Protocol.TCP, 80).build(),
            "uid-api",
            false,
            ""));
    assertThat(u.services.inNamespace("other")).containsExactly(new ServiceChanged("other/api"));
  }

  private static ServiceSnapshot withClass(ServiceSnapshot s, String lbClass) {
    return new ServiceSnapshot(
        s.request().toBuilder().loadBalancerClass(lbClass).build(),
        s.uid(),
        s.hasStatus(),
        s.creationTimestamp());
  }
}
