package io.ferrolb.adapters.l2.membership;

import io.ferrolb.ports.out.Membership;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.PhysicalAddress;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.TCPPING;
import org.jgroups.stack.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Membership} over JGroups 5.5, encrypted and authenticated with the key from the {@code
 * memberlist} Secret. The channel (protocol stack, default timings and why, member names) is built
 * by {@link JGroupsStack}; this class keeps the view: who is alive, the listeners, and the pause
 * watchdog.
 *
 * <h2>Split brain</h2>
 *
 * This class only reports what this speaker can hear ({@link #aliveNodes()}): after a partition
 * each side sees only itself and its side. Whether a side may announce is decided in the domain by
 * {@code io.ferrolb.domain.ownership.SplitBrainPolicy} (majority of the speakers Kubernetes
 * expects; a speaker alone while others are expected withdraws; a single-node cluster announces).
 * When the partition heals, MERGE3 merges the views and listeners see the full set again. See
 * {@code docs/l2-split-brain.md}.
 *
 * <h2>Frozen member</h2>
 *
 * A member frozen long enough to be excluded (SIGSTOP, VM pause) gets no view from JGroups when it
 * resumes: without help it would keep its old full view until the merge (~5 s) and keep claiming
 * addresses next to their new owner. A watchdog ticking every heartbeat interval notices a gap
 * larger than {@code suspectTimeout} in this JVM's own clock and reports this node alone at once;
 * three heartbeat intervals later, if every peer has heartbeated us again, the view is restored
 * (the pause was too short to exclude us), else we stay alone until the merge. A plain view that
 * JGroups delivers meanwhile does not end this: it may have waited in the socket buffer during the
 * pause (see {@link #onView}).
 *
 * <h2>Names</h2>
 *
 * Members are reported by node name ({@link JGroupsStack#nameOf}). A restarted speaker with the
 * same node name is a new member; {@link #aliveNodes()} reports the name once.
 *
 * @since 0.1
 */
public final class JGroupsMembership implements Membership {
  private static final Logger LOG = LoggerFactory.getLogger(JGroupsMembership.class);
  static final String CLUSTER = "ferrolb-speakers";

  private final MembershipSettings settings;
  private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService notifier;
  private final Object lock = new Object();
  private Set<InetSocketAddress> seeds = Set.of();
  private Set<String> alive;
  private JChannel channel;
  private TCPPING discovery;
  private final LocalFailureDetector<Address> detector;
  private final HeartbeatTracker heartbeats;
  private final GossipDrops drops = new GossipDrops();
  private View view;
  private final ScheduledExecutorService watchdog;
  private final long pauseThresholdNanos;
  private long lastTickNanos;

  /** Set while we report ourselves alone after a pause, until a new view arrives. */
  private boolean isolatedAfterPause;

  private boolean started;
  private boolean closed;

  public JGroupsMembership(MembershipSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.alive = Set.of(settings.nodeName());
    this.notifier =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "membership-notify");
              t.setDaemon(true);
              return t;
            });
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "membership-pause-watchdog");
              t.setDaemon(true);
              return t;
            });
    // Peers start suspecting a member after suspectTimeout of silence (FD_ALL3): any longer pause
    // may have got us excluded. Whether it did is then checked with heartbeats (tick).
    this.pauseThresholdNanos = settings.suspectTimeout().toNanos();
    this.detector =
        new LocalFailureDetector<>(settings.localSilenceLimit(), settings.localDeathConfirm());
    this.heartbeats = new HeartbeatTracker(detector::heard);
  }

  @Override
  public String localNode() {
    return settings.nodeName();
  }

  @Override
  public void start() {
    synchronized (lock) {
      if (started || closed) {
        throw new IllegalStateException("membership: already started or closed");
      }
      started = true;
    }
    try {
      JChannel ch = JGroupsStack.channel(settings, heartbeats, detector, drops);
      ch.setReceiver(
          new Receiver() {
            @Override
            public void viewAccepted(View view) {
              onView(view, false);
            }
          });
      synchronized (lock) {
        channel = ch;
        discovery = ch.getProtocolStack().findProtocol(TCPPING.class);
        applySeeds();
      }
      ch.connect(CLUSTER);
      synchronized (lock) {
        lastTickNanos = System.nanoTime();
      }
      // half a heartbeat interval: a verdict of the local detector is acted on within 50 ms
      long tick = settings.heartbeatInterval().toNanos() / 2;
      watchdog.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.NANOSECONDS);
      LOG.info(
          "membershipStarted node={} bind={}:{} udp+tcp",
          settings.nodeName(),
          settings.bindAddress().getHostAddress(),
          settings.port());
    } catch (Exception e) {
      close();
      throw JGroupsStack.startFailure(settings, e);
    }
  }

  @Override
  public void setSeeds(Set<InetSocketAddress> newSeeds) {
    Objects.requireNonNull(newSeeds, "seeds");
    for (InetSocketAddress s : newSeeds) {
      if (s.isUnresolved()) {
        throw new IllegalArgumentException(
            "seed: " + s + " (expected: an IP address and port, not a host name)");
      }
    }
    synchronized (lock) {
      seeds = Set.copyOf(newSeeds);
      if (discovery != null) {
        applySeeds();
      }
    }
  }

  /** Holds {@link #lock}. Replaces TCPPING's host list atomically (a new list each time). */
  private void applySeeds() {
    List<PhysicalAddress> hosts = new ArrayList<>();
    for (InetSocketAddress s : seeds) {
      hosts.add(new IpAddress(s.getAddress(), s.getPort()));
    }
    // TCPPING ignores an empty list; our own address keeps it non-empty and is skipped on send
    hosts.add(new IpAddress(settings.bindAddress(), settings.port()));
    discovery.setInitialHosts2(hosts);
    LOG.debug("membershipSeeds node={} seeds={}", settings.nodeName(), seeds);
  }

  /**
   * Detects that this process itself was frozen (SIGSTOP, a VM pause, a long stop-the-world pause)
   * long enough for the peers to exclude it. JGroups tells the excluded member nothing: it would
   * keep its old, full view until the merge (about 5 s) and keep claiming its addresses next to
   * their new owner. So after any pause longer than {@code suspectTimeout} we report ourselves
   * alone at once (the split-brain policy then withdraws our claims), and three heartbeat intervals
   * later we check: if every peer of our view has heartbeated us since the pause, they still count
   * us as a member and the view is restored; otherwise we stay alone until the merge.
   */
  private void tick() {
    long now = System.nanoTime();
    long gap;
    Set<String> self = Set.of(settings.nodeName());
    synchronized (lock) {
      gap = now - lastTickNanos;
      lastTickNanos = now;
      if (closed || isolatedAfterPause) {
        return;
      }
      if (gap <= pauseThresholdNanos) {
        publish(now, "local failure detector");
        return;
      }
      isolatedAfterPause = true;
      if (!alive.equals(self)) {
        alive = self;
        notifier.execute(() -> listeners.forEach(l -> notify(l, self)));
      }
    }
    LOG.warn(
        "membershipPaused node={} pauseMs={} (peers suspect after {} ms of silence):"
            + " reporting only this node until the peers confirm it is still a member",
        settings.nodeName(),
        TimeUnit.NANOSECONDS.toMillis(gap),
        settings.suspectTimeout().toMillis());
    // heartbeats sent before the peers excluded us may still sit in our socket buffer and are
    // read right after the pause: only count those received one interval or more after it
    long countFrom = now + settings.heartbeatInterval().toNanos();
    watchdog.schedule(
        () -> restoreIfStillMember(countFrom),
        settings.heartbeatInterval().multipliedBy(3).toNanos(),
        TimeUnit.NANOSECONDS);
    // safety net: if neither heartbeats nor a merge come, use the channel's view after a few
    // merge rounds rather than stay alone forever
    watchdog.schedule(
        () -> restoreIfStillIsolated("no merge after the pause"),
        settings.mergeMaxInterval().multipliedBy(4).toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void restoreIfStillMember(long sinceNanos) {
    JChannel ch;
    synchronized (lock) {
      ch = channel;
    }
    View view = ch == null ? null : ch.getView();
    if (view == null) {
      return;
    }
    Address me = ch.getAddress();
    boolean stillMember =
        view.getMembers().stream()
            .filter(m -> !m.equals(me))
            .allMatch(m -> heartbeats.heardSince(m, sinceNanos));
    if (stillMember) {
      restoreIfStillIsolated("every peer still heartbeats this node");
    } else {
      LOG.info(
          "membershipExcluded node={}: peers stopped heartbeating it; alone until the merge",
          settings.nodeName());
    }
  }

  private void restoreIfStillIsolated(String why) {
    JChannel ch;
    synchronized (lock) {
      if (!isolatedAfterPause || closed) {
        return;
      }
      ch = channel;
    }
    View view = ch == null ? null : ch.getView();
    if (view != null) {
      LOG.info(
          "membershipPauseRecovered node={}: {}; back to view {}",
          settings.nodeName(),
          why,
          view.getViewId());
      onView(view, true);
    }
  }

  /**
   * A new view from JGroups ({@code restoring} false), or the channel's view taken back after a
   * pause ({@code restoring} true). While this node reports itself alone after a pause, a view from
   * JGroups only ends that if it is a merge: a plain view delivered right after the pause may have
   * waited in the socket buffer while we were frozen, installed before the peers excluded us, so it
   * does not show that they still count us (bench/l2-failover saw such a view undo the withdrawal
   * 20 ms after SIGCONT, and the frozen node answered ARP next to the new owner for seconds).
   * Heartbeats ({@link #restoreIfStillMember}) or the merge end the isolation instead.
   */
  private void onView(View newView, boolean restoring) {
    long now = System.nanoTime();
    synchronized (lock) {
      if (closed) {
        return;
      }
      JChannel ch = channel;
      Address me = ch == null ? null : ch.getAddress();
      detector.view(
          newView.getMembers().stream().filter(m -> !m.equals(me)).collect(Collectors.toList()),
          now);
      view = newView;
      if (isolatedAfterPause && !restoring && !(newView instanceof MergeView)) {
        LOG.info(
            "membershipViewHeld node={} viewId={}: still reporting only this node after the pause",
            settings.nodeName(),
            newView.getViewId());
        return;
      }
      isolatedAfterPause = false;
      publish(now, "view " + newView.getViewId());
    }
  }

  /**
   * Holds {@link #lock}. Reports the view's members less those the local detector counts as dead
   * (this node always counts itself alive), if that differs from the last report.
   */
  private void publish(long now, String why) {
    if (view == null) {
      return;
    }
    Set<Address> dead = detector.dead(now);
    Set<String> names = new TreeSet<>();
    names.add(settings.nodeName());
    for (Address a : view.getMembers()) {
      if (!dead.contains(a)) {
        names.add(JGroupsStack.nameOf(a));
      }
    }
    Set<String> next = Set.copyOf(names);
    if (next.equals(alive)) {
      return;
    }
    alive = next;
    // enqueued under the lock so addListener's initial call is ordered with the changes
    notifier.execute(() -> listeners.forEach(l -> notify(l, next)));
    LOG.info(
        "membershipChanged node={} alive={} by={} viewId={} deadInView={}",
        settings.nodeName(),
        names,
        why,
        view.getViewId(),
        dead.stream().map(JGroupsStack::nameOf).sorted().toList());
  }

  private void notify(Consumer<Set<String>> listener, Set<String> names) {
    try {
      listener.accept(names);
    } catch (RuntimeException e) {
      LOG.error("membership listener failed for alive={}", names, e);
    }
  }

  /**
   * Gossip frames dropped since start, by reason: {@code unencrypted}, {@code wrong_key}, {@code
   * bad_tag}, {@code replayed}, {@code truncated} (every reason present, zero included).
   */
  @Override
  public Map<String, Long> droppedFrames() {
    return drops.snapshot();
  }

  @Override
  public Set<String> aliveNodes() {
    synchronized (lock) {
      return alive;
    }
  }

  @Override
  public void addListener(Consumer<Set<String>> listener) {
    Objects.requireNonNull(listener, "listener");
    // enqueue the current set on the notifier so it is ordered before any later change
    synchronized (lock) {
      listeners.add(listener);
      Set<String> current = alive;
      if (closed) {
        notify(listener, current);
      } else {
        notifier.execute(() -> notify(listener, current));
      }
    }
  }

  @Override
  public void close() {
    JChannel ch;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      ch = channel;
      channel = null;
      discovery = null;
      alive = Set.of(settings.nodeName());
      notifier.shutdown(); // queued notifications still run
      watchdog.shutdownNow();
    }
    if (ch != null) {
      ch.close(); // graceful leave: peers install a view without us at once
      LOG.info("membershipStopped node={}", settings.nodeName());
    }
  }
}
