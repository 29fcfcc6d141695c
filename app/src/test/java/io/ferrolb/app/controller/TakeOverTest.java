package io.ferrolb.app.controller;

import static io.ferrolb.app.controller.ControllerLoopTest.lb;
import static io.ferrolb.app.controller.ControllerLoopTest.pool;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.app.loop.ReconcileOutcome;
import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Taking over as leader, called directly: no loop, no threads, no waiting. */
class TakeOverTest {

  @Test
  void beforeTheCachesHaveSyncedTheRebuildIsARetry() {
    UseCases u = new UseCases(); // never synced
    assertThat(u.takeOver.rebuild())
        .isEqualTo(
            new ReconcileOutcome.Retry<>(TakeOver.NOT_SYNCED_RETRY, "caches not synced yet"));
    assertThat(u.takeOver.rebuilt()).isFalse();
  }

  @Test
  void aHolderKeepsItsAddressEvenWhenAPendingServiceSortsFirst() {
    UseCases u = new UseCases().synced();
    u.cluster.setConfig(List.of(pool("one", "198.51.100.9/32")));
    u.cluster.put(lb("a-pending", 1, List.of()));
    u.cluster.put(lb("z-holder", 2, List.of(IpAddress.parse("198.51.100.9"))));

    assertThat(u.takeOver.rebuild()).isEqualTo(ReconcileOutcome.done());

    assertThat(u.takeOver.rebuilt()).isTrue();
    assertThat(u.events.reasonsFor("a-pending")).contains("AllocationFailed");
    assertThat(u.status.ingress("default/a-pending")).isEmpty();
    assertThat(u.status.writes()).isEqualTo(1); // only the holder's pool annotation
    assertThat(u.status.pool("default/z-holder")).contains("one");
    assertThat(u.usage.due()).isTrue();
  }

  @Test
  void aNewTermRebuildsFromTheApiServerNotFromACacheThatIsBehind() {
    // found by ChaosIT: a leader that lost and regained its Lease rebuilt from a cache that did
    // not show its own last status writes, and gave those addresses to other Services
    UseCases u = new UseCases().synced();
    u.cluster.setConfig(List.of(pool("one", "198.51.100.8-198.51.100.9")));
    u.cluster.put(lb("a-new", 1, List.of()));
    u.cluster.put(lb("web", 2, List.of())); // the cache: web has no address yet
    u.cluster.aheadOfCache(lb("web", 3, List.of(IpAddress.parse("198.51.100.8")))); // the server

    assertThat(u.takeOver.rebuild()).isEqualTo(ReconcileOutcome.done());

    // web keeps the address the server shows (a rebuild from the cache gave .8 to a-new)
    assertThat(u.status.ingress("default/web")).containsExactly(IpAddress.parse("198.51.100.8"));
    assertThat(u.status.ingress("default/a-new")).containsExactly(IpAddress.parse("198.51.100.9"));
  }

  @Test
  void aServiceTheRebuildReadFromTheServerKeepsItsAddressWhileTheCacheDoesNotShowIt() {
    // found by ChaosIT: the cache (an informer being replaced) did not hold a Service the rebuild
    // had read from the server; taken for deleted, its address was freed, and it got another one
    UseCases u = new UseCases().synced();
    u.cluster.setConfig(List.of(pool("one", "198.51.100.8-198.51.100.9")));
    u.cluster.aheadOfCache(lb("web", 3, List.of(IpAddress.parse("198.51.100.8"))));
    assertThat(u.takeOver.rebuild()).isEqualTo(ReconcileOutcome.done());

    ReconcileOutcome<ControllerWork> o = u.services.reconcile("default/web");

    assertThat(o).isInstanceOf(ReconcileOutcome.Retry.class);
    assertThat(u.allocations.engine().holds("default/web")).as("still held").isTrue();
    u.cluster.put(lb("a-new", 1, List.of()));
    u.services.reconcile("default/a-new");
    assertThat(u.status.ingress("default/a-new")).containsExactly(IpAddress.parse("198.51.100.9"));

    u.cluster.remove("default/web"); // deleted on the server too: now it is freed
    assertThat(u.services.reconcile("default/web")).isNotInstanceOf(ReconcileOutcome.Retry.class);
    assertThat(u.allocations.engine().holds("default/web")).isFalse();
  }

