package io.ferrolb.domain.announce;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.pool.IpAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The Layer 2 decisions of one speaker: the addresses this node must answer ARP/NDP for, and for
 * every service with an address, who announces it or why nobody does.
 */
public record L2Plan(Map<IpAddress, Claim> claims, Map<ServiceKey, Decision> decisions) {

  public L2Plan {
    claims = Map.copyOf(claims);
    decisions = Map.copyOf(decisions);
  }

  /** Services that hold an address but that no node announces (for alerting). */
  public long unannouncedServices() {
    return decisions.values().stream()
        .filter(d -> d instanceof NotAnnounced n && n.nobodyAnnounces())
        .count();
  }

  /**
   * An address this node owns.
   *
   * @param interfaces the interfaces to answer on; empty means every eligible interface
   */
  public record Claim(IpAddress address, Set<ServiceKey> services, Set<String> interfaces) {
    public Claim {
      Objects.requireNonNull(address, "address");
      services = Set.copyOf(services);
      interfaces = Set.copyOf(interfaces);
    }
  }

  /** The outcome for one service. */
  public sealed interface Decision permits Announced, NotAnnounced {}

  /** The service's addresses are announced by {@code node} (maybe this node, maybe another). */
  public record Announced(String node, Set<String> interfaces) implements Decision {
    public Announced {
      Objects.requireNonNull(node, "node");
      interfaces = Set.copyOf(interfaces);
    }
  }

  /** Not announced by this node, with the reason and a human-readable detail. */
  public record NotAnnounced(NotAnnouncedReason reason, String detail) implements Decision {
    public NotAnnounced {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    /** True when no node at all announces the service (as opposed to another node owning it). */
    public boolean nobodyAnnounces() {
      return reason != NotAnnouncedReason.NOT_OWNER && reason != NotAnnouncedReason.NO_ADDRESS;
    }
  }
}
