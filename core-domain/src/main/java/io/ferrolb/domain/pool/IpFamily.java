package io.ferrolb.domain.pool;

/** An address family. IPv4 orders before IPv6. */
public enum IpFamily {
  IPV4(32),
  IPV6(128);

  private final int bits;

  IpFamily(int bits) {
    this.bits = bits;
  }

  /** The address width in bits: 32 or 128. */
  public int bits() {
    return bits;
  }

  /** The name Kubernetes uses in {@code spec.ipFamilies}: {@code IPv4} or {@code IPv6}. */
  public String k8sName() {
    return this == IPV4 ? "IPv4" : "IPv6";
  }

  /** The other family. */
  public IpFamily other() {
    return this == IPV4 ? IPV6 : IPV4;
  }
}
