package io.ferrolb.domain.pool;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address as a 128-bit value. IPv4 addresses keep their 32 bits in {@code lo} and
 * {@code hi == 0}. The parser is strict and never resolves names; {@link #toString()} is canonical
 * (dotted quad for IPv4, RFC 5952 for IPv6).
 *
 * <p>Ordering: all IPv4 addresses sort before all IPv6 addresses; within a family, numerically.
 */
public record IpAddress(IpFamily family, long hi, long lo) implements Comparable<IpAddress> {

  private static final long V4_MASK = 0xFFFF_FFFFL;

  public IpAddress {
    Objects.requireNonNull(family, "family");
    if (family == IpFamily.IPV4 && (hi != 0 || (lo & ~V4_MASK) != 0)) {
      throw new IllegalArgumentException(
          "IPv4 value: 0x" + Long.toHexString(lo) + " (expected: 0..0xffffffff)");
    }
  }

  /** An IPv4 address from its 32-bit value (the low 32 bits of {@code value}). */
  public static IpAddress v4(long value) {
    return new IpAddress(IpFamily.IPV4, 0, value & V4_MASK);
  }

  /** An IPv6 address from its two 64-bit halves. */
  public static IpAddress v6(long hi, long lo) {
    return new IpAddress(IpFamily.IPV6, hi, lo);
  }

  /**
   * Parses an IPv4 dotted quad or an IPv6 address (RFC 4291 §2.2 text forms, including an embedded
   * dotted quad). Rejects names, zones ({@code %eth0}), brackets, prefixes and leading zeros in
   * IPv4 octets.
   *
   * @throws IllegalArgumentException naming the text and what was expected
   */
  public static IpAddress parse(String text) {
    return tryParse(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "\"" + text + "\": not an IP address (expected: IPv4 a.b.c.d or IPv6 text)"));
  }

  /** Parses like {@link #parse(String)}, empty where the text is not an address. */
  public static Optional<IpAddress> tryParse(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) {
      return Optional.empty();
    }
    if (text.indexOf(':') >= 0) {
      return parseV6(text);
    }
    long v = parseV4Value(text, 0, text.length());
    return v < 0 ? Optional.empty() : Optional.of(v4(v));
  }

  /** From network-order bytes: 4 for IPv4, 16 for IPv6. */
  public static IpAddress fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length == 4) {
      return v4(readLong(bytes, 0, 4));
    }
    if (bytes.length == 16) {
      return v6(readLong(bytes, 0, 8), readLong(bytes, 8, 8));
    }
    throw new IllegalArgumentException(
        "address length: " + bytes.length + " bytes (expected: 4 or 16)");
  }

  /** Network-order bytes: 4 for IPv4, 16 for IPv6. A fresh array each call. */
  public byte[] toBytes() {
    if (family == IpFamily.IPV4) {
      byte[] b = new byte[4];
      writeLong(b, 0, 4, lo);
      return b;
    }
    byte[] b = new byte[16];
    writeLong(b, 0, 8, hi);
    writeLong(b, 8, 8, lo);
    return b;
  }

  public boolean isV4() {
    return family == IpFamily.IPV4;
  }

  public boolean isV6() {
    return family == IpFamily.IPV6;
  }

  /** The address as an unsigned integer. */
  public BigInteger toBigInteger() {
    return new BigInteger(1, toBytes());
  }

  /** The address with this unsigned integer value in {@code family}. */
  public static IpAddress fromBigInteger(IpFamily family, BigInteger value) {
    if (value.signum() < 0 || value.bitLength() > family.bits()) {
      throw new IllegalArgumentException(
          "value " + value + " out of range for " + family.k8sName());
    }
    return family == IpFamily.IPV4
        ? v4(value.longValue())
        : v6(value.shiftRight(64).longValue(), value.longValue());
  }

  /**
   * True for IPv4 addresses ending in .0 or .255, which some old firmware mistakes for network or
   * broadcast addresses (MetalLB's {@code avoidBuggyIPs}). Always false for IPv6.
   */
  public boolean isBuggyV4() {
    if (family != IpFamily.IPV4) {
      return false;
    }
    long last = lo & 0xFF;
    return last == 0 || last == 0xFF;
  }

  /** The next address, empty at the end of the family's space. */
  public Optional<IpAddress> next() {
    if (family == IpFamily.IPV4) {
      return lo == V4_MASK ? Optional.empty() : Optional.of(v4(lo + 1));
    }
    if (lo == -1L) {
      return hi == -1L ? Optional.empty() : Optional.of(v6(hi + 1, 0));
    }
    return Optional.of(v6(hi, lo + 1));
  }

  /** The previous address, empty at the start of the family's space. */
  public Optional<IpAddress> previous() {
    if (family == IpFamily.IPV4) {
      return lo == 0 ? Optional.empty() : Optional.of(v4(lo - 1));
    }
    if (lo == 0) {
      return hi == 0 ? Optional.empty() : Optional.of(v6(hi - 1, -1L));
    }
    return Optional.of(v6(hi, lo - 1));
  }

  /** This address with the host bits beyond {@code prefixLength} cleared. */
  public IpAddress mask(int prefixLength) {
    checkPrefix(family, prefixLength);
    if (family == IpFamily.IPV4) {
      long m = prefixLength == 0 ? 0 : (V4_MASK << (32 - prefixLength)) & V4_MASK;
      return v4(lo & m);
    }
    long mh = prefixLength >= 64 ? -1L : prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
    long ml = prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
    return v6(hi & mh, lo & ml);
  }

  /** This address with the host bits beyond {@code prefixLength} set. */
  public IpAddress lastInPrefix(int prefixLength) {
    checkPrefix(family, prefixLength);
    if (family == IpFamily.IPV4) {
      long host = prefixLength == 32 ? 0 : V4_MASK >>> prefixLength;
      return v4(lo | host);
    }
    long hh = prefixLength >= 64 ? 0 : prefixLength == 0 ? -1L : -1L >>> prefixLength;
    long hl = prefixLength <= 64 ? -1L : prefixLength == 128 ? 0 : -1L >>> (prefixLength - 64);
    return v6(hi | hh, lo | hl);
  }

  static void checkPrefix(IpFamily family, int prefixLength) {
    if (prefixLength < 0 || prefixLength > family.bits()) {
      throw new IllegalArgumentException(
          "prefix length: " + prefixLength + " (expected: 0.." + family.bits() + ")");
    }
  }

  @Override
  public int compareTo(IpAddress o) {
    int c = family.compareTo(o.family);
    if (c != 0) {
      return c;
    }
    c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }

  /** Canonical text: dotted quad, or RFC 5952 (lower case, longest zero run as ::, no v4 tail). */
  @Override
  public String toString() {
    if (family == IpFamily.IPV4) {
      return ((lo >>> 24) & 0xFF)
          + "."
          + ((lo >>> 16) & 0xFF)
          + "."
          + ((lo >>> 8) & 0xFF)
          + "."
          + (lo & 0xFF);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) ((hi >>> (48 - 16 * i)) & 0xFFFF);
      groups[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xFFFF);
    }
    // RFC 5952 §4.2.2/§4.2.3: compress the longest run of two or more zero groups, the first on
    // ties.
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  // --- parsing ---

  /** Dotted quad in text[from, to) as a 32-bit value, or -1. No leading zeros, no signs. */
  private static long parseV4Value(String text, int from, int to) {
    long value = 0;
    int octets = 0;
    int i = from;
    while (i <= to) {
      int start = i;
      int octet = 0;
      while (i < to && text.charAt(i) != '.') {
        char c = text.charAt(i);
        if (c < '0' || c > '9' || i - start >= 3) {
          return -1;
        }
        octet = octet * 10 + (c - '0');
        i++;
      }
      int len = i - start;
      if (len == 0 || octet > 255 || (len > 1 && text.charAt(start) == '0')) {
        return -1;
      }
      value = (value << 8) | octet;
      octets++;
      if (octets > 4) {
        return -1;
      }
      i++; // skip '.' (or step past the end)
    }
    return octets == 4 ? value : -1;
  }

  private static Optional<IpAddress> parseV6(String text) {
    int n = text.length();
    int[] groups = new int[8];
    int count = 0;
    int gap = -1; // index in groups where "::" stands
    int i = 0;
    if (text.startsWith("::")) {
      gap = 0;
      i = 2;
      if (i == n) {
        return Optional.of(v6(0, 0));
      }
    } else if (text.charAt(0) == ':') {
      return Optional.empty();
    }
    while (i < n) {
      if (count >= 8) {
        return Optional.empty();
      }
      int start = i;
      int value = 0;
      while (i < n && text.charAt(i) != ':' && text.charAt(i) != '.') {
        int d = hexDigit(text.charAt(i));
        if (d < 0 || i - start >= 4) {
          return Optional.empty();
        }
        value = (value << 4) | d;
        i++;
      }
      if (i < n && text.charAt(i) == '.') {
        // embedded IPv4 tail: takes two groups and must end the text
        if (count > 6) {
          return Optional.empty();
        }
        long v4 = parseV4Value(text, start, n);
        if (v4 < 0) {
          return Optional.empty();
        }
        groups[count++] = (int) (v4 >>> 16);
        groups[count++] = (int) (v4 & 0xFFFF);
        i = n;
        break;
      }
      if (i == start) {
        return Optional.empty();
      }
      groups[count++] = value;
      if (i == n) {
        break;
      }
      // at ':'
      i++;
      if (i < n && text.charAt(i) == ':') {
        if (gap >= 0) {
          return Optional.empty();
        }
        gap = count;
        i++;
        if (i == n) {
          break;
        }
      } else if (i == n) {
        return Optional.empty(); // trailing single ':'
      }
    }
    if (gap < 0 && count != 8) {
      return Optional.empty();
    }
    if (gap >= 0) {
      if (count == 8) {
        return Optional.empty(); // "::" must stand for at least one group (RFC 4291 §2.2)
      }
      int move = count - gap;
      System.arraycopy(groups, gap, groups, 8 - move, move);
      for (int k = gap; k < 8 - move; k++) {
        groups[k] = 0;
      }
    }
    long h = 0;
    long l = 0;
    for (int k = 0; k < 4; k++) {
      h = (h << 16) | groups[k];
      l = (l << 16) | groups[k + 4];
    }
    return Optional.of(v6(h, l));
  }

  /**
   * The value of an ASCII hex digit, or -1 (Character.digit would accept other scripts' digits).
   */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static long readLong(byte[] b, int off, int len) {
    long v = 0;
    for (int i = 0; i < len; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  private static void writeLong(byte[] b, int off, int len, long v) {
    for (int i = len - 1; i >= 0; i--) {
      b[off + i] = (byte) v;
      v >>>= 8;
    }
  }
}
