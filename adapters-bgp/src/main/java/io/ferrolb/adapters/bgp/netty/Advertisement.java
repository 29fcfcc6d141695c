package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.codec.Community;
import io.ferrolb.adapters.bgp.codec.LargeCommunity;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One route to announce.
 *
 * @param localPref sent on iBGP sessions only (RFC 4271 §5.1.5); iBGP default 100
 * @param nextHop empty means the session's local address (or the config's next hop for the other
 *     family)
 */
public record Advertisement(
    Cidr prefix,
    Set<Community> communities,
    Set<LargeCommunity> largeCommunities,
    Optional<Long> localPref,
    Optional<IpAddress> nextHop) {
  public Advertisement {
    Objects.requireNonNull(prefix, "prefix");
    communities = Set.copyOf(communities);
    largeCommunities = Set.copyOf(largeCommunities);
    Objects.requireNonNull(localPref, "localPref");
    Objects.requireNonNull(nextHop, "nextHop");
    localPref.ifPresent(
        lp -> {
          if (lp < 0 || lp > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(
                "localPref of " + prefix + ": " + lp + " (expected: 0..4294967295)");
          }
        });
    nextHop.ifPresent(
        nh -> {
          if (nh.family() != prefix.family()) {
            throw new IllegalArgumentException(
                "nextHop of " + prefix + ": " + nh + " (expected: same family as the prefix)");
          }
        });
  }

  /** A plain announcement: no communities, default local-pref, session next hop. */
  public static Advertisement of(Cidr prefix) {
    return new Advertisement(prefix, Set.of(), Set.of(), Optional.empty(), Optional.empty());
  }

  public Advertisement withCommunities(Set<Community> c) {
    return new Advertisement(prefix, c, largeCommunities, localPref, nextHop);
  }

  public Advertisement withLargeCommunities(Set<LargeCommunity> c) {
    return new Advertisement(prefix, communities, c, localPref, nextHop);
  }

  public Advertisement withLocalPref(long lp) {
    return new Advertisement(prefix, communities, largeCommunities, Optional.of(lp), nextHop);
  }

  public Advertisement withNextHop(IpAddress nh) {
    return new Advertisement(prefix, communities, largeCommunities, localPref, Optional.of(nh));
  }

  /**
   * Advertisements of one prefix merged: communities united; local preferences and next hops must
   * agree.
   *
   * @throws IllegalArgumentException for conflicting local preferences or next hops of one prefix
   */
  static Map<Cidr, Advertisement> merge(Set<Advertisement> advertisements) {
    Map<Cidr, Advertisement> out = new HashMap<>();
    for (Advertisement a : advertisements) {
      Advertisement prev = out.get(a.prefix());
      if (prev == null) {
        out.put(a.prefix(), a);
        continue;
      }
      if (prev.localPref().isPresent()
          && a.localPref().isPresent()
          && !prev.localPref().equals(a.localPref())) {
        throw new IllegalArgumentException(
            "advertisements of "
                + a.prefix()
                + ": local preferences "
                + prev.localPref().get()
                + " and "
                + a.localPref().get()
                + " conflict (expected: one value per prefix)");
      }
      if (prev.nextHop().isPresent()
          && a.nextHop().isPresent()
          && !prev.nextHop().equals(a.nextHop())) {
        throw new IllegalArgumentException(
            "advertisements of " + a.prefix() + ": next hops conflict (expected: one)");
      }
      Set<Community> cs = new java.util.HashSet<>(prev.communities());
      cs.addAll(a.communities());
      Set<LargeCommunity> ls = new java.util.HashSet<>(prev.largeCommunities());
      ls.addAll(a.largeCommunities());
      out.put(
          a.prefix(),
          new Advertisement(
              a.prefix(),
              cs,
              ls,
              prev.localPref().or(a::localPref),
              prev.nextHop().or(a::nextHop)));
    }
    return out;
  }
}
