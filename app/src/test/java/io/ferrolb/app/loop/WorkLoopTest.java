package io.ferrolb.app.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The generic loop with a scripted worker (the use cases have their own thread-free tests). */
class WorkLoopTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private record Item(String name) {}

  private static final class CountingMetrics implements WorkLoop.Metrics {
    final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    final AtomicInteger retries = new AtomicInteger();

    @Override
    public void queueDepth(int depth) {}

    @Override
    public void reconciled(String outcome) {
      outcomes.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void retried() {
      retries.incrementAndGet();
    }

    int count(String outcome) {
      AtomicInteger n = outcomes.get(outcome);
      return n == null ? 0 : n.get();
    }
  }

  private final CountingMetrics metrics = new CountingMetrics();
  private final WorkLoop<Item> loop = new WorkLoop<>("test-loop", metrics);
  private final List<String> passes = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    loop.close();
  }

  @ParameterizedTest(name = "first {0} ms, attempt {1}: wait {2} ms")
  @CsvSource({
    "100, 1, 100", //  the first retry waits the outcome's own delay
    "100, 2, 200", //  then doubles
    "100, 7, 6400",
    "100, 8, 10000", // capped at 10 s
    "500, 1, 500",
    "500, 40, 10000", // no overflow however long it keeps failing
  })
  void theBackoffDoublesUpToTenSeconds(long firstMillis, int attempt, long waitMillis) {
    assertThat(WorkLoop.backoff(Duration.ofMillis(firstMillis), attempt))
        .isEqualTo(Duration.ofMillis(waitMillis));
  }

  @Test
  void aRetriedItemComesBackUntilItIsDoneAndItsFollowUpsRun() {
    AtomicInteger failuresLeft = new AtomicInteger(2);
    loop.start(
        item -> {
          passes.add(item.name());
          if (item.name().equals("flaky") && failuresLeft.getAndDecrement() > 0) {
            return new ReconcileOutcome.Retry<>(Duration.ofMillis(1), "not yet");
          }
          if (item.name().equals("flaky")) {
            return ReconcileOutcome.then(List.of(new Item("next")));
          }
          return ReconcileOutcome.done();
        });
    loop.add(new Item("flaky"));
    await().atMost(WAIT).until(() -> passes.contains("next"));
    assertThat(passes).containsExactly("flaky", "flaky", "flaky", "next");
    assertThat(metrics.count("retry")).isEqualTo(2);
    assertThat(metrics.retries.get()).isEqualTo(2);
    assertThat(metrics.count("done")).isEqualTo(2);
  }

  @Test
  void reprocessAllQueuesEveryItemItNames() {
    loop.start(
        item -> {
          passes.add(item.name());
          return item.name().equals("config")
              ? new ReconcileOutcome.ReprocessAll<>(List.of(new Item("a"), new Item("b")))
              : ReconcileOutcome.done();
        });
    loop.add(new Item("config"));
    await().atMost(WAIT).until(() -> passes.size() == 3);
    assertThat(passes).containsExactly("config", "a", "b");
    assertThat(metrics.count("reprocessAll")).isEqualTo(1);
  }

  @Test
  void anItemTheWorkerDoesNotAdmitGetsNoPassAndABugIsFatalNotRetried() {
    loop.start(
        new WorkLoop.Worker<>() {
          @Override
          public boolean admits(Item item) {
            return !item.name().equals("standby");
          }

          @Override
          public ReconcileOutcome<Item> work(Item item) {
            passes.add(item.name());
            if (item.name().equals("bug")) {
              throw new IllegalStateException("broken invariant");
            }
            return ReconcileOutcome.done();
          }
        });
    loop.add(new Item("standby"));
    loop.add(new Item("bug"));
    loop.add(new Item("last"));
    await().atMost(WAIT).until(() -> passes.contains("last"));
    assertThat(passes).containsExactly("bug", "last");
    assertThat(metrics.count("fatal")).isEqualTo(1);
    assertThat(metrics.retries.get()).isZero();
  }

  @Test
  void anAsynchronousFailureIsRetriedThroughTheSameBackoff() {
    loop.start(
        item -> {
          passes.add(item.name());
          return ReconcileOutcome.done();
        });
    loop.retry(new Item("write"), new ReconcileOutcome.Retry<>(Duration.ofMillis(1), "HTTP 500"));
    await().atMost(WAIT).until(() -> passes.contains("write"));
    assertThat(metrics.retries.get()).isEqualTo(1);
  }
}
