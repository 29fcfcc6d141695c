package io.ferrolb.it.compat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Generated inputs near the edges of the syntax the CRD rules check: valid, broken, in between. */
final class Gen {

  private Gen() {}

  private static final String[] SPACES = {" ", "\t", "  ", "\u00a0", "\u2003", "\n"};

  private static <T> T pick(Random rnd, List<T> l) {
    return l.get(rnd.nextInt(l.size()));
  }

  static String octet(Random rnd) {
    return switch (rnd.nextInt(12)) {
      case 0 -> "0";
      case 1 -> "255";
      case 2 -> "256";
      case 3 -> "01";
      case 4 -> "300";
      case 5 -> "";
      case 6 -> "1000";
      default -> String.valueOf(rnd.nextInt(rnd.nextBoolean() ? 256 : 10));
    };
  }

  static String v4(Random rnd) {
    if (rnd.nextInt(8) > 0) {
      return rnd.nextInt(256)
          + "."
          + rnd.nextInt(256)
          + "."
          + rnd.nextInt(256)
          + "."
          + rnd.nextInt(256);
    }
    int n = rnd.nextInt(10) == 0 ? 3 + rnd.nextInt(3) : 4;
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      parts.add(octet(rnd));
    }
    return String.join(".", parts);
  }

  static String group(Random rnd) {
    return switch (rnd.nextInt(14)) {
      case 0 -> "0";
      case 1 -> "ffff";
      case 2 -> "FFFF";
      case 3 -> "12345";
      case 4 -> "g1";
      case 5 -> "0000";
      default -> Integer.toHexString(rnd.nextInt(rnd.nextBoolean() ? 0x10000 : 0x100));
    };
  }

  static String v6(Random rnd) {
    int groups = rnd.nextInt(10) == 0 ? rnd.nextInt(10) : 8;
    boolean tail = rnd.nextInt(6) == 0;
    List<String> g = new ArrayList<>();
    for (int i = 0; i < groups - (tail ? 2 : 0); i++) {
      g.add(group(rnd));
    }
    if (tail) {
      g.add(v4(rnd));
    }
    String text = String.join(":", g);
    if (rnd.nextInt(3) > 0 && !g.isEmpty()) {
      // compress a run of groups into ::
      int from = rnd.nextInt(g.size());
      int to = Math.min(g.size(), from + 1 + rnd.nextInt(4));
      List<String> left = g.subList(0, from);
      List<String> right = g.subList(to, g.size());
      text = String.join(":", left) + "::" + String.join(":", right);
    }
    if (rnd.nextInt(40) == 0) {
      text = text + ":";
    }
    if (rnd.nextInt(40) == 0) {
      text = text.replaceFirst("::", ":::");
    }
    if (rnd.nextInt(40) == 0) {
      text = text + "%eth0";
    }
    return rnd.nextInt(30) == 0 ? "::" : text;
  }

  static String ip(Random rnd) {
    return rnd.nextBoolean() ? v4(rnd) : v6(rnd);
  }

  private static String spaced(Random rnd, String s) {
    if (rnd.nextInt(6) > 0) {
      return s;
    }
    String sp = SPACES[rnd.nextInt(SPACES.length)];
    return switch (rnd.nextInt(3)) {
      case 0 -> sp + s;
      case 1 -> s + sp;
      default -> sp + s + sp;
    };
  }

  /** Bare IP addresses, some broken. */
  static List<String> addresses(Random rnd, int n) {
    List<String> out =
        new ArrayList<>(List.of("", "::", "::1", "0.0.0.0", " 10.0.0.1", "10.0.0.1/32"));
    while (out.size() < n) {
      out.add(spaced(rnd, ip(rnd)));
    }
    return out;
  }

  /** IPAddressPool address entries: CIDRs and ranges, with their usual mistakes. */
  static List<String> addressEntries(Random rnd, int n) {
    List<String> out =
        new ArrayList<>(
            List.of(
                "0.0.0.0/0",
                "::/0",
                "10.0.0.0/024",
                "10.0.0.0/0032",
                "::ffff:10.0.0.0/120",
                "10.0.0.5/24",
                "10.0.0.1-10.0.0.1",
                "10.0.0.1 - 10.0.0.9",
                "10.0.0.9-10.0.0.1",
                "::1-1.2.3.4",
                "1.2.3.4-::1",
                "2001:db8::1-1.2.3.4",
                "0:0::1-1.2.3.4",
                "-",
                "10.0.0.1-",
                "-10.0.0.1",
                "10.0.0.1-10.0.0.2-10.0.0.3",
                "10.0.0.1/24-10.0.0.5"));
    while (out.size() < n) {
      String entry =
          switch (rnd.nextInt(4)) {
            case 0, 1 -> {
              String a = ip(rnd);
              int max = a.contains(":") ? 128 : 32;
              String len =
                  switch (rnd.nextInt(8)) {
                    case 0 -> String.valueOf(max + 1 + rnd.nextInt(5));
                    case 1 -> "0" + rnd.nextInt(max + 1);
                    case 2 -> "";
                    case 3 -> "-1";
                    default -> String.valueOf(rnd.nextInt(max + 1));
                  };
              yield a + "/" + len;
            }
            case 2 -> {
              // a range of one family, in or out of order
              boolean six = rnd.nextBoolean();
              String a = six ? v6(rnd) : v4(rnd);
              String b = six ? v6(rnd) : v4(rnd);
              String dash = rnd.nextInt(4) == 0 ? " - " : "-";
              yield a + dash + b;
            }
            default -> ip(rnd) + "-" + ip(rnd);
          };
      out.add(spaced(rnd, entry));
    }
    return out;
  }

  /** Durations for holdTime, keepaliveTime and connectTime ("" leaves the field out). */
  static List<String> durations() {
    return List.of(
        "",
        "0",
        "0s",
        "90s",
        "3s",
        "1m30s",
        "2.5s",
        "500ms",
        "1s",
        "2s",
        "2900ms",
        "2999999999ns",
        "3000ms",
        "-5s",
        "-0.5s",
        " 90s",
        "90s ",
        "90",
        "1h",
        ".5s",
        "1.s",
        "+3s",
        "0.4s",
        "333333334ns",
        "333333333ns",
        "10us",
        "10\u00b5s",
        "1x",
        "",
        "65535s",
        "65536s",
        "1500ms",
        "1000500us",
        "18h12m15s",
        "1.5h");
  }

  /** A v1beta2 BGPPeer spec ferrolb accepts. */
  static Map<String, Object> peer() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("myASN", 64512L);
    spec.put("peerASN", 64513L);
    spec.put("peerAddress", "192.0.2.1");
    return spec;
  }

  /** Community values: standard, large, and near misses. */
  static List<String> communities(Random rnd, int n) {
    List<String> out =
        new ArrayList<>(
            List.of(
                "",
                "65535:65535",
                "65536:0",
                "0:0",
                "1:2:3",
                "large:1:2:3",
                "large:1:2",
                "LARGE:1:2:3",
                "lrg:1:2:3",
                "large:4294967295:4294967295:4294967295",
                "large:4294967296:1:1",
                "00000065535:1",
                "+1:2",
                "-1:2",
                "1 :2",
                "gold",
                "large:00000000001:1:1",
                "1:",
                ":1"));
    while (out.size() < n) {
      boolean large = rnd.nextInt(3) == 0;
      int parts = large ? 3 : 2;
      if (rnd.nextInt(8) == 0) {
        parts += rnd.nextBoolean() ? 1 : -1;
      }
      List<String> p = new ArrayList<>();
      for (int i = 0; i < parts; i++) {
        long max = large ? 0xFFFF_FFFFL : 0xFFFF;
        p.add(
            switch (rnd.nextInt(10)) {
              case 0 -> String.valueOf(max + 1 + rnd.nextInt(100));
              case 1 -> "0" + rnd.nextInt(100);
              case 2 -> "";
              case 3 -> "x" + rnd.nextInt(9);
              default -> String.valueOf((long) (rnd.nextDouble() * (max + 1)));
            });
      }
      out.add((large ? "large:" : "") + String.join(":", p));
    }
    return out;
  }
}
