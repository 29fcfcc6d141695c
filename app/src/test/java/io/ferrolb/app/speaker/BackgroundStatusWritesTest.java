package io.ferrolb.app.speaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.ports.out.AnnouncementStatusWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BackgroundStatusWritesTest {
  private static Map<ServiceKey, Set<String>> services(String... names) {
    Map<ServiceKey, Set<String>> m = new TreeMap<>();
    for (String n : names) {
      m.put(new ServiceKey("default", n), Set.of());
    }
    return m;
  }

  /** Records each write; the first one waits until released, as a slow API server would. */
  static final class SlowWriter implements AnnouncementStatusWriter {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch firstStarted = new CountDownLatch(1);
    final List<String> written = new CopyOnWriteArrayList<>();

    @Override
    public void layer2(String node, Map<ServiceKey, Set<String>> set) {
      firstStarted.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.add("l2 " + new TreeSet<>(set.keySet()));
    }

    @Override
    public void bgp(String node, Map<ServiceKey, Set<String>> set) {
      written.add("bgp " + new TreeSet<>(set.keySet()));
    }
  }

  @Test
  void theLoopDoesNotWaitAndOnlyTheLatestWaitingStateIsWritten() throws Exception {
    SlowWriter slow = new SlowWriter();
    try (BackgroundStatusWrites writes = new BackgroundStatusWrites(slow)) {
      writes.layer2("n1", services("a"));
      assertThat(slow.firstStarted.await(5, TimeUnit.SECONDS)).isTrue();

      long started = System.nanoTime();
      writes.layer2("n1", services("a", "b"));
      writes.layer2("n1", services("a", "b", "c"));
      writes.bgp("n1", services("x"));
      // the callers returned while the first write is still held by the API server
      assertThat(slow.written).isEmpty();
      assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));

      slow.release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> slow.written.size() == 3);
      assertThat(slow.written)
          .containsExactly(
              "l2 [default/a]", "l2 [default/a, default/b, default/c]", "bgp [default/x]");
    }
  }

  @Test
  void aFailingWriteDoesNotStopLaterOnes() {
    List<String> written = new CopyOnWriteArrayList<>();
    AtomicBoolean failed = new AtomicBoolean();
    AnnouncementStatusWriter failingOnce =
        new AnnouncementStatusWriter() {
          @Override
          public void layer2(String node, Map<ServiceKey, Set<String>> set) {
            if (failed.compareAndSet(false, true)) {
              throw new IllegalStateException("boom");
            }
            written.add("l2 " + new TreeSet<>(set.keySet()));
          }

          @Override
          public void bgp(String node, Map<ServiceKey, Set<String>> set) {}
        };
    try (BackgroundStatusWrites writes = new BackgroundStatusWrites(failingOnce)) {
      writes.layer2("n1", services("a"));
      await().atMost(Duration.ofSeconds(5)).untilTrue(failed);
      writes.layer2("n1", services("b"));
      await().atMost(Duration.ofSeconds(5)).until(() -> written.contains("l2 [default/b]"));
    }
  }
}
