package io.ferrolb.app.observability;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads of ferrolb's small HTTP(S) servers (probes, metrics, webhook): a few daemon threads
 * that end when idle, so a scrape or a review never waits behind a slow one for long and an idle
 * server holds no threads.
 */
public final class HttpThreads {
  private HttpThreads() {}

  public static ExecutorService pool(String name, int threads) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
