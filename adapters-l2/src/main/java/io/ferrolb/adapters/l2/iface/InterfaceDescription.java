package io.ferrolb.adapters.l2.iface;

import io.ferrolb.adapters.l2.MacAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * What the system says about one network interface, as read by {@link SystemInterfaceReader}.
 *
 * @param flags the kernel's {@code IFF_*} flags (/sys/class/net/IF/flags, linux/if.h)
 * @param master the bridge or bond this interface is a port of, if any
 * @param mac the hardware address, empty for interfaces without a 6-byte one (tun, ip6tnl)
 */
public record InterfaceDescription(
    String name,
    int flags,
    Optional<String> master,
    Optional<MacAddress> mac,
    boolean hasIpv6LinkLocal) {

  public static final int IFF_UP = 0x1; // linux/if.h
  public static final int IFF_BROADCAST = 0x2;
  public static final int IFF_LOOPBACK = 0x8;
  public static final int IFF_NOARP = 0x80;

  public InterfaceDescription {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(mac, "mac");
  }

  public boolean up() {
    return (flags & IFF_UP) != 0;
  }

  public boolean broadcast() {
    return (flags & IFF_BROADCAST) != 0;
  }

  public boolean noArp() {
    return (flags & IFF_NOARP) != 0;
  }

  public boolean loopback() {
    return (flags & IFF_LOOPBACK) != 0;
  }
}
