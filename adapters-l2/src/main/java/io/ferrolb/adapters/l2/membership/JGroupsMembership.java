package io.ferrolb.adapters.l2.membership;

import io.ferrolb.ports.out.Membership;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
import org.jgroups.PhysicalAddress;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UDP;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.IpAddress;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.NameCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Membership} over JGroups 5.5, built in code (no XML), encrypted and authenticated with the
 * key from the {@code memberlist} Secret.
 *
 * <h2>Stack (bottom to top)</h2>
 *
 * <ol>
 *   <li>{@code UDP}, unicast only ({@code ip_mcast=false}), bound to the node IP and port 7946:
 *       "multicasts" are sent as one datagram per member.
 *   <li>{@link AeadSymEncrypt}: AES-256-GCM with the key {@code SHA-256(secretkey)}, directly on
 *       the transport so that <em>every</em> packet (discovery, heartbeats, merges, joins) is
 *       sealed. A packet without the key fails the tag check (or the key-version check) and is
 *       dropped; a speaker with another key never gets an answer to its discovery or join requests
 *       and never appears in anyone's view.
 *   <li>{@code SERIALIZE}: puts headers into the encrypted payload too.
 *   <li>{@link HeartbeatTracker}: tells the {@link LocalFailureDetector} of every message from a
 *       peer, and remembers when each peer last heartbeated us (see "Frozen member" below).
 *   <li>{@code TCPPING} with the seeds from {@link #setSeeds} (replaced at run time).
 *   <li>{@code MERGE3}: probes the seeds every 1-3 s, so a healed partition reunites within about 5
 *       s (its consistency check runs every 1.6 × the max interval).
 *   <li>{@code FD_SOCK2} on TCP at the <em>same</em> port number as the UDP transport (so the
 *       footprint is MetalLB's 7946 TCP+UDP): each member keeps a TCP connection to its ring
 *       neighbour; when a speaker process dies, the kernel closes the connection and the neighbour
 *       broadcasts the suspicion at once ({@link DeathReportingFdSock2} hands it to the local
 *       detector of every member).
 *   <li>{@code FD_ALL3}: every member sends a heartbeat to every member each {@code
 *       heartbeatInterval}; a member silent for {@code suspectTimeout} is suspected. Catches what
 *       FD_SOCK2 cannot: a frozen process (SIGSTOP, long pause), a dead host, a cut cable, a
 *       firewall.
 *   <li>{@code VERIFY_SUSPECT2}: before a suspect is excluded it gets one direct probe and {@code
 *       verifyTimeout} to answer; a live member that answers stays.
 *   <li>{@code NAKACK2}, {@code UNICAST3}, {@code STABLE}, {@code GMS}, {@code FRAG2}: reliable
 *       delivery and views.
 * </ol>
 *
 * <h2>Default timings and why</h2>
 *
 * <ul>
 *   <li>Heartbeat every <b>100 ms</b>, suspicion after <b>400 ms</b> of silence: FD_ALL3 keeps one
 *       bit per interval (4 bits); a member is suspected when all 4 are empty, i.e. after 400-500
 *       ms without any packet from it. Four consecutive heartbeats must be lost or late; on a LAN
 *       (RTT well under 1 ms) that only happens to a member that is really gone.
 *   <li>Direct probe with <b>150 ms</b> to answer: more than 100 LAN round trips; a member that was
 *       only slow answers and is kept. A false exclusion therefore needs more than ~550 ms of total
 *       silence from a live JVM. The speaker runs with a small heap and SerialGC, whose young
 *       pauses are a few milliseconds, so an idle healthy cluster does not flap (the IT idles 20 s
 *       with 3 members and asserts no view change).
 *   <li>JGroups' own view change needs the coordinator (and, when the coordinator died, a takeover
 *       first): measured 0.5-3 s after a {@code kill -9}. Listeners are therefore told earlier, by
 *       the {@link LocalFailureDetector} each member runs on what it hears itself: the view's
 *       members less those silent for 550 ms (suspectTimeout + verifyTimeout, the silence JGroups
 *       needs to exclude them), or reported dead by FD_SOCK2 and silent for 150 ms (1.5 heartbeat
 *       intervals). It is evaluated every 50 ms. The later view change agrees with it.
 *   <li>Silent failure (frozen process, cut link): 550-600 ms.
 *   <li>Process death: the TCP connection drops at once; with the confirmation ≈ 150-250 ms.
 *   <li>Cost: n × (n-1) × 10 heartbeats per second, about 100 bytes each after encryption: 1 KB/s
 *       per node for 10 nodes, 100 KB/s per node for 100 nodes. For large clusters raise the
 *       interval (and the timeout with it).
 * </ul>
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
 * (the pause was too short to exclude us), else we stay alone until the merge.
 *
 * <h2>Names</h2>
 *
 * The member name is the node name, carried inside every member's address ({@link ExtendedUUID} key
 * {@code node}), so views never show UUIDs. A restarted speaker with the same node name is a new
 * member; {@link #aliveNodes()} reports the name once.
 *
 * @since 0.1
 */
public final class JGroupsMembership implements Membership {
  private static final Logger LOG = LoggerFactory.getLogger(JGroupsMembership.class);
  static final String CLUSTER = "ferrolb-speakers";
  private static final String NODE_KEY = "node";

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
    // may have got us excluded. Whether it did is then checked with heartbeats (checkForPause).
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
      JChannel ch = new JChannel(buildStack());
      ch.addAddressGenerator(
          () ->
              ExtendedUUID.randomUUID(settings.nodeName())
                  .put(NODE_KEY, settings.nodeName().getBytes(StandardCharsets.UTF_8)));
      ch.setName(settings.nodeName());
      ch.setDiscardOwnMessages(true);
      ch.setReceiver(
          new Receiver() {
            @Override
            public void viewAccepted(View view) {
              onView(view);
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
      for (Throwable t = e; t != null; t = t.getCause()) {
        // JGroups' UDP reports a taken port as a plain Exception naming the BindException
        if (t instanceof BindException
            || String.valueOf(t.getMessage()).contains(BindException.class.getName())) {
          throw new UncheckedIOException(
              "membership: cannot bind "
                  + settings.bindAddress().getHostAddress()
                  + ":"
                  + settings.port()
                  + " (expected: a free UDP and TCP port on the node IP)",
              new BindException(t.getMessage()));
        }
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("membership: cannot start", io);
      }
      throw new IllegalStateException("membership: cannot start: " + e.getMessage(), e);
    }
  }

  private List<Protocol> buildStack() throws Exception {
    UDP udp = new UDP();
    udp.setBindAddr(settings.bindAddress());
    udp.setBindPort(settings.port());
    udp.setPortRange(0); // fail instead of silently taking the next port: peers dial the seed port
    udp.ipMcast(false); // no IP multicast on most LANs; send one datagram per member
    // gossip is a few small packets per second; stay under Linux's default rmem_max/wmem_max
    // (212,992 bytes) so JGroups does not warn that the kernel capped a 5 MB default
    udp.setUcastRecvBufSize(128 * 1024);
    udp.setUcastSendBufSize(128 * 1024);

    TCPPING ping = new TCPPING();
    ping.setPortRange(0);

    MERGE3 merge = new MERGE3();
    merge.setMinInterval(settings.mergeMinInterval().toMillis());
    merge.setMaxInterval(settings.mergeMaxInterval().toMillis());

    FD_SOCK2 sock =
        new DeathReportingFdSock2(dead -> detector.reportedDead(dead, System.nanoTime()));
    sock.setOffset(0); // TCP on the transport's port number: MetalLB's footprint, 7946 TCP+UDP
    // bind to the node IP, not the wildcard: a wildcard server names itself 0.0.0.0:7946 to its
    // peers, identical on every node, so the ring's connections collide, fail after the 1 s
    // connect timeout and stall message delivery (measured: heartbeats arriving in bursts of 10)
    sock.setBindAddress(settings.bindAddress());
    sock.setValue("port_range", 0);

    FD_ALL3 all = new FD_ALL3();
    all.setInterval(settings.heartbeatInterval().toMillis());
    all.setTimeout(settings.suspectTimeout().toMillis());

    VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2();
    verify.setTimeout(settings.verifyTimeout().toMillis());

    NAKACK2 nakack = new NAKACK2();
    nakack.setXmitInterval(50); // retransmit lost view/merge messages quickly on a LAN (ms)

    UNICAST3 unicast = new UNICAST3();
    unicast.setXmitInterval(50);

    GMS gms = new GMS();
    gms.printLocalAddress(false);
    gms.setJoinTimeout(1000); // discovery on a LAN answers in ms; alone after 1 s, merge later
    gms.setMaxJoinAttempts(3);
    gms.setViewAckCollectionTimeout(500); // a frozen member must not delay the next view long
    gms.setLeaveTimeout(500);

    List<Protocol> stack = new ArrayList<>();
    stack.add(udp);
    stack.add(new AeadSymEncrypt(settings.key()));
    stack.add(new SERIALIZE());
    stack.add(heartbeats);
    stack.add(ping);
    stack.add(merge);
    stack.add(sock);
    stack.add(all);
    stack.add(verify);
    stack.add(nakack);
    stack.add(unicast);
    stack.add(new STABLE());
    stack.add(gms);
    stack.add(
        new FRAG2().setFragSize(30_000)); // well under the 65,507-byte UDP limit after sealing
    return stack;
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
      onView(view);
    }
  }

  private void onView(View newView) {
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
        names.add(nameOf(a));
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
        dead.stream().map(JGroupsMembership::nameOf).sorted().toList());
  }

  static String nameOf(Address a) {
    if (a instanceof ExtendedUUID u) {
      byte[] name = u.get(NODE_KEY);
      if (name != null) {
        return new String(name, StandardCharsets.UTF_8);
      }
    }
    String cached = NameCache.get(a);
    return cached != null ? cached : a.toString();
  }

  private void notify(Consumer<Set<String>> listener, Set<String> names) {
    try {
      listener.accept(names);
    } catch (RuntimeException e) {
      LOG.error("membership listener failed for alive={}", names, e);
    }
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
