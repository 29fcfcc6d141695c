package io.ferrolb.adapters.l2;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of the responder.
 *
 * @param gratuitousInterval time between gratuitous rounds after gaining an address (MetalLB: 1.1
 *     s, internal/layer2/announcer.go spamLoop, chosen in metallb issue 172)
 * @param gratuitousDuration how long the rounds go on (MetalLB: 5 s); rounds = duration / interval
 *     + 1, the first one immediately
 * @param warmUpRounds synthetic requests run through the decision path at {@link
 *     L2Responder#start()} so the first real answer is JIT-compiled (a cold JVM took ~96 ms); 0 =
 *     none. Default 5000 rounds x 6 frames = 30,000 calls, past C2's Tier4 thresholds (HotSpot
 *     defaults 5,000 invocations / 15,000 with loops), allocating ~10 MB once
 * @param realtimePriority SCHED_FIFO priority (1..99) for the receive threads, 0 = normal
 *     scheduling (the default: it needs CAP_SYS_NICE); see {@code RealtimeThread}
 */
public record L2ResponderConfig(
    Duration gratuitousInterval,
    Duration gratuitousDuration,
    int warmUpRounds,
    int realtimePriority) {

  public static final L2ResponderConfig DEFAULTS =
      new L2ResponderConfig(Duration.ofMillis(1100), Duration.ofSeconds(5), 5_000, 0);

  public L2ResponderConfig {
    Objects.requireNonNull(gratuitousInterval, "gratuitousInterval");
    Objects.requireNonNull(gratuitousDuration, "gratuitousDuration");
    if (gratuitousInterval.isNegative() || gratuitousInterval.isZero()) {
      throw new IllegalArgumentException(
          "gratuitousInterval: " + gratuitousInterval + " (expected: > 0)");
    }
    if (gratuitousDuration.isNegative()) {
      throw new IllegalArgumentException(
          "gratuitousDuration: " + gratuitousDuration + " (expected: >= 0)");
    }
    if (realtimePriority < 0 || realtimePriority > 99) {
      throw new IllegalArgumentException(
          "realtimePriority: " + realtimePriority + " (expected: 0 = off, or 1..99 SCHED_FIFO)");
    }
    if (warmUpRounds < 0) {
      throw new IllegalArgumentException("warmUpRounds: " + warmUpRounds + " (expected: >= 0)");
    }
  }

  /** This configuration with the receive threads under SCHED_FIFO at {@code priority}. */
  public L2ResponderConfig withRealtimePriority(int priority) {
    return new L2ResponderConfig(gratuitousInterval, gratuitousDuration, warmUpRounds, priority);
  }

  /** Number of gratuitous rounds per gained address, the first one immediately. */
  public long gratuitousRounds() {
    return gratuitousDuration.toNanos() / gratuitousInterval.toNanos() + 1;
  }
}
