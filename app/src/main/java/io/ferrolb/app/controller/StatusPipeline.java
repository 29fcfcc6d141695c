package io.ferrolb.app.controller;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.ClusterWriteException;
import io.ferrolb.ports.out.ServiceSnapshot;
import io.ferrolb.ports.out.ServiceStatusWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the loop's decisions to the API server on a few threads, so one slow round trip does not
 * hold up every other Service. Writes of one Service stay in order (each is chained after the
 * previous one of that key); a desired state already on its way is not sent twice, even when the
 * cache has not caught up yet. A failed write hands the key back to the loop, which retries it with
 * its own backoff. A write still queued when this replica's term as leader ends is dropped: the
 * next leader decides from what the API server holds, and a late write of the old term would undo
 * its decision.
 */
final class StatusPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusPipeline.class);

  /** Where a failed write goes: the loop, as a retry of the Service. */
  interface Failures {
    void failed(String key, String reason);
  }

  private record Desired(List<IpAddress> ips, Optional<String> pool) {}

  private final ServiceStatusWriter writer;
  private final Executor pool;
  private final Failures onFailure;
  private final Runnable onWritten;
  private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
  private final Map<String, Desired> sent = new ConcurrentHashMap<>();

  /**
   * Writes on {@code executor} ({@code Runnable::run} writes on the caller's thread, as tests do);
   * {@link #close} shuts it down when it is an {@link ExecutorService}.
   */
  StatusPipeline(
      ServiceStatusWriter writer, Executor executor, Failures onFailure, Runnable onWritten) {
    this.writer = writer;
    this.pool = executor;
    this.onFailure = onFailure;
    this.onWritten = onWritten;
  }

  /** Writes on {@code threads} daemon threads of its own. */
  static StatusPipeline onThreads(
      ServiceStatusWriter writer, int threads, Failures onFailure, Runnable onWritten) {
    AtomicInteger n = new AtomicInteger();
    return new StatusPipeline(
        writer,
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "ferrolb-status-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            }),
        onFailure,
        onWritten);
  }

  /** Makes {@code current} show {@code ips} and {@code poolName}; called by the loop thread. */
  void submit(ServiceSnapshot current, List<IpAddress> ips, Optional<String> poolName) {
    String key = current.key();
    Desired d = new Desired(List.copyOf(ips), poolName);
    if (current.ingress().equals(d.ips()) && current.allocatedFromPool().equals(poolName)) {
      sent.remove(key, d);
      return;
    }
    if (d.equals(sent.get(key))) {
      return; // already on its way (or written, and the cache is behind)
    }
    sent.put(key, d);
    CompletableFuture<Void> next =
        tails.compute(
            key,
            (k, prev) ->
                (prev == null ? CompletableFuture.<Void>completedFuture(null) : prev)
                    .thenRunAsync(() -> write(current, d), pool));
    // outside compute: with a same-thread executor the write is already done here
    next.whenComplete((v, t) -> tails.remove(key, next));
  }

  /**
   * Waits until every write submitted so far has ended (succeeded, or failed and been handed back
   * to the loop), at most {@code timeout}; true when none is left. A new leader waits for this
   * before it reads the Services, so that its own writes of the previous term are in what it reads.
   */
  boolean awaitIdle(Duration timeout) {
    CompletableFuture<?>[] pending = tails.values().toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(pending).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true; // write() reports its own failures; an ended write is all that counts here
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** True while a write is queued or on its way (any thread). */
  boolean busy() {
    return !tails.isEmpty();
  }

  /**
   * This replica stopped leading (any thread): writes not yet sent are dropped, and what was sent
   * is forgotten, so the next term writes whatever it decides.
   */
  void endTerm() {
    sent.clear(); // every queued write now finds its state no longer wanted
  }

  /**
   * Forgets what was sent for {@code key} (the Service is gone); a write still queued is dropped.
   */
  void forget(String key) {
    sent.remove(key);
  }

  private void write(ServiceSnapshot current, Desired d) {
    if (sent.get(current.key()) != d) {
      // forgotten (its address was freed, or the term ended) or no longer wanted since it was
      // queued: a late write would put back an address the allocator has given up
      LOG.debug("event=statusWriteDropped service={}", current.key());
      return;
    }
    try {
      if (writer.write(current, d.ips(), d.pool())) {
        onWritten.run();
      }
    } catch (ClusterWriteException e) {
      sent.remove(current.key(), d);
      LOG.debug("event=statusWriteFailed service={}: {}", current.key(), e.getMessage());
      onFailure.failed(current.key(), "status write failed: " + e.getMessage());
    } catch (RuntimeException e) {
      sent.remove(current.key(), d);
      LOG.error("event=statusWriteBug service={}", current.key(), e);
      onFailure.failed(current.key(), "status write failed: " + e);
    }
  }

  @Override
  public void close() {
    if (!(pool instanceof ExecutorService threads)) {
      return;
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
