package io.ferrolb.domain.allocation;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import java.util.List;
import java.util.Optional;

/**
 * The family of the addresses a Service has or asks for: one IPv4, one IPv6, or a v4+v6 pair
 * (MetalLB's {@code ipfamily.Family}).
 */
enum ServiceFamily {
  IPV4("ipv4"),
  IPV6("ipv6"),
  DUAL("dual");

  final String text;

  ServiceFamily(String text) {
    this.text = text;
  }

  static ServiceFamily of(IpFamily f) {
    return f == IpFamily.IPV4 ? IPV4 : IPV6;
  }

  // one Optional per family, made once: of(List) runs on every reconcile
  private static final Optional<ServiceFamily> SOME_IPV4 = Optional.of(IPV4);
  private static final Optional<ServiceFamily> SOME_IPV6 = Optional.of(IPV6);
  private static final Optional<ServiceFamily> SOME_DUAL = Optional.of(DUAL);

  /** MetalLB {@code ForAddresses}: empty for 0 or more than 2, or two of one family. */
  static Optional<ServiceFamily> of(List<IpAddress> ips) {
    if (ips.size() == 1) {
      return ips.get(0).family() == IpFamily.IPV4 ? SOME_IPV4 : SOME_IPV6;
    }
    if (ips.size() == 2 && ips.get(0).family() != ips.get(1).family()) {
      return SOME_DUAL;
    }
    return Optional.empty();
  }

  IpFamily single() {
    return this == IPV4 ? IpFamily.IPV4 : IpFamily.IPV6;
  }

  /**
   * MetalLB {@code IPFamilyForAddresses}' error for addresses that have no {@link ServiceFamily}.
   */
  static String errorFor(List<IpAddress> ips) {
    if (ips.size() == 2) {
      return "IPFamilyForAddresses: same address family " + GoText.quoted(ips);
    }
    return "IPFamilyForAddresses: invalid ips length " + ips.size() + " " + GoText.quoted(ips);
  }
}
