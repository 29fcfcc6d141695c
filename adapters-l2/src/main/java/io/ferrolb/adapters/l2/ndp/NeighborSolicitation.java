package io.ferrolb.adapters.l2.ndp;

import io.ferrolb.adapters.l2.MacAddress;
import io.ferrolb.domain.pool.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded and validated ICMPv6 Neighbor Solicitation (RFC 4861 §4.3) with the Ethernet and IPv6
 * addresses it came with. {@code sourceLinkLayer} is the Source Link-Layer Address option, absent
 * in unicast reachability probes (NUD) and in DAD probes.
 */
public record NeighborSolicitation(
    MacAddress ethernetDestination,
    MacAddress ethernetSource,
    IpAddress source,
    IpAddress destination,
    int hopLimit,
    IpAddress target,
    Optional<MacAddress> sourceLinkLayer) {

  public NeighborSolicitation {
    Objects.requireNonNull(ethernetDestination, "ethernetDestination");
    Objects.requireNonNull(ethernetSource, "ethernetSource");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(sourceLinkLayer, "sourceLinkLayer");
    if (!source.isV6() || !destination.isV6() || !target.isV6()) {
      throw new IllegalArgumentException(
          "NS addresses: " + source + ", " + destination + ", " + target + " (expected: IPv6)");
    }
  }

  /** True for Duplicate Address Detection probes: source is :: (RFC 4862 §5.4.2). */
  public boolean isDad() {
    return source.hi() == 0 && source.lo() == 0;
  }
}
