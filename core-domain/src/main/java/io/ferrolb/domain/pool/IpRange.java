package io.ferrolb.domain.pool;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** An inclusive range of addresses of one family, {@code first <= last}. */
public record IpRange(IpAddress first, IpAddress last) implements Comparable<IpRange> {

  public IpRange {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(last, "last");
    if (first.family() != last.family()) {
      throw new IllegalArgumentException(
          "range " + first + "-" + last + ": mixes IPv4 and IPv6 (expected: one family)");
    }
    if (first.compareTo(last) > 0) {
      throw new IllegalArgumentException(
          "range " + first + "-" + last + ": start is after end (expected: start <= end)");
    }
  }

  /**
   * Parses a pool address entry as MetalLB does: a CIDR ({@code 10.0.0.0/24}) or a range {@code
   * a-b} (spaces around the dash allowed).
   *
   * @throws IllegalArgumentException naming what is wrong and what was expected
   */
  public static IpRange parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    if (t.indexOf('/') >= 0) {
      return Cidr.parse(t).toRange();
    }
    int dash = t.indexOf('-');
    if (dash < 0) {
      throw new IllegalArgumentException(
          "not a CIDR or range (expected: a.b.c.d/n, x::/n or start-end)");
    }
    String a = t.substring(0, dash).strip();
    String b = t.substring(dash + 1).strip();
    IpAddress first =
        IpAddress.tryParse(a)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "invalid range start \"" + a + "\" (expected: an IP address)"));
    IpAddress last =
        IpAddress.tryParse(b)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "invalid range end \"" + b + "\" (expected: an IP address)"));
    return new IpRange(first, last);
  }

  public static IpRange single(IpAddress a) {
    return new IpRange(a, a);
  }

  public IpFamily family() {
    return first.family();
  }

  public BigInteger size() {
    return last.toBigInteger().subtract(first.toBigInteger()).add(BigInteger.ONE);
  }

  public boolean contains(IpAddress a) {
    return a.family() == family() && first.compareTo(a) <= 0 && a.compareTo(last) <= 0;
  }

  public boolean overlaps(IpRange o) {
    return family() == o.family() && first.compareTo(o.last) <= 0 && o.first.compareTo(last) <= 0;
  }

  /** The smallest list of CIDRs that covers exactly this range, in address order. */
  public List<Cidr> toCidrs() {
    List<Cidr> out = new ArrayList<>();
    BigInteger start = first.toBigInteger();
    BigInteger end = last.toBigInteger();
    int bits = family().bits();
    while (start.compareTo(end) <= 0) {
      int hostBits = start.signum() == 0 ? bits : start.getLowestSetBit();
      hostBits = Math.min(hostBits, bits);
      BigInteger span = end.subtract(start).add(BigInteger.ONE);
      while (hostBits > 0 && BigInteger.ONE.shiftLeft(hostBits).compareTo(span) > 0) {
        hostBits--;
      }
      out.add(new Cidr(IpAddress.fromBigInteger(family(), start), bits - hostBits));
      start = start.add(BigInteger.ONE.shiftLeft(hostBits));
    }
    return out;
  }

  @Override
  public int compareTo(IpRange o) {
    int c = first.compareTo(o.first);
    return c != 0 ? c : last.compareTo(o.last);
  }

  @Override
  public String toString() {
    return first.equals(last) ? first.toString() : first + "-" + last;
  }
}
