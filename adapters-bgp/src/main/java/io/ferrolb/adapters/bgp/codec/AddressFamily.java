package io.ferrolb.adapters.bgp.codec;

import io.ferrolb.domain.pool.IpFamily;
import java.util.Optional;

/** An AFI/SAFI pair (RFC 4760 §3; IANA address family numbers). */
public record AddressFamily(int afi, int safi) {
  private static final int AFI_IPV4 = 1; // IANA address family numbers
  private static final int AFI_IPV6 = 2;
  private static final int SAFI_UNICAST = 1; // RFC 4760 §6

  public static final AddressFamily IPV4_UNICAST = new AddressFamily(AFI_IPV4, SAFI_UNICAST);
  public static final AddressFamily IPV6_UNICAST = new AddressFamily(AFI_IPV6, SAFI_UNICAST);

  public AddressFamily {
    if (afi < 0 || afi > 0xFFFF) {
      throw new IllegalArgumentException("AFI: " + afi + " (expected: 0..65535)");
    }
    if (safi < 0 || safi > 0xFF) {
      throw new IllegalArgumentException("SAFI: " + safi + " (expected: 0..255)");
    }
  }

  public static AddressFamily unicast(IpFamily family) {
    return family == IpFamily.IPV4 ? IPV4_UNICAST : IPV6_UNICAST;
  }

  /** The IP family of a unicast AFI/SAFI we can carry as {@code Cidr}s. */
  public Optional<IpFamily> ipFamily() {
    if (safi != SAFI_UNICAST) {
      return Optional.empty();
    }
    return switch (afi) {
      case AFI_IPV4 -> Optional.of(IpFamily.IPV4);
      case AFI_IPV6 -> Optional.of(IpFamily.IPV6);
      default -> Optional.empty();
    };
  }

  @Override
  public String toString() {
    if (equals(IPV4_UNICAST)) {
      return "ipv4-unicast";
    }
    if (equals(IPV6_UNICAST)) {
      return "ipv6-unicast";
    }
    return "afi=" + afi + "/safi=" + safi;
  }
}
