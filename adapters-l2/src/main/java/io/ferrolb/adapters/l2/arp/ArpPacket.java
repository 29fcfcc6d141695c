package io.ferrolb.adapters.l2.arp;

import io.ferrolb.adapters.l2.MacAddress;
import io.ferrolb.domain.pool.IpAddress;
import java.util.Objects;

/**
 * An Ethernet frame carrying an IPv4-over-Ethernet ARP packet (RFC 826), with the Ethernet
 * addresses kept because the responder checks the destination and answers to the source.
 */
public record ArpPacket(
    MacAddress ethernetDestination,
    MacAddress ethernetSource,
    int operation,
    MacAddress senderHardware,
    IpAddress senderProtocol,
    MacAddress targetHardware,
    IpAddress targetProtocol) {

  /** ARP opcode request (RFC 826; IANA arp-parameters "Operation Codes"). */
  public static final int REQUEST = 1;

  /** ARP opcode reply. */
  public static final int REPLY = 2;

  public ArpPacket {
    Objects.requireNonNull(ethernetDestination, "ethernetDestination");
    Objects.requireNonNull(ethernetSource, "ethernetSource");
    Objects.requireNonNull(senderHardware, "senderHardware");
    Objects.requireNonNull(senderProtocol, "senderProtocol");
    Objects.requireNonNull(targetHardware, "targetHardware");
    Objects.requireNonNull(targetProtocol, "targetProtocol");
    if (operation < 0 || operation > 0xFFFF) {
      throw new IllegalArgumentException("ARP operation: " + operation + " (expected: 0..65535)");
    }
    if (!senderProtocol.isV4() || !targetProtocol.isV4()) {
      throw new IllegalArgumentException(
          "ARP protocol addresses: "
              + senderProtocol
              + ", "
              + targetProtocol
              + " (expected: IPv4)");
    }
  }
}
