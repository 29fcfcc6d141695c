package io.ferrolb.adapters.l2;

import java.util.Objects;

/** A receiving interface as the packet processor sees it: its name and its MAC. */
public record LocalInterface(String name, MacAddress mac) {
  public LocalInterface {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mac, "mac");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("interface name: \"\" (expected: non-empty)");
    }
  }
}
