package io.ferrolb.app.speaker;

import io.ferrolb.domain.announce.NodeState;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.Membership;
import io.ferrolb.ports.out.SpeakerView;
import io.ferrolb.ports.spi.MembershipProvider;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker's gossip membership, started by the loop's first pass that knows both the {@code
 * memberlist} Secret and this node's address: on a fresh install the controller creates the Secret
 * moments after the speakers start, and a Secret created later still turns gossip on, without a
 * restart. Until then (or with gossip off) there is no membership, and every Node counts as alive.
 * Only the loop thread calls {@link #update}.
 */
final class SpeakerMembership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpeakerMembership.class);

  private final String node;
  private final int port;
  private final Optional<MembershipProvider> provider;
  private final Clock clock;
  private final Instant patientUntil;
  private final String namespace;
  private volatile Optional<Membership> current;
  private Runnable onChange = () -> {};
  private boolean warned;

  private SpeakerMembership(
      String node,
      int port,
      Optional<MembershipProvider> provider,
      Optional<Membership> current,
      Clock clock,
      Duration patience,
      String namespace) {
    this.node = Objects.requireNonNull(node, "node");
    this.port = port;
    this.provider = provider;
    this.current = current;
    this.clock = clock;
    this.patientUntil = clock.instant().plus(patience);
    this.namespace = namespace;
  }

  /** Gossip off ({@code --ml-bind-port 0}, or no Layer 2): every Node counts as alive. */
  static SpeakerMembership off(String node) {
    return new SpeakerMembership(
        node, 0, Optional.empty(), Optional.empty(), Clock.systemUTC(), Duration.ZERO, "");
  }

  /** A membership made elsewhere (started, or started by the caller); tests and tools. */
  static SpeakerMembership of(Membership m, int port) {
    return new SpeakerMembership(
        m.localNode(),
        port,
        Optional.empty(),
        Optional.of(m),
        Clock.systemUTC(),
        Duration.ZERO,
        "");
  }

  /**
   * Gossip on {@code port}, made by {@code provider} once the key and the address are known.
   *
   * @param patience how long a missing Secret is normal (the controller is creating it); after
   *     that, one warning says gossip is off
   * @param namespace where the Secret belongs, for the warning's remedy
   */
  static SpeakerMembership whenKeyed(
      String node,
      int port,
      MembershipProvider provider,
      Clock clock,
      Duration patience,
      String namespace) {
    return new SpeakerMembership(
        node, port, Optional.of(provider), Optional.empty(), clock, patience, namespace);
  }

  /** The running membership, if any. */
  Optional<Membership> current() {
    return current;
  }

  /** Runs on every membership change from now on (also for a membership started later). */
  synchronized void onChange(Runnable r) {
    onChange = Objects.requireNonNull(r, "onChange");
    current.ifPresent(m -> m.addListener(alive -> r.run()));
  }

  /**
   * One pass's look at gossip: starts it when it can, and gives the running membership the gossip
   * addresses of every other node (seeds).
   */
  void update(SpeakerView view, Collection<NodeState> nodes, Optional<IpAddress> address) {
    if (current.isEmpty() && provider.isPresent()) {
      startWhenKeyed(view, nodes, address);
    }
    current.ifPresent(m -> m.setSeeds(seeds(view, nodes, node, port)));
  }

  private void startWhenKeyed(
      SpeakerView view, Collection<NodeState> nodes, Optional<IpAddress> address) {
    Optional<byte[]> key = view.memberlistKey();
    if (key.isEmpty() || address.isEmpty()) {
      if (!warned && !clock.instant().isBefore(patientUntil)) {
        warned = true;
        LOG.warn(
            "event=membershipDisabled {}; every Node counts as alive, so a dead node is only"
                + " noticed through Kubernetes. Gossip starts as soon as it is there. Create it"
                + " with: kubectl create secret generic -n {} memberlist"
                + " --from-literal=secretkey=\"$(openssl rand -base64 128)\"",
            key.isEmpty()
                ? "the memberlist Secret (key secretkey) is missing"
                : "this node's address is unknown (set --host-ip)",
            namespace);
      }
      return;
    }
    Membership m;
    try {
      m = provider.get().create(node, address.get(), port, key.get());
    } catch (IllegalArgumentException e) {
      if (!warned) {
        warned = true;
        LOG.warn(
            "event=membershipDisabled the memberlist Secret cannot be used: {}", e.getMessage());
      }
      return;
    }
    // seeds before the first connect: a (re)starting speaker then joins the existing group
    // instead of forming a group of one that has to be merged later
    m.setSeeds(seeds(view, nodes, node, port));
    m.start();
    synchronized (this) {
      Runnable r = onChange;
      m.addListener(alive -> r.run());
      current = Optional.of(m);
    }
    if (warned) {
      LOG.info("event=membershipEnabled gossip on port {} now that the Secret is there", port);
    }
  }

  /** The gossip addresses of every other node the view knows an address of. */
  static Set<InetSocketAddress> seeds(
      SpeakerView view, Collection<NodeState> nodes, String self, int port) {
    Set<InetSocketAddress> seeds = new HashSet<>();
    for (NodeState n : nodes) {
      if (!n.name().equals(self)) {
        view.nodeAddress(n.name()).ifPresent(a -> seeds.add(new InetSocketAddress(a, port)));
      }
    }
    return seeds;
  }

  @Override
  public void close() {
    current.ifPresent(Membership::close);
  }
}
