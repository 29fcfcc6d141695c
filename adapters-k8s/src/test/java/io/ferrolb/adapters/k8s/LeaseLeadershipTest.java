package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.ferrolb.ports.out.Leadership;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class LeaseLeadershipTest {
  KubernetesClient client;

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<String> standbyEvents = new CopyOnWriteArrayList<>();

  /** The Lease as stored now. */
  private LeaseSpec lease() {
    return client
        .leases()
        .inNamespace("ferrolb-system")
        .withName("ferrolb-controller")
        .get()
        .getSpec();
  }

  private Leadership.Listener recording() {
    return recording(events);
  }

  private static Leadership.Listener recording(List<String> events) {
    return new Leadership.Listener() {
      @Override
      public void startedLeading() {
        events.add("started");
      }

      @Override
      public void resumedLeading() {
        events.add("resumed");
      }

      @Override
      public void stoppedLeading() {
        events.add("stopped");
      }

      @Override
      public void newLeader(String identity) {}
    };
  }

  @Test
  void renewalsDoNotQueueBehindTheComponentsOwnRequests() throws Exception {
    // the component's client at 5 requests per second, kept saturated by ten busy callers: each
    // request waits about two seconds for its turn, longer than the 2 s lease with the 1.5 s
    // renew deadline; a standby on a client of its own takes the Lease the moment it expires
    KubernetesClient limited =
        RequestRateLimit.install(
                new KubernetesClientBuilder().withConfig(client.getConfiguration()),
                new RequestRateLimit.Settings(5, 1))
            .build();
    AtomicBoolean busy = new AtomicBoolean(true);
    List<Thread> callers = new ArrayList<>();
    try (LeaseLeadership leadership =
            new LeaseLeadership(
                limited,
                "ferrolb-system",
                "ferrolb-controller",
                "me",
                LeaseLeadership.Timing.FAST);
        LeaseLeadership standby =
            new LeaseLeadership(
                client,
                "ferrolb-system",
                "ferrolb-controller",
                "standby",
                LeaseLeadership.Timing.FAST)) {
      leadership.start(recording());
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("started"));
      standby.start(recording(standbyEvents));
      for (int i = 0; i < 10; i++) {
        Thread t =
            new Thread(
                () -> {
                  while (busy.get()) {
                    limited.configMaps().inNamespace("default").list();
                  }
                });
        t.setDaemon(true);
        t.start();
        callers.add(t);
      }

      Thread.sleep(6_000); // three lease durations

      assertThat(events)
          .as("leadership kept under the component's load")
          .containsExactly("started");
      assertThat(lease().getHolderIdentity()).isEqualTo("me");
    } finally {
      busy.set(false);
      for (Thread t : callers) {
        t.join(5_000);
      }
      limited.close();
    }
  }

  @Test
  void closingReleasesTheLeaseForTheNextReplica() {
    // fabric8's release keeps the holder's name and shortens the lease to one second
    LeaseLeadership leadership =
        new LeaseLeadership(
            client, "ferrolb-system", "ferrolb-controller", "me", LeaseLeadership.Timing.FAST);
    leadership.start(recording());
    await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("started"));

    leadership.close();

    assertThat(lease().getLeaseDurationSeconds())
        .as("lease duration after close, from %s", LeaseLeadership.Timing.FAST.lease())
        .isEqualTo(1);
    assertThat(events).containsExactly("started", "stopped");
  }

  @Test
  void aTermContinuesOnlyWhenTheLeaseKeptItsHolderAcquireTimeAndTransitions() {
    ZonedDateTime acquired = ZonedDateTime.parse("2026-12-07T10:00:00.123456Z");
    LeaderElectionRecord before =
        new LeaderElectionRecord("me", Duration.ofSeconds(2), acquired, acquired.plusSeconds(9), 3);

    // taken back: fabric8 keeps the acquire time and the count when the holder is unchanged
    assertThat(
            LeaseLeadership.continues(
                before,
                new LeaderElectionRecord(
                    "me", Duration.ofSeconds(2), acquired, acquired.plusSeconds(14), 3)))
        .isTrue();
    // another replica held it in between: a new acquire time, two more transitions
    assertThat(
            LeaseLeadership.continues(
                before,
                new LeaderElectionRecord(
                    "me",
                    Duration.ofSeconds(2),
                    acquired.plusSeconds(14),
                    acquired.plusSeconds(14),
                    5)))
        .isFalse();
    // the same acquire time but a transition counted (the Lease recreated and taken twice)
    assertThat(
            LeaseLeadership.continues(
                before,
                new LeaderElectionRecord(
                    "me", Duration.ofSeconds(2), acquired, acquired.plusSeconds(14), 4)))
        .isFalse();
    // released (no holder), or no earlier term
    assertThat(
            LeaseLeadership.continues(
                new LeaderElectionRecord(null, Duration.ofSeconds(1), acquired, acquired, 3),
                before))
        .isFalse();
    assertThat(LeaseLeadership.continues(null, before)).isFalse();
  }

  @Test
  void aLeaseAnotherReplicaHeldInBetweenStartsANewTermNotAResumedOne() {
    try (LeaseLeadership leadership =
        new LeaseLeadership(
            client, "ferrolb-system", "ferrolb-controller", "me", LeaseLeadership.Timing.FAST)) {
      leadership.start(recording());
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("started"));

      // another replica takes it, as fabric8 would, for one second
      ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
      client
          .leases()
          .inNamespace("ferrolb-system")
          .withName("ferrolb-controller")
          .edit(
              l -> {
                LeaseSpec spec = l.getSpec();
                spec.setHolderIdentity("other");
                spec.setAcquireTime(now);
                spec.setRenewTime(now);
                spec.setLeaseDurationSeconds(1);
                spec.setLeaseTransitions(spec.getLeaseTransitions() + 1);
                return l;
              });

      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> events.size() >= 3 && lease().getHolderIdentity().equals("me"));
      assertThat(events).containsExactly("started", "stopped", "started");
    }
  }
}
