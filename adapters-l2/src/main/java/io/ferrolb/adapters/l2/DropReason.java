package io.ferrolb.adapters.l2;

/**
 * Why a received frame was not answered (compare MetalLB's {@code internal/layer2/arp.go:
 * dropReason}). Every frame the responder reads ends either in a reply or in exactly one of these.
 */
public enum DropReason {
  /** Shorter than its headers claim, or a field with an unsupported value (e.g. ARP hlen 8). */
  MALFORMED,
  /** Neither ARP nor IPv6 ICMPv6 (the BPF filter normally keeps these out). */
  NOT_ARP_OR_NDP,
  /** Our own frame seen on the wire (pcap also captures what this host sends). */
  OWN_FRAME,
  /** ARP opcode 2: a reply, never answered. */
  ARP_REPLY,
  /** ARP opcode other than request (1) and reply (2). */
  ARP_UNKNOWN_OPCODE,
  /** ARP announcement by someone else (sender IP == target IP): answering would fight it. */
  ARP_GRATUITOUS,
  /** ICMPv6 but not a Neighbor Solicitation. */
  NOT_NEIGHBOR_SOLICITATION,
  /** NS with an IPv6 hop limit other than 255: may have been forwarded (RFC 4861 §7.1.1). */
  BAD_HOP_LIMIT,
  /** ICMPv6 checksum does not verify (RFC 4443 §2.3, RFC 4861 §7.1.1). */
  BAD_CHECKSUM,
  /** Ethernet destination is neither broadcast/the matching multicast nor this interface's MAC. */
  ETHERNET_DESTINATION,
  /** IPv6 destination is neither the target nor the target's solicited-node group. */
  IP_DESTINATION,
  /** The target address is not owned by this node (now). */
  UNKNOWN_TARGET,
  /**
   * The target is owned but not allowed on the receiving interface (L2Advertisement interfaces).
   */
  WRONG_INTERFACE
}
