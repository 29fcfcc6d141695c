package io.ferrolb.adapters.l2;

import io.ferrolb.domain.pool.IpAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable snapshot of the addresses this node answers for, each with the interfaces it may be
 * answered on. An empty interface set means "every selected interface" (an L2Advertisement without
 * {@code interfaces}).
 */
public record OwnedAddresses(Map<IpAddress, Set<String>> byAddress) {

  public static final OwnedAddresses NONE = new OwnedAddresses(Map.of());

  /** Result of looking an address up for a receiving interface. */
  public enum Ownership {
    ALLOWED,
    NOT_OWNED,
    OTHER_INTERFACE
  }

  public OwnedAddresses {
    Objects.requireNonNull(byAddress, "byAddress");
    Map<IpAddress, Set<String>> copy = new HashMap<>();
    byAddress.forEach(
        (ip, ifs) ->
            copy.put(
                Objects.requireNonNull(ip, "address"),
                Set.copyOf(Objects.requireNonNull(ifs, "interfaces of " + ip))));
    byAddress = Map.copyOf(copy);
  }

  public Ownership check(IpAddress ip, String interfaceName) {
    Set<String> allowed = byAddress.get(ip);
    if (allowed == null) {
      return Ownership.NOT_OWNED;
    }
    return allowed.isEmpty() || allowed.contains(interfaceName)
        ? Ownership.ALLOWED
        : Ownership.OTHER_INTERFACE;
  }

  public boolean allowedOn(IpAddress ip, String interfaceName) {
    return check(ip, interfaceName) == Ownership.ALLOWED;
  }
}
