package io.ferrolb.adapters.bgp.rib;

import io.ferrolb.adapters.bgp.codec.Community;
import io.ferrolb.adapters.bgp.codec.LargeCommunity;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The attributes one prefix was (or is to be) sent with, next hops resolved; prefixes with equal
 * routes share an UPDATE. Communities are sorted, so equal sets give equal routes.
 *
 * @param localPref sent on iBGP sessions only (RFC 4271 §5.1.5); empty there means 100
 * @param linkLocal the IPv6 link-local next hop sent beside the global one (RFC 2545 §3)
 */
public record Route(
    IpFamily family,
    List<Community> communities,
    List<LargeCommunity> largeCommunities,
    Optional<Long> localPref,
    IpAddress nextHop,
    Optional<IpAddress> linkLocal) {
  public Route {
    Objects.requireNonNull(family, "family");
    communities = List.copyOf(communities);
    largeCommunities = List.copyOf(largeCommunities);
    Objects.requireNonNull(localPref, "localPref");
    Objects.requireNonNull(nextHop, "nextHop");
    Objects.requireNonNull(linkLocal, "linkLocal");
  }
}
