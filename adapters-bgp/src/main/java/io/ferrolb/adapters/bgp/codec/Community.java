package io.ferrolb.adapters.bgp.codec;

import java.util.Locale;
import java.util.Map;

/**
 * A standard community (RFC 1997): 32 bits, written {@code asn:value} or as a well-known name (RFC
 * 1997 §4, RFC 3765, RFC 7999, RFC 8326).
 */
public record Community(long value) implements Comparable<Community> {
  public static final Community GRACEFUL_SHUTDOWN = new Community(0xFFFF0000L); // RFC 8326
  public static final Community ACCEPT_OWN = new Community(0xFFFF0001L); // RFC 7611
  public static final Community BLACKHOLE = new Community(0xFFFF029AL); // RFC 7999
  public static final Community NO_EXPORT = new Community(0xFFFFFF01L); // RFC 1997
  public static final Community NO_ADVERTISE = new Community(0xFFFFFF02L); // RFC 1997
  public static final Community NO_EXPORT_SUBCONFED = new Community(0xFFFFFF03L); // RFC 1997
  public static final Community NO_PEER = new Community(0xFFFFFF04L); // RFC 3765

  private static final Map<String, Community> NAMES =
      Map.of(
          "graceful-shutdown", GRACEFUL_SHUTDOWN,
          "accept-own", ACCEPT_OWN,
          "blackhole", BLACKHOLE,
          "no-export", NO_EXPORT,
          "no-advertise", NO_ADVERTISE,
          "no-export-subconfed", NO_EXPORT_SUBCONFED,
          "local-as", NO_EXPORT_SUBCONFED,
          "no-peer", NO_PEER);

  public Community {
    if (value < 0 || value > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("community: " + value + " (expected: 0..4294967295)");
    }
  }

  public static Community of(int high, int low) {
    if (high < 0 || high > 0xFFFF || low < 0 || low > 0xFFFF) {
      throw new IllegalArgumentException(
          "community " + high + ":" + low + " (expected: 0..65535:0..65535)");
    }
    return new Community(((long) high << 16) | low);
  }

  /** Parses {@code 65000:100} or a well-known name such as {@code no-export} (any case, - or _). */
  public static Community parse(String text) {
    String key = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    Community named = NAMES.get(key);
    if (named != null) {
      return named;
    }
    int colon = key.indexOf(':');
    try {
      if (colon > 0 && colon == key.lastIndexOf(':')) {
        return of(
            Integer.parseInt(key.substring(0, colon)), Integer.parseInt(key.substring(colon + 1)));
      }
    } catch (IllegalArgumentException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(
        "community \""
            + text
            + "\": not a community (expected: 0..65535:0..65535 or one of "
            + NAMES.keySet().stream().sorted().toList()
            + ")");
  }

  @Override
  public int compareTo(Community o) {
    return Long.compare(value, o.value);
  }

  @Override
  public String toString() {
    return (value >>> 16) + ":" + (value & 0xFFFF);
  }
}
