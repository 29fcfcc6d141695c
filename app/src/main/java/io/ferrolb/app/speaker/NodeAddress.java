package io.ferrolb.app.speaker;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.SpeakerView;
import java.util.Objects;
import java.util.Optional;

/**
 * This node's address: {@code --host-ip} when given, else the Node's InternalIP once the view knows
 * it. The announcers' contexts and the gossip membership read it; each pass refreshes it, since the
 * announcers are created before the caches have synced.
 */
final class NodeAddress {
  private final String node;
  private final Optional<IpAddress> configured;
  private volatile Optional<IpAddress> current;

  /**
   * @param configured {@code --host-ip} (or MetalLB's bind-address flags); empty to learn it from
   *     the Node object
   */
  NodeAddress(String node, Optional<String> configured) {
    this.node = Objects.requireNonNull(node, "node");
    this.configured = configured.flatMap(IpAddress::tryParse);
    this.current = this.configured;
  }

  /** The address as last known; empty before the view has the Node (and no flag gave one). */
  Optional<IpAddress> get() {
    return current;
  }

  /** Learns the Node's address from {@code view} unless a flag fixed it; returns the result. */
  Optional<IpAddress> refresh(SpeakerView view) {
    if (configured.isEmpty()) {
      current = view.nodeAddress(node).flatMap(IpAddress::tryParse);
    }
    return current;
  }
}
