package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import io.ferrolb.ports.out.Leadership;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election with a {@code coordination.k8s.io} Lease (fabric8's LeaderElector). The lock is
 * released on close, so a clean shutdown hands over at once; a crash hands over after the lease
 * duration.
 *
 * <p>The election talks to the API server on a client of its own (as controller-runtime's does),
 * with no client-side rate limit and a request timeout of one renew deadline: on the component's
 * client a renewal queued behind a burst of status writes (two per Service, at 20 per second) and
 * missed the Lease, a standby took it while this replica still wrote, and two leaders gave the same
 * Services different addresses (ControllerCrashIT, in CI).
 *
 * <p>A replica that takes the Lease back with no other holder since its last term (the record it
 * writes keeps that term's acquire time and transition count, which any other holder changes) hears
 * {@link Listener#resumedLeading()}: under an API brownout renewals come late, and a Lease lost and
 * regained by the same replica need not cost a rebuild.
 */
public final class LeaseLeadership implements Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseLeadership.class);

  /** Timings for a handover within 3 s of a leader's death (issue 3). */
  public record Timing(Duration lease, Duration renewDeadline, Duration retryPeriod) {
    public static final Timing FAST =
        new Timing(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200));
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Timing timing;
  private final RememberingLock lock;
  // the last record this replica wrote as leader in its previous term (election thread)
  private volatile LeaderElectionRecord lastTerm;
  private CompletableFuture<?> running;
  private boolean closed;

  public LeaseLeadership(
      KubernetesClient client, String namespace, String leaseName, String identity, Timing timing) {
    Objects.requireNonNull(client, "client");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withRequestTimeout((int) timing.renewDeadline().toMillis())
                    .withRequestRetryBackoffLimit(1)
                    .build())
            .build();
    this.namespace = namespace;
    this.leaseName = leaseName;
    this.identity = identity;
    this.lock = new RememberingLock(new LeaseLock(namespace, leaseName, identity));
  }

  /**
   * Campaigns until {@link #close()}: after losing the Lease (a renewal missed under load, an API
   * server outage) the replica campaigns again, as a standby, instead of staying out for good.
   */
  @Override
  public synchronized void start(Listener listener) {
    if (closed) {
      return;
    }
    var config =
        new LeaderElectionConfigBuilder()
            .withName(leaseName)
            .withLeaseDuration(timing.lease())
            .withRenewDeadline(timing.renewDeadline())
            .withRetryPeriod(timing.retryPeriod())
            .withLock(lock)
            .withReleaseOnCancel()
            .withLeaderCallbacks(
                new LeaderCallbacks(
                    () -> {
                      boolean resumed = continues(lastTerm, lock.written);
                      LOG.info(
                          "event=leaderElected identity={} lease={} resumed={}",
                          identity,
                          leaseName,
                          resumed);
                      if (resumed) {
                        listener.resumedLeading();
                      } else {
                        listener.startedLeading();
                      }
                    },
                    () -> {
                      lastTerm = lock.written;
                      LOG.info("event=leaderLost identity={} lease={}", identity, leaseName);
                      listener.stoppedLeading();
                    },
                    listener::newLeader))
            .build();
    CompletableFuture<?> f = client.leaderElector().withConfig(config).build().start();
    running = f;
    f.whenComplete(
        (v, t) -> {
          synchronized (this) {
            if (closed || running != f) {
              return;
            }
          }
          LOG.info("event=campaignAgain identity={} lease={}", identity, leaseName);
          start(listener);
        });
  }

  /**
   * True when {@code now}, the record this replica just wrote on taking the Lease, continues {@code
   * before}, the last one it wrote in its previous term: the same holder, acquire time and
   * transition count, so the Lease passed through no other holder (each acquisition by another
   * replica sets a new acquire time and counts a transition; a release clears the holder).
   */
  static boolean continues(LeaderElectionRecord before, LeaderElectionRecord now) {
    if (before == null || now == null || before.getHolderIdentity() == null) {
      return false;
    }
    return before.getHolderIdentity().equals(now.getHolderIdentity())
        && before.getLeaderTransitions() == now.getLeaderTransitions()
        && before.getAcquireTime() != null
        && now.getAcquireTime() != null
        && before
            .getAcquireTime()
            .toInstant()
            .truncatedTo(ChronoUnit.MILLIS)
            .equals(now.getAcquireTime().toInstant().truncatedTo(ChronoUnit.MILLIS));
  }

  /** The Lease lock, remembering the last record written through it. */
  private static final class RememberingLock implements Lock {
    private final Lock lock;
    volatile LeaderElectionRecord written;

    RememberingLock(Lock lock) {
      this.lock = lock;
    }

    @Override
    public LeaderElectionRecord get(KubernetesClient client) {
      return lock.get(client);
    }

    @Override
    public void create(KubernetesClient client, LeaderElectionRecord r) {
      lock.create(client, r);
      written = r;
    }

    @Override
    public void update(KubernetesClient client, LeaderElectionRecord r) {
      lock.update(client, r);
      written = r;
    }

    @Override
    public String identity() {
      return lock.identity();
    }

    @Override
    public String describe() {
      return lock.describe();
    }
  }

  public String identity() {
    return identity;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (running != null) {
      running.cancel(true); // releases the Lease, on this thread
      running = null;
    }
    client.close();
  }
}
