package io.ferrolb.adapters.l2;

import io.ferrolb.adapters.l2.arp.ArpCodec;
import io.ferrolb.adapters.l2.iface.SelectedInterface;
import io.ferrolb.adapters.l2.ndp.NdpCodec;
import io.ferrolb.domain.pool.IpAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers ARP and NDP for the addresses this node owns, on the selected interfaces, and announces
 * newly gained addresses with gratuitous ARP / unsolicited NA.
 *
 * <p>Lifecycle: construct (no threads), {@link #start()}, then any number of {@link #setInterfaces}
 * and {@link #setOwned} calls in any order, then {@link #close()}. Both setters take the full
 * desired state and diff it against the current one, so repeating a call is harmless. Thread-safe.
 *
 * <p>Threads: one receive thread per interface ({@code ferrolb-l2-<if>}) and one scheduler thread
 * for gratuitous rounds ({@code ferrolb-l2-gratuitous}).
 */
public final class L2Responder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(L2Responder.class);

  private final L2ResponderConfig config;
  private final L2ChannelFactory channels;
  private final Map<String, InterfaceResponder> responders = new LinkedHashMap<>();
  private final Map<IpAddress, List<ScheduledFuture<?>>> bursts = new HashMap<>();
  private final ConcurrentHashMap<IpAddress, AddressCounters> counters = new ConcurrentHashMap<>();
  private final Map<DropReason, AtomicLong> drops = new EnumMap<>(DropReason.class);
  private volatile OwnedAddresses owned = OwnedAddresses.NONE;
  private ScheduledExecutorService scheduler;
  private boolean closed;

  public L2Responder(L2ResponderConfig config, L2ChannelFactory channels) {
    this.config = Objects.requireNonNull(config, "config");
    this.channels = Objects.requireNonNull(channels, "channels");
    for (DropReason r : DropReason.values()) {
      drops.put(r, new AtomicLong());
    }
  }

  /** A responder on real interfaces through libpcap (needs root or CAP_NET_RAW). */
  public static L2Responder withPcap(L2ResponderConfig config) {
    return new L2Responder(config, PcapL2Channel::open);
  }

  /** Warms the decision path up and starts the gratuitous scheduler. Call once. */
  public synchronized void start() {
    if (scheduler != null || closed) {
      throw new IllegalStateException("L2Responder: start() called twice or after close()");
    }
    if (config.warmUpRounds() > 0) {
      long t0 = System.nanoTime();
      long n = PacketProcessor.warmUp(config.warmUpRounds());
      LOG.debug("warmUp replies={} took={}ms", n, (System.nanoTime() - t0) / 1_000_000);
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ferrolb-l2-gratuitous");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Sets the full set of interfaces to answer on: starts a responder for each new one, stops those
   * no longer listed, restarts one whose MAC or capabilities changed.
   *
   * @return the names of interfaces that could not be opened (raise {@code announceFailed})
   */
  public synchronized Set<String> setInterfaces(Collection<SelectedInterface> selected) {
    requireStarted();
    Map<String, SelectedInterface> want = new LinkedHashMap<>();
    for (SelectedInterface s : selected) {
      want.put(s.name(), s);
    }
    for (var it = responders.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      SelectedInterface now = want.get(e.getKey());
      if (!e.getValue().iface().equals(now)) {
        e.getValue().stop();
        it.remove();
      }
    }
    Set<String> failed = new TreeSet<>();
    List<String> added = new ArrayList<>();
    for (SelectedInterface s : want.values()) {
      if (responders.containsKey(s.name())) {
        continue;
      }
      try {
        L2Channel ch = channels.open(s);
        InterfaceResponder r =
            new InterfaceResponder(s, ch, () -> owned, stats(), config.realtimePriority());
        responders.put(s.name(), r);
        r.start();
        added.add(s.name());
      } catch (IOException | RuntimeException e) {
        LOG.warn("interfaceOpenFailed interface={}: {}", s.name(), e.toString());
        failed.add(s.name());
      }
    }
    updateGroups();
    // a new (or re-addressed) interface announces the addresses already owned on it
    for (String name : added) {
      for (IpAddress ip : owned.byAddress().keySet()) {
        if (owned.allowedOn(ip, name)) {
          scheduleBurst(ip, Optional.of(name));
        }
      }
    }
    return failed;
  }

  /**
   * Sets the full set of owned addresses, each with the interfaces it may be answered on (empty
   * set: every interface). Lost addresses are no longer answered from the next frame on; gained
   * addresses get the gratuitous burst.
   */
  public synchronized void setOwned(Map<IpAddress, Set<String>> desired) {
    requireStarted();
    OwnedAddresses next = new OwnedAddresses(desired);
    OwnedAddresses prev = owned;
    owned = next; // lost addresses stop being answered here
    for (IpAddress ip : prev.byAddress().keySet()) {
      if (!next.byAddress().containsKey(ip)) {
        List<ScheduledFuture<?>> f = bursts.remove(ip);
        if (f != null) {
          f.forEach(x -> x.cancel(false));
        }
        LOG.info("ipReleased ip={}", ip);
      }
    }
    updateGroups();
    for (IpAddress ip : next.byAddress().keySet()) {
      if (!prev.byAddress().containsKey(ip)) {
        LOG.info("ipOwned ip={} interfaces={}", ip, next.byAddress().get(ip));
        scheduleBurst(ip, Optional.empty());
      }
    }
  }

  /**
   * Rounds at 0, interval, 2 x interval, ... as one-shot tasks, on every interface or only {@code
   * onlyOn}; all of an address's rounds are cancelled together on release. The last round forgets
   * the burst: an address owned for good keeps no finished tasks (at 10,000 owned addresses, their
   * 50,000 finished rounds held 6 MB of the speaker's 64 MB heap, bench/footprint).
   */
  private void scheduleBurst(IpAddress ip, Optional<String> onlyOn) {
    long rounds = config.gratuitousRounds();
    long interval = config.gratuitousInterval().toNanos();
    List<ScheduledFuture<?>> futures = bursts.computeIfAbsent(ip, k -> new ArrayList<>());
    futures.removeIf(ScheduledFuture::isDone);
    for (long k = 0; k < rounds; k++) {
      if (k < rounds - 1) {
        futures.add(
            scheduler.schedule(
                () -> sendGratuitous(ip, onlyOn), k * interval, TimeUnit.NANOSECONDS));
        continue;
      }
      // the last round removes its own future: under this monitor, which the caller holds until
      // the future is stored, so the task cannot look for it before it is there
      AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
      self.set(
          scheduler.schedule(
              () -> {
                sendGratuitous(ip, onlyOn);
                burstDone(ip, self.get());
              },
              k * interval,
              TimeUnit.NANOSECONDS));
      futures.add(self.get());
    }
  }

  private synchronized void burstDone(IpAddress ip, ScheduledFuture<?> last) {
    List<ScheduledFuture<?>> futures = bursts.get(ip);
    if (futures == null) {
      return; // released meanwhile
    }
    futures.remove(last);
    futures.removeIf(ScheduledFuture::isDone);
    if (futures.isEmpty()) {
      bursts.remove(ip);
    }
  }

  /** Addresses with gratuitous rounds still to send (for tests). */
  synchronized int burstsPending() {
    return bursts.size();
  }

  private void sendGratuitous(IpAddress ip, Optional<String> onlyOn) {
    List<InterfaceResponder> snapshot;
    synchronized (this) {
      snapshot = List.copyOf(responders.values());
    }
    OwnedAddresses now = owned;
    if (!now.byAddress().containsKey(ip)) {
      return; // released after this round was scheduled
    }
    AddressCounters c = countersFor(ip);
    for (InterfaceResponder r : snapshot) {
      SelectedInterface s = r.iface();
      if (!now.allowedOn(ip, s.name()) || (onlyOn.isPresent() && !onlyOn.get().equals(s.name()))) {
        continue;
      }
      try {
        if (ip.isV4() && s.arp()) {
          r.channel().send(ArpCodec.encode(ArpCodec.gratuitousRequest(ip, s.mac())));
          c.gratuitousSent.incrementAndGet();
          r.channel().send(ArpCodec.encode(ArpCodec.gratuitousReply(ip, s.mac())));
          c.gratuitousSent.incrementAndGet();
        } else if (ip.isV6() && s.ndp()) {
          r.channel().send(NdpCodec.encode(NdpCodec.unsolicited(ip, s.mac())));
          c.gratuitousSent.incrementAndGet();
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("gratuitousFailed interface={} ip={}: {}", s.name(), ip, e.toString());
      }
    }
  }

  /** Joins each interface to the solicited-node groups of the IPv6 addresses allowed on it. */
  private void updateGroups() {
    OwnedAddresses now = owned;
    for (InterfaceResponder r : responders.values()) {
      if (!r.iface().ndp()) {
        continue;
      }
      Set<IpAddress> groups = new HashSet<>();
      for (IpAddress ip : now.byAddress().keySet()) {
        if (ip.isV6() && now.allowedOn(ip, r.iface().name())) {
          groups.add(NdpCodec.solicitedNodeMulticast(ip));
        }
      }
      try {
        r.channel().setMulticastGroups(groups);
      } catch (RuntimeException e) {
        LOG.warn("multicastJoinFailed interface={}: {}", r.iface().name(), e.toString());
      }
    }
  }

  /** Counters of one address, empty if it was never owned nor answered. */
  public Optional<AddressCounters> counters(IpAddress ip) {
    return Optional.ofNullable(counters.get(ip));
  }

  /** Counters of every address seen so far (kept after release: counters are monotonic). */
  public Map<IpAddress, AddressCounters> counters() {
    return Map.copyOf(counters);
  }

  /** Frames not answered, by reason, over all interfaces. */
  public Map<DropReason, Long> drops() {
    Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
    drops.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  /** The interfaces a responder runs on now. */
  public synchronized Set<String> interfaces() {
    return Set.copyOf(responders.keySet());
  }

  /** The owned-address snapshot the responders use now. */
  public OwnedAddresses owned() {
    return owned;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    owned = OwnedAddresses.NONE;
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    bursts.values().forEach(l -> l.forEach(f -> f.cancel(false)));
    bursts.clear();
    responders.values().forEach(InterfaceResponder::stop);
    responders.clear();
  }

  private AddressCounters countersFor(IpAddress ip) {
    return counters.computeIfAbsent(ip, k -> new AddressCounters());
  }

  private InterfaceResponder.Stats stats() {
    return new InterfaceResponder.Stats() {
      @Override
      public AddressCounters counters(IpAddress ip) {
        return countersFor(ip);
      }

      @Override
      public void dropped(DropReason reason) {
        drops.get(reason).incrementAndGet();
      }
    };
  }

  private void requireStarted() {
    if (scheduler == null || closed) {
      throw new IllegalStateException("L2Responder: not started (call start()) or closed");
    }
  }
}
