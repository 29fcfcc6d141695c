package io.ferrolb.adapters.l2.iface;

/** Why an interface was not selected (MetalLB: internal/layer2/announcer.go updateInterfaces). */
public enum SkipReason {
  /** Name matches an exclusion pattern (MetalLB's {@code metallb-excludel2} list). */
  EXCLUDED_NAME,
  /** Not in the allow-list (L2Advertisement {@code interfaces}). */
  NOT_IN_ALLOW_LIST,
  LOOPBACK,
  /** Administratively down (no IFF_UP). */
  DOWN,
  /** IFF_NOARP. */
  NO_ARP,
  /** A port of a bridge or bond: the master answers, not its ports. */
  HAS_MASTER,
  /** No 6-byte hardware address to answer with. */
  NO_MAC,
  /** Neither BROADCAST (for ARP) nor an IPv6 link-local address (for NDP). */
  NO_PROTOCOL
}
