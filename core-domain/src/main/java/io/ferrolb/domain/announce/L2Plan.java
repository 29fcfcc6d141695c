package io.ferrolb.domain.announce;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.pool.IpAddress;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Layer 2 decisions of one speaker: the addresses this node must announce, split by the
 * announcer that carries them, and for every service with an address, who announces it or why
 * nobody does.
 *
 * @param claims every address this node owns, whatever announcer carries it (services and
 *     interfaces merged across announcers)
 * @param claimsByAnnouncer the same claims split by announcer name; an announcer with nothing to
 *     announce has no key
 */
public record L2Plan(
    Map<IpAddress, Claim> claims,
    Map<String, Map<IpAddress, Claim>> claimsByAnnouncer,
    Map<ServiceKey, L2Outcome> decisions) {

  /** The announcer of advertisements that name none, unless the speaker says otherwise. */
  public static final String DEFAULT_ANNOUNCER = "layer2";

  public L2Plan {
    claims = Map.copyOf(claims);
    Map<String, Map<IpAddress, Claim>> copy = new TreeMap<>();
    claimsByAnnouncer.forEach(
        (name, c) -> {
          if (!c.isEmpty()) {
            copy.put(name, Map.copyOf(c));
          }
        });
    claimsByAnnouncer = Collections.unmodifiableMap(copy);
    decisions = Map.copyOf(decisions);
  }

  /** The claims {@code announcer} must announce on this node; empty when it has none. */
  public Map<IpAddress, Claim> claimsFor(String announcer) {
    return claimsByAnnouncer.getOrDefault(announcer, Map.of());
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

  /** Which node announces one service over Layer 2, or why no node does. */
  public sealed interface L2Outcome permits Announced, NotAnnounced {}

  /**
   * The service's addresses are announced by {@code node} (maybe this node, maybe another).
   *
   * @param interfaces the interfaces over all its announcers; empty means every eligible one
   * @param announcers each announcer that carries the service on that node, with its interfaces
   *     (empty = every eligible one): those named by the advertisements that select the node
   */
  public record Announced(String node, Set<String> interfaces, Map<String, Set<String>> announcers)
      implements L2Outcome {
    public Announced {
      Objects.requireNonNull(node, "node");
      interfaces = Set.copyOf(interfaces);
      Map<String, Set<String>> copy = new TreeMap<>();
      announcers.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
      announcers = Collections.unmodifiableMap(copy);
    }
  }

  /** Not announced by this node, with the reason and a human-readable detail. */
  public record NotAnnounced(NotAnnouncedReason reason, String detail) implements L2Outcome {
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
