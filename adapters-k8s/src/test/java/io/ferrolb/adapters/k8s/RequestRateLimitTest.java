package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RequestRateLimitTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<Long> slept = new ArrayList<>();

  private RequestRateLimit limit(double qps, int burst) {
    return new RequestRateLimit(
        new RequestRateLimit.Settings(qps, burst),
        now::get,
        nanos -> {
          slept.add(nanos);
          now.addAndGet(nanos);
        });
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  @Test
  void aBurstGoesAtOnceThenRequestsQueueAtTheRate() {
    RequestRateLimit l = limit(20, 30);
    for (int i = 0; i < 30; i++) {
      assertThat(l.reserve()).as("request %d of the burst", i).isZero();
    }
    // the 31st waits one interval (50 ms at 20 qps), the 32nd two: they queue in order
    assertThat(ms(l.reserve())).isEqualTo(50);
    assertThat(ms(l.reserve())).isEqualTo(100);
  }

  @Test
  void aQuietSpellRefillsTheBucketUpToTheBurstOnly() {
    RequestRateLimit l = limit(10, 5);
    for (int i = 0; i < 5; i++) {
      l.reserve();
    }
    now.addAndGet(TimeUnit.SECONDS.toNanos(60)); // a minute idle earns 600 tokens, capped at 5
    for (int i = 0; i < 5; i++) {
      assertThat(l.reserve()).isZero();
    }
    assertThat(ms(l.reserve())).isEqualTo(100);
  }

  @Test
  void beforeSleepsOnlyWhenTheBucketIsEmpty() {
    RequestRateLimit l = limit(2, 1);
    l.before(null, null, null);
    assertThat(slept).isEmpty();
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100)); // 0.2 tokens back: 400 ms short
    l.before(null, null, null);
    assertThat(slept).hasSize(1);
    assertThat(ms(slept.get(0))).isEqualTo(400);
  }

  @Test
  void zeroQpsMeansNoLimit() {
    RequestRateLimit l = limit(0, 0);
    for (int i = 0; i < 1000; i++) {
      l.before(null, null, null);
    }
    assertThat(slept).isEmpty();
  }

  @Test
  void aLimitWithoutABurstIsRefused() {
    assertThatThrownBy(() -> new RequestRateLimit.Settings(20, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("burst must be at least 1, got 0");
  }
}
