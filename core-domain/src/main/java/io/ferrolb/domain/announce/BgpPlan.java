package io.ferrolb.domain.announce;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.config.BfdProfile;
import io.ferrolb.domain.config.BgpPeer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The BGP decisions of one speaker: the sessions it keeps (peers selected for this node), the
 * routes for each of them, and per service the peers it is advertised to or why it is not.
 */
public record BgpPlan(
    List<BgpPeer> peers,
    List<BfdProfile> bfdProfiles,
    Map<String, Set<BgpRoute>> routesByPeer,
    Map<ServiceKey, BgpOutcome> decisions) {

  public BgpPlan {
    peers = List.copyOf(peers);
    bfdProfiles = List.copyOf(bfdProfiles);
    routesByPeer = Map.copyOf(routesByPeer);
    decisions = Map.copyOf(decisions);
  }

  /** Routes for the peer named {@code peer}; empty when none. */
  public Set<BgpRoute> routesFor(String peer) {
    return routesByPeer.getOrDefault(peer, Set.of());
  }

  /** Whether this node advertises one service over BGP, and to which peers, or why not. */
  public sealed interface BgpOutcome permits Advertised, NotAdvertised {}

  /**
   * Advertised from this node to these peers (by name).
   *
   * @param warnings problems that did not stop the advertisement, one line each: bad {@link
   *     ServiceBgpAttributes} annotations, which were ignored
   */
  public record Advertised(Set<String> peers, List<String> warnings) implements BgpOutcome {
    public Advertised {
      peers = Set.copyOf(peers);
      warnings = List.copyOf(warnings);
    }

    /** Advertised without warnings. */
    public Advertised(Set<String> peers) {
      this(peers, List.of());
    }
  }

  public record NotAdvertised(NotAnnouncedReason reason, String detail) implements BgpOutcome {
    public NotAdvertised {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
