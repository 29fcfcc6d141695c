package io.ferrolb.adapters.bgp.codec;

/** A large community (RFC 8092): three 32-bit numbers, written {@code global:local1:local2}. */
public record LargeCommunity(long globalAdmin, long localData1, long localData2)
    implements Comparable<LargeCommunity> {

  public LargeCommunity {
    check(globalAdmin);
    check(localData1);
    check(localData2);
  }

  private static void check(long v) {
    if (v < 0 || v > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "large community part: " + v + " (expected: 0..4294967295)");
    }
  }

  /** Parses {@code a:b:c}, optionally prefixed {@code large:} as in MetalLB's config. */
  public static LargeCommunity parse(String text) {
    String t = text.trim();
    if (t.startsWith("large:")) {
      t = t.substring("large:".length());
    }
    String[] parts = t.split(":", -1);
    try {
      if (parts.length == 3) {
        return new LargeCommunity(
            Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
      }
    } catch (IllegalArgumentException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(
        "large community \"" + text + "\": (expected: [large:]a:b:c, each 0..4294967295)");
  }

  @Override
  public int compareTo(LargeCommunity o) {
    int c = Long.compare(globalAdmin, o.globalAdmin);
    if (c == 0) {
      c = Long.compare(localData1, o.localData1);
    }
    return c != 0 ? c : Long.compare(localData2, o.localData2);
  }

  @Override
  public String toString() {
    return globalAdmin + ":" + localData1 + ":" + localData2;
  }
}
