package io.ferrolb.ports.out;

import io.ferrolb.domain.allocation.ServiceKey;
import java.util.Map;
import java.util.Set;

/**
 * Publishes what one node announces: MetalLB's {@code ServiceL2Status} and {@code ServiceBGPStatus}
 * objects. Declarative: each call carries the node's complete set, and the implementation creates,
 * updates and deletes objects to match.
 *
 * @since 0.1
 */
public interface AnnouncementStatusWriter {

  /** Services this node answers ARP/NDP for, with the interfaces used (empty = all). */
  void layer2(String node, Map<ServiceKey, Set<String>> interfacesByService);

  /** Services this node advertises over BGP, with the peers (BGPPeer names) they go to. */
  void bgp(String node, Map<ServiceKey, Set<String>> peersByService);
}
