package io.ferrolb.domain.config;

import java.util.Map;

/**
 * A BGP community value: a standard community {@code A:B} (RFC 1997, two 16-bit halves) or a large
 * community {@code large:A:B:C} (RFC 8092, three 32-bit parts).
 */
public sealed interface BgpCommunity permits BgpCommunity.Standard, BgpCommunity.Large {

  /** The text form, as written in MetalLB configuration. */
  @Override
  String toString();

  /**
   * Parses {@code A:B} or {@code large:A:B:C}.
   *
   * @throws IllegalArgumentException saying what is wrong and what was expected
   */
  static BgpCommunity parse(String text) {
    if (text.startsWith("large:")) {
      String[] parts = text.substring("large:".length()).split(":", -1);
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "invalid large community: "
                + parts.length
                + " parts after \"large:\" (expected: large:A:B:C, each 0..4294967295)");
      }
      long[] v = new long[3];
      for (int i = 0; i < 3; i++) {
        v[i] = number(parts[i], 0xFFFF_FFFFL, "large community", "large:A:B:C");
      }
      return new Large(v[0], v[1], v[2]);
    }
    String[] parts = text.split(":", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "invalid community: not A:B or large:A:B:C (expected: A:B with A, B in 0..65535,"
              + " or large:A:B:C with each in 0..4294967295)");
    }
    return new Standard(
        (int) number(parts[0], 0xFFFF, "community", "A:B"),
        (int) number(parts[1], 0xFFFF, "community", "A:B"));
  }

  /**
   * Resolves {@code text} as BGPAdvertisement {@code communities} entries are resolved: an alias
   * defined in {@code aliases} (Community objects and the legacy {@code bgp-communities}, see
   * {@link Config#communities()}) stands for its value, anything else is parsed as {@code A:B} or
   * {@code large:A:B:C}.
   *
   * @throws IllegalArgumentException saying what is wrong and what was expected; for a text without
   *     {@code :} that is no alias, listing the aliases defined
   */
  static BgpCommunity resolve(String text, Map<String, String> aliases) {
    String value = aliases.getOrDefault(text, text);
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      if (text.indexOf(':') >= 0) {
        throw e;
      }
      throw new IllegalArgumentException(
          "unknown community alias (expected: A:B, large:A:B:C, or an alias defined by a"
              + " Community"
              + (aliases.isEmpty() ? "" : ": " + String.join(", ", aliases.keySet()))
              + ")",
          e);
    }
  }

  private static long number(String part, long max, String what, String form) {
    if (part.isEmpty() || part.length() > 10 || !part.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException(
          "invalid "
              + what
              + " part \""
              + part
              + "\" (expected: "
              + form
              + ", each 0.."
              + max
              + ")");
    }
    long n = Long.parseLong(part);
    if (n > max) {
      throw new IllegalArgumentException(
          "invalid " + what + " part " + n + " (expected: 0.." + max + ")");
    }
    return n;
  }

  /** A standard community: two 16-bit values (usually ASN and a local value). */
  record Standard(int high, int low) implements BgpCommunity {
    public Standard {
      if (high < 0 || high > 0xFFFF || low < 0 || low > 0xFFFF) {
        throw new IllegalArgumentException(
            "community " + high + ":" + low + ": out of range (expected: 0..65535 each)");
      }
    }

    /** The 32-bit wire value (RFC 1997). */
    public long value() {
      return ((long) high << 16) | low;
    }

    @Override
    public String toString() {
      return high + ":" + low;
    }
  }

  /** A large community: global administrator and two local data parts, 32 bits each. */
  record Large(long global, long local1, long local2) implements BgpCommunity {
    public Large {
      for (long v : new long[] {global, local1, local2}) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
          throw new IllegalArgumentException(
              "large community part " + v + ": out of range (expected: 0..4294967295)");
        }
      }
    }

    @Override
    public String toString() {
      return "large:" + global + ":" + local1 + ":" + local2;
    }
  }
}
