package io.ferrolb.ports.out;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Live membership of the speakers: which nodes run a speaker that this speaker can hear right now.
 *
 * <p>This is the fast signal for dead-speaker detection in Layer 2 mode (MetalLB uses hashicorp
 * memberlist for the same job). Kubernetes Node readiness is the slow second signal; the domain
 * combines both (see {@code io.ferrolb.domain.ownership.SplitBrainPolicy}).
 *
 * <p>Members are identified by their Kubernetes node name. The local node is always part of its own
 * view: a speaker that hears nobody sees exactly itself.
 *
 * <p>Lifecycle: construct, optionally {@link #setSeeds} and {@link #addListener}, {@link #start},
 * feed {@link #setSeeds} whenever speaker pods or nodes change, then {@link #close}. Every method
 * is thread-safe.
 *
 * @since 0.1
 */
public interface Membership extends AutoCloseable {

  /**
   * The name of the local member (the node this speaker runs on).
   *
   * @since 0.1
   */
  String localNode();

  /**
   * Joins the cluster: binds the gossip sockets and contacts the seeds known so far. Returns once
   * the local member has a view (either it joined an existing cluster or it formed its own); peers
   * that are found later merge in. Calling it twice is a bug.
   *
   * @throws IllegalStateException if already started or closed
   * @throws java.io.UncheckedIOException if the gossip sockets cannot be bound
   * @since 0.1
   */
  void start();

  /**
   * Replaces the set of addresses where other speakers may listen (the app derives it from
   * Kubernetes: the node IPs of the other speaker pods, with the gossip port). Call it on start and
   * every time speaker pods or nodes change; the full current set each time, not a delta. Addresses
   * must be resolved (IP literals). The local address may be included; it is ignored.
   *
   * <p>Seeds are only used to <em>find</em> members: removing a seed never removes a live member
   * from the view, and a member is only dropped when failure detection says it is dead.
   *
   * @since 0.1
   */
  void setSeeds(Set<InetSocketAddress> seeds);

  /**
   * Node names of the members in the current view, including {@link #localNode()}. Before {@link
   * #start()} and after {@link #close()} this is just the local node.
   *
   * @since 0.1
   */
  Set<String> aliveNodes();

  /**
   * Gossip frames dropped since {@link #start()}, by reason (for the speaker's metrics): frames
   * sent without the key, with another key, forged, replayed or truncated. Names are the
   * implementation's; empty when it counts none.
   *
   * @since 0.2
   */
  default Map<String, Long> droppedFrames() {
    return Map.of();
  }

  /**
   * Registers a listener that receives the new {@link #aliveNodes()} set (immutable) every time it
   * changes. The listener is called once right away with the current set, then on every change, in
   * order, from a single notification thread; it must not block. A listener that throws is logged
   * and keeps receiving later changes.
   *
   * @since 0.1
   */
  void addListener(Consumer<Set<String>> listener);

  /**
   * Leaves the cluster gracefully (peers drop this member at once, without waiting for failure
   * detection) and releases the sockets. Idempotent.
   *
   * @since 0.1
   */
  @Override
  void close();
}
