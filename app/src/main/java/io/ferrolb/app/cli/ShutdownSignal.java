package io.ferrolb.app.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits for SIGTERM/SIGINT and holds the JVM open until the command has closed what it runs.
 *
 * <p>The JVM exits as soon as its shutdown hooks return, whatever other threads are doing. A hook
 * that only wakes the main thread lets the JVM die in the middle of the main thread's clean-up: a
 * speaker would not finish closing its BGP sessions (graceful restart or CEASE) or leaving gossip,
 * a controller would not release its Lease. Here the hook waits, up to {@code grace}, until {@link
 * #closed()} is called.
 */
final class ShutdownSignal {
  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);

  private ShutdownSignal(Duration grace) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  requested.countDown();
                  try {
                    done.await(grace.toMillis(), TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "ferrolb-shutdown"));
  }

  /** Installs the hook; Kubernetes waits 30 s by default before SIGKILL, so 10 s is safe. */
  static ShutdownSignal install() {
    return new ShutdownSignal(Duration.ofSeconds(10));
  }

  /** Blocks until the process is asked to stop. */
  void awaitRequest() throws InterruptedException {
    requested.await();
  }

  /** Everything is closed: the JVM may exit. */
  void closed() {
    done.countDown();
  }
}
