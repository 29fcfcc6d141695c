package io.ferrolb.adapters.l2.ndp;

import io.ferrolb.adapters.l2.MacAddress;
import io.ferrolb.domain.pool.IpAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * An ICMPv6 Neighbor Advertisement (RFC 4861 §4.4) to send, with its Ethernet and IPv6 addressing.
 * Flags: R (router), S (solicited), O (override).
 */
public record NeighborAdvertisement(
    MacAddress ethernetDestination,
    MacAddress ethernetSource,
    IpAddress source,
    IpAddress destination,
    boolean router,
    boolean solicited,
    boolean override,
    IpAddress target,
    Optional<MacAddress> targetLinkLayer) {

  public NeighborAdvertisement {
    Objects.requireNonNull(ethernetDestination, "ethernetDestination");
    Objects.requireNonNull(ethernetSource, "ethernetSource");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(targetLinkLayer, "targetLinkLayer");
    if (!source.isV6() || !destination.isV6() || !target.isV6()) {
      throw new IllegalArgumentException(
          "NA addresses: " + source + ", " + destination + ", " + target + " (expected: IPv6)");
    }
  }
}
