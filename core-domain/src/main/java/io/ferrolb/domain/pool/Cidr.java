package io.ferrolb.domain.pool;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A network prefix: a network address with its host bits clear, and a prefix length.
 *
 * <p>{@link #parse(String)} accepts what MetalLB accepts (Go's {@code net.ParseCIDR}): host bits
 * may be set in the text and are cleared, so {@code 10.0.0.5/24} is {@code 10.0.0.0/24}.
 */
public record Cidr(IpAddress network, int prefixLength) implements Comparable<Cidr> {

  public Cidr {
    Objects.requireNonNull(network, "network");
    IpAddress.checkPrefix(network.family(), prefixLength);
    if (!network.mask(prefixLength).equals(network)) {
      throw new IllegalArgumentException(
          "network "
              + network
              + "/"
              + prefixLength
              + ": host bits set (expected: "
              + network.mask(prefixLength)
              + "/"
              + prefixLength
              + ")");
    }
  }

  /** The prefix of length {@code prefixLength} that contains {@code address}. */
  public static Cidr of(IpAddress address, int prefixLength) {
    return new Cidr(address.mask(prefixLength), prefixLength);
  }

  /**
   * Parses {@code address/length}.
   *
   * @throws IllegalArgumentException with a message that says what is wrong and what was expected,
   *     e.g. {@code invalid prefix length 33 (expected: 0..32)}
   */
  public static Cidr parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("missing prefix length (expected: address/length)");
    }
    IpAddress addr =
        IpAddress.tryParse(text.substring(0, slash))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "invalid address \""
                            + text.substring(0, slash)
                            + "\" (expected: IPv4 or IPv6)"));
    String len = text.substring(slash + 1);
    int max = addr.family().bits();
    if (len.isEmpty()
        || len.length() > 3
        || !len.chars().allMatch(c -> c >= '0' && c <= '9')
        || (len.length() > 1 && len.charAt(0) == '0')) {
      throw new IllegalArgumentException(
          "invalid prefix length \"" + len + "\" (expected: 0.." + max + ")");
    }
    int n = Integer.parseInt(len);
    if (n > max) {
      throw new IllegalArgumentException(
          "invalid prefix length " + n + " (expected: 0.." + max + ")");
    }
    return of(addr, n);
  }

  public IpFamily family() {
    return network.family();
  }

  /** The last address of the prefix. */
  public IpAddress last() {
    return network.lastInPrefix(prefixLength);
  }

  /** The addresses of the prefix as a range. */
  public IpRange toRange() {
    return new IpRange(network, last());
  }

  /** Number of addresses: 2^(bits - prefixLength). */
  public BigInteger size() {
    return BigInteger.ONE.shiftLeft(family().bits() - prefixLength);
  }

  public boolean contains(IpAddress a) {
    return a.family() == family() && a.mask(prefixLength).equals(network);
  }

  @Override
  public int compareTo(Cidr o) {
    int c = network.compareTo(o.network);
    return c != 0 ? c : Integer.compare(prefixLength, o.prefixLength);
  }

  @Override
  public String toString() {
    return network + "/" + prefixLength;
  }
}
