package io.ferrolb.adapters.bgp.netty;

import java.time.Duration;
import java.util.Objects;

/** BFD timers of a BFDProfile (RFC 5880 §6.8.1; MetalLB defaults 300 ms, ×3). */
public record BfdSettings(
    Duration minTxInterval, Duration minRxInterval, int detectMultiplier, boolean multihop) {
  public BfdSettings {
    Objects.requireNonNull(minTxInterval, "minTxInterval");
    Objects.requireNonNull(minRxInterval, "minRxInterval");
    if (detectMultiplier < 1 || detectMultiplier > 255) {
      throw new IllegalArgumentException(
          "BFD detectMultiplier: " + detectMultiplier + " (expected: 1..255)");
    }
  }

  public static BfdSettings defaults() {
    return new BfdSettings(Duration.ofMillis(300), Duration.ofMillis(300), 3, false);
  }
}
