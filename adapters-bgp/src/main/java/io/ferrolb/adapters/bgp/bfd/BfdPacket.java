package io.ferrolb.adapters.bgp.bfd;

import java.util.Objects;

/**
 * A BFD control packet without authentication (RFC 5880 §4.1). Intervals are microseconds.
 *
 * @param diagnostic why the sender's session last left Up (RFC 5880 §4.1 "Diag")
 */
public record BfdPacket(
    int diagnostic,
    BfdState state,
    boolean poll,
    boolean fin,
    int detectMultiplier,
    long myDiscriminator,
    long yourDiscriminator,
    long desiredMinTxMicros,
    long requiredMinRxMicros,
    long requiredMinEchoRxMicros) {
  public static final int DIAG_NONE = 0;
  public static final int DIAG_DETECTION_TIME_EXPIRED = 1;
  public static final int DIAG_NEIGHBOR_SIGNALED_DOWN = 3;
  public static final int DIAG_ADMIN_DOWN = 7;

  public BfdPacket {
    Objects.requireNonNull(state, "state");
    if (diagnostic < 0 || diagnostic > 31) {
      throw new IllegalArgumentException("BFD diagnostic: " + diagnostic + " (expected: 0..31)");
    }
    if (detectMultiplier < 0 || detectMultiplier > 255) {
      throw new IllegalArgumentException(
          "BFD detect multiplier: " + detectMultiplier + " (expected: 0..255)");
    }
  }
}