  @Test
  void aNewTermStartsFromTheServicesStatusNotFromTheLastTerm() {
    UseCases u = new UseCases().synced();
    u.cluster.setConfig(List.of(pool("one", "198.51.100.9/32")));
    u.cluster.put(lb("web", 1, List.of()));
    u.takeOver.rebuild();
    assertThat(u.status.ingress("default/web")).containsExactly(IpAddress.parse("198.51.100.9"));

    u.takeOver.forget();
    assertThat(u.takeOver.rebuilt()).isFalse();
    u.cluster.remove("default/web");
    u.cluster.put(lb("api", 2, List.of()));
    u.takeOver.rebuild();
    assertThat(u.status.ingress("default/api")).containsExactly(IpAddress.parse("198.51.100.9"));
  }

  @Test
  void aResumedTermKeepsItsAllocationsAndLooksAgainAtWhatChangedMeanwhile() {
    UseCases u = new UseCases().synced();
    u.cluster.setConfig(List.of(pool("one", "198.51.100.8-198.51.100.9")));
    u.cluster.put(lb("web", 1, List.of()));
    u.cluster.put(lb("old", 2, List.of()));
    u.takeOver.rebuild();
    List<IpAddress> web = u.status.ingress("default/web");
    List<IpAddress> old = u.status.ingress("default/old");
    assertThat(web).hasSize(1);

    u.takeOver.forget(); // the Lease lost; meanwhile one Service goes, one comes
    u.cluster.remove("default/old");
    u.cluster.put(lb("api", 3, List.of()));
    ReconcileOutcome<ControllerWork> o = u.takeOver.resume();

    assertThat(u.takeOver.rebuilt()).isTrue();
    assertThat(o).isInstanceOf(ReconcileOutcome.Done.class);
    List<ControllerWork> then = ((ReconcileOutcome.Done<ControllerWork>) o).then();
    assertThat(then)
        .contains(
            new ControllerWork.ServiceChanged("default/web"),
            new ControllerWork.ServiceChanged("default/old"),
            new ControllerWork.ServiceChanged("default/api"),
            ControllerWork.PENDING_SERVICES);
    for (ControllerWork w : then) {
      if (w instanceof ControllerWork.ServiceChanged c) {
        u.services.reconcile(c.key());
      }
    }
    assertThat(u.allocations.engine().holds("default/old")).as("freed").isFalse();
    assertThat(u.status.ingress("default/web")).isEqualTo(web);
    assertThat(u.status.ingress("default/api")).isEqualTo(old);
  }

  @Test
  void aResumeKeepsAnAddressWhoseStatusWriteTheLastTermNeverMade() {
    // the term ended with web's status write queued and dropped: the cache shows web without an
    // address, and a rebuild from it could give web's address to a Service that sorts first
    UseCases u = new UseCases().synced();
    u.cluster.setConfig(List.of(pool("one", "198.51.100.9/32")));
    u.cluster.put(lb("web", 1, List.of()));
    u.takeOver.rebuild();
    assertThat(u.allocations.engine().holds("default/web")).isTrue();
    u.takeOver.forget();
    u.cluster.put(lb("web", 2, List.of())); // as the cache shows it: no address written
    u.cluster.put(lb("a-new", 3, List.of()));

    u.takeOver.resume();
    u.services.reconcile("default/a-new");
    u.services.reconcile("default/web");

    assertThat(u.status.ingress("default/web")).containsExactly(IpAddress.parse("198.51.100.9"));
    assertThat(u.status.ingress("default/a-new")).isEmpty();
  }

  @Test
  void aResumeBeforeAnyRebuildCompletedRebuilds() {
    UseCases u = new UseCases().synced();
    u.cluster.setConfig(List.of(pool("one", "198.51.100.9/32")));
    u.cluster.put(lb("web", 1, List.of(IpAddress.parse("198.51.100.9"))));

    assertThat(u.takeOver.resume()).isEqualTo(ReconcileOutcome.done());

    assertThat(u.takeOver.rebuilt()).isTrue();
    assertThat(u.allocations.engine().holds("default/web")).isTrue();
  }
}
