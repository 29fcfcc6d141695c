package io.ferrolb.adapters.bgp.fsm;

import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.domain.pool.IpAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/** What both OPENs agreed on (RFC 4271 §4.2 hold time; RFC 5492 capabilities). */
public record Negotiated(
    long peerAsn,
    IpAddress peerRouterId,
    Duration holdTime,
    Duration keepalive,
    boolean fourOctetAs,
    Set<AddressFamily> families,
    boolean routeRefresh,
    boolean gracefulRestart) {
  public Negotiated {
    Objects.requireNonNull(peerRouterId, "peerRouterId");
    Objects.requireNonNull(holdTime, "holdTime");
    Objects.requireNonNull(keepalive, "keepalive");
    families = Set.copyOf(families);
  }
}
