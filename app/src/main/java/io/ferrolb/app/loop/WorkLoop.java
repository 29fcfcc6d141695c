package io.ferrolb.app.loop;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One thread draining a de-duplicating queue of typed work items. Watches, electors and write
 * pipelines only {@link #add} items (or report a {@link #retry}); the loop thread hands each item
 * to its {@link Worker}, which returns a {@link ReconcileOutcome}, and the loop alone turns that
 * outcome into requeueing: follow-up items, a re-run of everything, or a retry after a doubling
 * backoff. Each pass carries its identity on every log line through the MDC key {@code reconcile}
 * ({@code #<pass> <item>}).
 *
 * <p>Nothing runs until {@link #start}; the worker is given there, so the objects it needs can be
 * built with a reference to the loop (to report retries) before it exists.
 *
 * @param <W> the work items; records, since the queue de-duplicates with {@code equals} and logs
 *     with {@code toString}
 */
public final class WorkLoop<W> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkLoop.class);

  // how long a poll waits before the loop looks at its running flag again
  private static final long POLL_MILLIS = 1000;
  // the longest retry backoff: a transient API failure is looked at again at least this often
  private static final Duration MAX_RETRY = Duration.ofSeconds(10);
  // 2^16 times the first delay is beyond MAX_RETRY for any first delay of a millisecond or more
  private static final int MAX_DOUBLINGS = 16;

  /** What a loop reports; the controller's metrics implement it. */
  public interface Metrics {
    /** Items waiting, after each poll. */
    void queueDepth(int depth);

    /** One pass ended with {@code outcome}: done, retry, fatal or reprocessAll. */
    void reconciled(String outcome);

    /** An item was scheduled again after a transient failure. */
    void retried();
  }

  /** The passes the loop runs, always on the loop thread. */
  public interface Worker<W> {
    /** False drops {@code item} without a pass (a standby, or work that a rebuild covers). */
    default boolean admits(W item) {
      return true;
    }

    /** One pass over {@code item}; a RuntimeException counts as {@link ReconcileOutcome.Fatal}. */
    ReconcileOutcome<W> work(W item);

    /** The queue ran empty after a pass. */
    default void drained() {}
  }

  private final String name;
  private final Metrics metrics;
  private final WorkQueue<W> queue = new WorkQueue<>();
  private final Map<W, Integer> attempts = new ConcurrentHashMap<>();
  private final AtomicLong passes = new AtomicLong();
  private volatile boolean running;
  private Thread thread;
  private ScheduledExecutorService timers;

  /**
   * @param name the loop thread's name; the retry timer's thread is named {@code <name>-retry}
   */
  public WorkLoop(String name, Metrics metrics) {
    this.name = Objects.requireNonNull(name, "name");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** Starts the loop thread and the retry timer; items added before are not lost. */
  public synchronized void start(Worker<W> worker) {
    Objects.requireNonNull(worker, "worker");
    if (thread != null) {
      throw new IllegalStateException("loop " + name + " already started");
    }
    timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name + "-retry");
              t.setDaemon(true);
              return t;
            });
    running = true;
    thread = new Thread(() -> run(worker), name);
    thread.setDaemon(true); // the command's main thread decides when the process ends
    thread.start();
  }

  /** Queues {@code item} unless it is already waiting; any thread. */
  public void add(W item) {
    queue.add(Objects.requireNonNull(item, "item"));
  }

  /** Queues {@code item} at the head; any thread. */
  public void addFirst(W item) {
    queue.addFirst(Objects.requireNonNull(item, "item"));
  }

  /**
   * Queues {@code item} every {@code period}, the first time one period from now, until {@link
   * #close}; call after {@link #start}.
   */
  public void every(Duration period, W item) {
    Objects.requireNonNull(item, "item");
    long ms = period.toMillis();
    started().scheduleWithFixedDelay(() -> queue.add(item), ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Queues {@code item} once, {@code delay} from now; call after {@link #start}. */
  public void addAfter(Duration delay, W item) {
    Objects.requireNonNull(item, "item");
    started().schedule(() -> queue.add(item), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized ScheduledExecutorService started() {
    if (timers == null) {
      throw new IllegalStateException("loop " + name + " not started");
    }
    return timers;
  }

  /** Drops every waiting item (retries already scheduled still arrive); any thread. */
  public void clear() {
    queue.clear();
  }

  /**
   * A pass over {@code item} that finished elsewhere failed (an asynchronous write): schedules it
   * again with the same backoff a {@link ReconcileOutcome.Retry} from the worker gets; any thread.
   */
  public void retry(W item, ReconcileOutcome.Retry<W> retry) {
    Duration wait = backoff(retry.after(), attempts.merge(item, 1, Integer::sum));
    metrics.retried();
    LOG.debug("event=retry key={} in={}ms reason={}", item, wait.toMillis(), retry.reason());
    ScheduledExecutorService t = timers;
    if (t != null && !t.isShutdown()) {
      t.schedule(() -> queue.add(item), wait.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The wait before attempt {@code attempt + 1}: {@code first} doubled per attempt, capped. */
  static Duration backoff(Duration first, int attempt) {
    Duration wait = first.multipliedBy(1L << Math.min(Math.max(attempt, 1) - 1, MAX_DOUBLINGS));
    return wait.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait;
  }

  /** Stops the thread (waiting up to 5 s for the pass in progress) and the retry timer. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
      if (timers != null) {
        timers.shutdownNow();
      }
    }
    if (t == null) {
      return;
    }
    t.interrupt();
    try {
      t.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run(Worker<W> worker) {
    while (running) {
      W item;
      try {
        item = queue.poll(POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      metrics.queueDepth(queue.size());
      if (item == null || !worker.admits(item)) {
        continue;
      }
      long id = passes.incrementAndGet();
      ReconcileOutcome<W> outcome;
      try (var c = MDC.putCloseable("reconcile", "#" + id + " " + item)) {
        outcome = worker.work(item);
      } catch (RuntimeException e) {
        LOG.error("event=reconcileBug key={}", item, e);
        outcome = new ReconcileOutcome.Fatal<>(e.toString());
      }
      handle(item, outcome);
      if (queue.isEmpty()) {
        worker.drained();
      }
    }
  }

  private void handle(W item, ReconcileOutcome<W> outcome) {
    if (outcome instanceof ReconcileOutcome.Done<W> d) {
      attempts.remove(item);
      metrics.reconciled("done");
      d.then().forEach(queue::add);
    } else if (outcome instanceof ReconcileOutcome.ReprocessAll<W> r) {
      attempts.remove(item);
      metrics.reconciled("reprocessAll");
      r.all().forEach(queue::add);
    } else if (outcome instanceof ReconcileOutcome.Retry<W> r) {
      metrics.reconciled("retry");
      retry(item, r);
    } else if (outcome instanceof ReconcileOutcome.Fatal<W> f) {
      attempts.remove(item);
      metrics.reconciled("fatal");
      LOG.error("event=reconcileFailed key={} reason={}", item, f.reason());
    }
  }
}
