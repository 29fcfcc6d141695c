package io.ferrolb.ports.out;

import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of what an announcer reports about itself ({@link Announcer#status()}), in
 * protocol-neutral terms: counters per announced address (Layer 2: ARP/NDP), routing sessions to
 * peers (BGP) and liveness sessions to peers (BFD). An announcer fills what applies to it and
 * leaves the rest empty. The host exports them under MetalLB's metric names.
 *
 * @since 0.2
 */
public record AnnouncerStatus(List<Address> addresses, List<Peer> peers, List<Liveness> liveness) {

  public AnnouncerStatus {
    addresses = List.copyOf(addresses);
    peers = List.copyOf(peers);
    liveness = List.copyOf(liveness);
  }

  /** Address counters only. */
  public static AnnouncerStatus ofAddresses(List<Address> addresses) {
    return new AnnouncerStatus(addresses, List.of(), List.of());
  }

  /**
   * Counters of one announced address.
   *
   * @param requestsReceived requests for the address this node was going to answer (ARP requests,
   *     neighbor solicitations)
   * @param responsesSent answers actually sent
   * @param unsolicitedSent announcements sent unasked (gratuitous ARP, unsolicited NA)
   */
  public record Address(
      IpAddress address, long requestsReceived, long responsesSent, long unsolicitedSent) {
    public Address {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * One routing session.
   *
   * @param name the peer's configured name
   * @param endpoint the peer as {@code address:port} (MetalLB's {@code peer} label)
   * @param up true when the session is established
   * @param updatesSent route updates sent on the session
   * @param updatesReceived route updates received (and ignored)
   * @param announcedPrefixes prefixes announced to the peer now
   * @param pendingPrefixes prefixes that should be announced to it, whether or not it is up
   */
  public record Peer(
      String name,
      String endpoint,
      boolean up,
      long updatesSent,
      long updatesReceived,
      int announcedPrefixes,
      int pendingPrefixes) {
    public Peer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(endpoint, "endpoint");
    }
  }

  /**
   * One liveness session (BFD, RFC 5880), which may serve several routing sessions to one address.
   *
   * @param peer the peer's address
   * @param up true when the session is up
   */
  public record Liveness(
      String peer,
      boolean up,
      long controlPacketsReceived,
      long controlPacketsSent,
      long upEvents,
      long downEvents) {
    public Liveness {
      Objects.requireNonNull(peer, "peer");
    }
  }
}
