package io.ferrolb.domain.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;

/**
 * Durations in Go's {@code time.ParseDuration} syntax, as MetalLB reads {@code holdTime}, {@code
 * keepaliveTime} and {@code connectTime}: a sequence of decimal numbers with units ({@code 90s},
 * {@code 1m30s}, {@code 1.5h}, {@code 500ms}); units ns, us (µs), ms, s, m, h; a bare {@code 0} is
 * zero; a leading sign is allowed.
 */
public final class GoDuration {

  private GoDuration() {}

  /**
   * Parses Go duration text.
   *
   * @throws IllegalArgumentException naming what is wrong (expected form included)
   */
  public static Duration parse(String text) {
    String s = text;
    boolean negative = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalid("empty");
    }
    BigDecimal nanos = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (isAsciiDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String num = s.substring(start, i);
      if (num.isEmpty() || num.equals(".") || num.indexOf('.') != num.lastIndexOf('.')) {
        throw invalid("number expected at \"" + s.substring(start) + "\"");
      }
      int unitStart = i;
      while (i < s.length() && !isAsciiDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      String unit = s.substring(unitStart, i);
      long factor =
          switch (unit) {
            case "ns" -> 1L;
            case "us", "\u00b5s", "\u03bcs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "" -> throw invalid("missing unit after " + num);
            default -> throw invalid("unknown unit \"" + unit + "\"");
          };
      BigDecimal value = new BigDecimal(num.endsWith(".") ? num + "0" : num);
      nanos = nanos.add(value.multiply(BigDecimal.valueOf(factor)));
    }
    BigInteger whole = nanos.toBigInteger();
    // Go: time.Duration is an int64 of nanoseconds
    if (whole.bitLength() > 63) {
      throw invalid("overflows 2^63-1 ns");
    }
    Duration d = Duration.ofNanos(whole.longValueExact());
    return negative ? d.negated() : d;
  }

  /**
   * Go's digits are '0'..'9' only; {@code Character.isDigit} also takes the other scripts' digits
   * ("6s" after U+06F0, an Extended Arabic-Indic zero, was 6 s here and an error in MetalLB; found
   * by {@code GoDurationFuzzTest}).
   */
  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static IllegalArgumentException invalid(String why) {
    return new IllegalArgumentException(
        "invalid duration: " + why + " (expected: Go duration like 90s, 1m30s, 500ms)");
  }

  /** Go's {@code Duration.String()}: {@code 1m30s}, {@code 1.5s}, {@code 500ms}, {@code 0s}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (d.isNegative()) {
      sb.append('-');
      d = d.negated();
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      long ns = d.toNanos();
      if (ns < 1_000) {
        return sb.append(ns).append("ns").toString();
      }
      int scale = ns < 1_000_000 ? 3 : 6;
      String unit = ns < 1_000_000 ? "\u00b5s" : "ms";
      return sb.append(BigDecimal.valueOf(ns, scale).stripTrailingZeros().toPlainString())
          .append(unit)
          .toString();
    }
    long h = d.toHours();
    long m = d.toMinutesPart();
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      sb.append(m).append('m');
    }
    BigDecimal secs =
        BigDecimal.valueOf(d.toSecondsPart())
            .add(BigDecimal.valueOf(d.toNanosPart(), 9))
            .stripTrailingZeros();
    sb.append(secs.toPlainString()).append('s');
    return sb.toString();
  }
}
