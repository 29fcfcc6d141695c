package io.ferrolb.adapters.k8s;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at a view's informers every few seconds on one daemon thread and replaces any that stopped
 * watching ({@link Watched#check}).
 */
final class InformerWatchdog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InformerWatchdog.class);

  private final ScheduledExecutorService timer;

  private InformerWatchdog(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Checks {@code watched} every {@code stuckAfter / 4} (at least every 5 s). */
  static InformerWatchdog start(String name, List<Watched<?>> watched, Duration stuckAfter) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ferrolb-informer-watchdog-" + name);
              t.setDaemon(true);
              return t;
            });
    long every = Math.min(5_000, Math.max(250, stuckAfter.toMillis() / 4));
    List<Watched<?>> all = List.copyOf(watched);
    timer.scheduleWithFixedDelay(
        () -> {
          long now = System.nanoTime();
          for (Watched<?> w : all) {
            try {
              w.check(now, stuckAfter);
            } catch (RuntimeException e) {
              // a failed look must not end the watchdog: the next one tries again
              LOG.warn("event=informerCheckFailed type={}", w.type(), e);
            }
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
    return new InformerWatchdog(timer);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
