package io.ferrolb.domain.ownership;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether this speaker may announce Layer 2 addresses at all, given what gossip membership
 * shows it and what Kubernetes says should be there. A pure function; no clock.
 *
 * <p><b>The problem.</b> Each speaker elects owners over the members it can hear. When the speakers
 * are split into groups that cannot hear each other, every group elects its own owner and several
 * nodes answer ARP for the same address (MetalLB's split brain; docs/l2-split-brain.md). Worse, a
 * speaker cut off from everything (its gossip port firewalled, a wrong key, a NIC that only lost
 * the speaker VLAN) elects <em>itself</em> for every address and keeps that claim for as long as
 * the cut lasts.
 *
 * <p><b>The rule ({@link Mode#QUORUM}, the default).</b> Let {@code expected} be the speakers
 * Kubernetes says should be running (nodes with a Ready speaker pod), {@code alive} the gossip
 * view, and {@code E = expected ∪ alive ∪ {self}}. This speaker may announce iff its view holds a
 * strict majority of {@code E}, or exactly half of {@code E} including the smallest node name of
 * {@code E} (the tie-breaker both halves compute identically). Otherwise it announces nothing until
 * the partition heals. The owner election then runs over the returned {@link
 * QuorumVerdict#candidates()}.
 *
 * <ul>
 *   <li>A single-node cluster ({@code E = {self}}) always announces.
 *   <li>A crashed speaker process makes its pod NotReady within seconds, so it leaves {@code
 *       expected} quickly; a crashed node leaves it when the Node goes NotReady (~40 s, kubelet's
 *       node-monitor-grace-period). Losing one speaker of three never stops the other two: they are
 *       2 of 3.
 *   <li>A speaker isolated from its peers (and possibly from the API server, so its {@code
 *       expected} is stale) is a minority of one: it withdraws immediately instead of holding a
 *       stale claim forever. It announces again as soon as the partition heals and the views merge.
 *   <li>A speaker that just started and has not found its peers yet is also a minority, so a
 *       restarting speaker never steals every address for the seconds before it joins.
 *   <li>Cost: when a majority of expected speakers dies at once with their nodes (e.g. 2 of 3 nodes
 *       power off), the survivor waits until Kubernetes marks those nodes NotReady. That is the
 *       same 40 s MetalLB needed before memberlist, and the price of never answering twice.
 * </ul>
 *
 * <p>{@link Mode#ANNOUNCE_ALWAYS} keeps MetalLB's behaviour (every speaker elects over whatever it
 * sees) for users who prefer duplicate answers over a pause.
 */
public final class SplitBrainPolicy {

  /** How a speaker in a partition behaves. */
  public enum Mode {
    /** Announce only from the majority side of a partition (default). */
    QUORUM,
    /** Announce from every side, as MetalLB does; split brain gives duplicate answers. */
    ANNOUNCE_ALWAYS
  }

  /** Why a {@link QuorumVerdict} was given; stable words for logs and events. */
  public enum Reason {
    /** The view holds more than half of the expected speakers. */
    MAJORITY,
    /** The view holds exactly half, including the tie-breaking smallest name. */
    HALF_WITH_TIE_BREAKER,
    /** The view holds exactly half, but the tie-breaker is on the other side. */
    HALF_WITHOUT_TIE_BREAKER,
    /** The view holds less than half of the expected speakers. */
    MINORITY,
    /** {@link Mode#ANNOUNCE_ALWAYS}: no quorum check. */
    QUORUM_NOT_REQUIRED
  }

  /**
   * The decision.
   *
   * @param mayAnnounce whether this speaker may announce anything
   * @param candidates the nodes to elect owners from (the view plus self) if {@code mayAnnounce},
   *     else empty
   * @param reason why
   * @param visible how many speakers of the quorum base this speaker sees (itself included)
   * @param quorumBase the size of {@code expected ∪ alive ∪ {self}}
   */
  public record QuorumVerdict(
      boolean mayAnnounce, Set<String> candidates, Reason reason, int visible, int quorumBase) {
    public QuorumVerdict {
      candidates = Set.copyOf(candidates);
      Objects.requireNonNull(reason, "reason");
      if (mayAnnounce == candidates.isEmpty()) {
        throw new IllegalArgumentException(
            "candidates: " + candidates + " (expected: non-empty iff mayAnnounce)");
      }
      if (visible < 1 || visible > quorumBase) {
        throw new IllegalArgumentException(
            "visible: " + visible + " (expected: 1.." + quorumBase + ")");
      }
    }

    /** True when this speaker sees fewer speakers than it expects (some are gone or cut off). */
    public boolean degraded() {
      return visible < quorumBase;
    }
  }

  private SplitBrainPolicy() {}

  /**
   * Decides whether {@code self} may announce.
   *
   * @param self this speaker's node name
   * @param alive the gossip view ({@code Membership.aliveNodes()}); {@code self} is added if absent
   * @param expected node names Kubernetes says run a Ready speaker; may be stale or empty
   * @param mode the configured behaviour
   */
  public static QuorumVerdict decide(
      String self, Set<String> alive, Set<String> expected, Mode mode) {
    Objects.requireNonNull(self, "self");
    Objects.requireNonNull(alive, "alive");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(mode, "mode");
    if (self.isEmpty()) {
      throw new IllegalArgumentException("self: \"\" (expected: a node name)");
    }
    Set<String> view = new HashSet<>(alive);
    view.add(self);
    TreeSet<String> base = new TreeSet<>(expected);
    base.addAll(view);
    int visible = view.size();
    int total = base.size();
    Reason reason;
    if (mode == Mode.ANNOUNCE_ALWAYS) {
      reason = Reason.QUORUM_NOT_REQUIRED;
    } else if (2 * visible > total) {
      reason = Reason.MAJORITY;
    } else if (2 * visible == total) {
      reason =
          view.contains(base.first())
              ? Reason.HALF_WITH_TIE_BREAKER
              : Reason.HALF_WITHOUT_TIE_BREAKER;
    } else {
      reason = Reason.MINORITY;
    }
    boolean may =
        switch (reason) {
          case MAJORITY, HALF_WITH_TIE_BREAKER, QUORUM_NOT_REQUIRED -> true;
          case HALF_WITHOUT_TIE_BREAKER, MINORITY -> false;
        };
    return new QuorumVerdict(may, may ? view : Set.of(), reason, visible, total);
  }
}
