package io.ferrolb.domain.config;

import org.immutables.value.Value;

/**
 * A BFDProfile. Intervals are in milliseconds. Defaults are FRR's (MetalLB: design/bgp-bfd.md):
 * receive and transmit 300 ms, echo 50 ms, detect multiplier 3, minimum TTL 254.
 */
@Value.Immutable
public interface BfdProfile {

  String name();

  @Value.Default
  default int receiveInterval() {
    return 300;
  }

  @Value.Default
  default int transmitInterval() {
    return 300;
  }

  @Value.Default
  default int echoInterval() {
    return 50;
  }

  @Value.Default
  default int detectMultiplier() {
    return 3;
  }

  @Value.Default
  default boolean echoMode() {
    return false;
  }

  @Value.Default
  default boolean passiveMode() {
    return false;
  }

  /** FRR default minimum TTL for multi-hop sessions. */
  @Value.Default
  default int minimumTtl() {
    return 254;
  }

  static ImmutableBfdProfile.Builder builder() {
    return ImmutableBfdProfile.builder();
  }
}
