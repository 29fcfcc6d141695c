package io.ferrolb.domain.allocation;

import io.ferrolb.domain.pool.IpAddress;
import java.util.List;

/** Go's formatting of address lists, so messages read as MetalLB's do. */
final class GoText {

  private GoText() {}

  /** Go's {@code %q} of a slice of addresses: {@code ["10.0.0.1" "2001:db8::1"]}. */
  static String quoted(List<IpAddress> ips) {
    // 2 brackets, per address 2 quotes, a space and up to 39 characters (RFC 5952 maximum)
    StringBuilder sb = new StringBuilder(2 + ips.size() * 42).append('[');
    for (int i = 0; i < ips.size(); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append('"').append(ips.get(i)).append('"');
    }
    return sb.append(']').toString();
  }

  /** Go's {@code %v} of a slice of strings: {@code [10.96.0.1 fd00::1]}. */
  static String list(List<IpAddress> ips) {
    StringBuilder sb = new StringBuilder().append('[');
    for (int i = 0; i < ips.size(); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(ips.get(i));
    }
    return sb.append(']').toString();
  }
}
