package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.rib.Route;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one session's desired advertisements into routes with their next hops: the advertisement's,
 * else the session's configured one, else the local address of the connection, else (the other
 * family, MetalLB {@code dualStackAddressFamily}) this node's address of that family on the
 * interface the session leaves by. Used on the session's event loop only.
 */
final class NextHops {
  private static final Logger LOG = LoggerFactory.getLogger(NextHops.class);

  private final BgpSessionConfig config;
  private IpAddress lookupFor;
  private Map<IpFamily, IpAddress> byFamily = Map.of();

  NextHops(BgpSessionConfig config) {
    this.config = config;
  }

  /** Desired routes with next hops resolved; prefixes of families not negotiated are skipped. */
  Map<Cidr, Route> resolve(
      Collection<Advertisement> desired, Set<AddressFamily> families, Optional<IpAddress> local) {
    Map<Cidr, Route> out = new HashMap<>();
    // one instance per distinct set of attributes: thousands of prefixes share a handful (at
    // 10,000 Services and 10 peers, 100,000 equal routes held 4 MB of the speaker's 64 MB heap)
    Map<Route, Route> distinct = new HashMap<>();
    for (Advertisement a : desired) {
      IpFamily f = a.prefix().family();
      if (!families.contains(AddressFamily.unicast(f))) {
        continue;
      }
      Optional<IpAddress> nh = a.nextHop();
      Optional<IpAddress> ll = Optional.empty();
      if (f == IpFamily.IPV4) {
        nh =
            nh.or(config::ipv4NextHop)
                .or(() -> local.filter(IpAddress::isV4))
                .or(() -> sameInterface(local, IpFamily.IPV4));
      } else {
        Optional<IpAddress> localV6 = local.filter(IpAddress::isV6);
        nh =
            nh.or(config::ipv6NextHop)
                .or(() -> localV6.filter(l -> !isLinkLocal(l)))
                .or(() -> sameInterface(local, IpFamily.IPV6));
        ll = config.ipv6LinkLocalNextHop().or(() -> localV6.filter(NextHops::isLinkLocal));
      }
      if (nh.isEmpty()) {
        LOG.warn(
            "peer {}: no {} next hop for {} (set the session's next hop for that family); skipped",
            config.peerAddress(),
            f,
            a.prefix());
        continue;
      }
      Route r =
          new Route(
              f,
              a.communities().stream().sorted().toList(),
              a.largeCommunities().stream().sorted().toList(),
              config.ibgp() ? a.localPref() : Optional.empty(),
              nh.get(),
              ll);
      out.put(a.prefix(), distinct.computeIfAbsent(r, x -> x));
    }
    return out;
  }

  /**
   * This node's global address of {@code family} on the interface of {@code local} (what FRR does),
   * looked up once per local address.
   */
  private Optional<IpAddress> sameInterface(Optional<IpAddress> local, IpFamily family) {
    if (local.isEmpty()) {
      return Optional.empty();
    }
    if (!local.get().equals(lookupFor)) {
      lookupFor = local.get();
      byFamily = new HashMap<>();
      try {
        NetworkInterface nic =
            NetworkInterface.getByInetAddress(InetAddress.getByAddress(local.get().toBytes()));
        if (nic != null) {
          for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            IpAddress ip = IpAddress.fromBytes(a.getAddress());
            if (!a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
              byFamily.putIfAbsent(ip.family(), ip);
            }
          }
        }
      } catch (IOException e) {
        LOG.debug("peer {}: interface of {} not found", config.peerAddress(), local.get(), e);
      }
    }
    return Optional.ofNullable(byFamily.get(family));
  }

  static boolean isLinkLocal(IpAddress a) {
    return a.isV6() && (a.hi() >>> 54) == (0xFE80L >>> 6); // fe80::/10, RFC 4291 §2.5.6
  }
}
