package io.ferrolb.adapters.bgp.bfd;

import java.time.Duration;
import java.util.Objects;

/**
 * BFD timers of a BFDProfile (RFC 5880 §6.8.1; MetalLB defaults 300 ms, ×3).
 *
 * @param multihop RFC 5883 multihop BFD (UDP 4784) instead of RFC 5881 single hop (UDP 3784)
 * @param minimumTtl multihop only: packets from the peer with a lower TTL / hop limit are dropped
 *     (BFDProfile {@code minimumTtl}); single hop always requires 255 (RFC 5881 §5)
 * @param passive the Passive role (RFC 5880 §6.1, BFDProfile {@code passiveMode}): send nothing
 *     until the peer's first packet has arrived
 */
public record BfdSettings(
    Duration minTxInterval,
    Duration minRxInterval,
    int detectMultiplier,
    boolean multihop,
    int minimumTtl,
    boolean passive) {
  /** MetalLB BFDProfile {@code minimumTtl} default (FRR bfdd's multihop default). */
  public static final int DEFAULT_MINIMUM_TTL = 254;

  public BfdSettings {
    Objects.requireNonNull(minTxInterval, "minTxInterval");
    Objects.requireNonNull(minRxInterval, "minRxInterval");
    if (detectMultiplier < 1 || detectMultiplier > 255) {
      throw new IllegalArgumentException(
          "BFD detectMultiplier: " + detectMultiplier + " (expected: 1..255)");
    }
    if (minimumTtl < 1 || minimumTtl > 255) {
      throw new IllegalArgumentException("BFD minimumTtl: " + minimumTtl + " (expected: 1..255)");
    }
  }

  public BfdSettings(
      Duration minTxInterval,
      Duration minRxInterval,
      int detectMultiplier,
      boolean multihop,
      int minimumTtl) {
    this(minTxInterval, minRxInterval, detectMultiplier, multihop, minimumTtl, false);
  }

  public BfdSettings(
      Duration minTxInterval, Duration minRxInterval, int detectMultiplier, boolean multihop) {
    this(minTxInterval, minRxInterval, detectMultiplier, multihop, DEFAULT_MINIMUM_TTL);
  }

  public BfdSettings withPassive(boolean newPassive) {
    return new BfdSettings(
        minTxInterval, minRxInterval, detectMultiplier, multihop, minimumTtl, newPassive);
  }

  public static BfdSettings defaults() {
    return new BfdSettings(Duration.ofMillis(300), Duration.ofMillis(300), 3, false);
  }

  /** The lowest TTL / hop limit accepted from the peer: 255 on a single hop (RFC 5881 §5). */
  public int acceptedTtl() {
    return multihop ? minimumTtl : TtlFilter.GTSM_TTL;
  }

  /** The peer's UDP port: RFC 5881 §4 single hop 3784, RFC 5883 §5 multihop 4784. */
  public int destinationPort() {
    return multihop ? BfdSession.MULTIHOP_PORT : BfdSession.CONTROL_PORT;
  }
}
