package io.ferrolb.adapters.l2.iface;

import io.ferrolb.adapters.l2.MacAddress;
import java.util.Objects;

/**
 * An interface the responder answers on: ARP where it has {@code BROADCAST}, NDP where it has an
 * IPv6 link-local address (MetalLB: internal/layer2/announcer.go).
 */
public record SelectedInterface(String name, MacAddress mac, boolean arp, boolean ndp) {
  public SelectedInterface {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mac, "mac");
    if (!arp && !ndp) {
      throw new IllegalArgumentException(
          "interface " + name + ": neither ARP nor NDP (expected: at least one)");
    }
  }
}
