package io.ferrolb.adapters.l2.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MembershipSettingsTest {
  private final MembershipSettings defaults =
      MembershipSettings.defaults(
          "node-a", InetAddress.getLoopbackAddress(), MemberlistKey.fromSecret("k"));

  @Test
  void defaultsUseMetalLbsPortAndSubSecondDetection() {
    assertThat(defaults.port()).isEqualTo(7946);
    assertThat(defaults.suspectTimeout().plus(defaults.verifyTimeout()))
        .isLessThan(Duration.ofMillis(700));
  }

  @Test
  void portOutOfRangeIsRejected() {
    assertThatThrownBy(() -> defaults.withPort(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: 0 (expected: 1..65535)");
  }

  @Test
  void suspectTimeoutMustCoverAtLeastTwoHeartbeats() {
    assertThatThrownBy(
            () ->
                defaults.withFailureDetection(
                    Duration.ofMillis(100), Duration.ofMillis(150), Duration.ofMillis(100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("suspectTimeout: 150 ms (expected: at least twice heartbeatInterval, 200 ms)");
  }

  @Test
  void mergeIntervalMustBeARange() {
    assertThatThrownBy(
            () -> defaults.withMergeInterval(Duration.ofSeconds(3), Duration.ofSeconds(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mergeMaxInterval: 3000 ms");
  }
}
