package io.ferrolb.domain.announce;

import io.ferrolb.domain.config.BgpCommunity;
import io.ferrolb.domain.pool.Cidr;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * One prefix to announce to one peer, with its path attributes. LOCAL_PREF is present only towards
 * iBGP peers (RFC 4271 §5.1.5: it is not sent to external peers).
 */
public record BgpRoute(Cidr prefix, Set<BgpCommunity> communities, OptionalLong localPref) {
  public BgpRoute {
    Objects.requireNonNull(prefix, "prefix");
    communities = Set.copyOf(communities);
    Objects.requireNonNull(localPref, "localPref");
  }
}
