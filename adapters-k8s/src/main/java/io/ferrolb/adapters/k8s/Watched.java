package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind's informer, replaced when it stops following the cluster. fabric8 8.0.0's informer can
 * stay running without a watch for good: its Reflector does not reconnect after a watch that ended
 * without an error (ChaosIT saw a speaker's Services informer thousands of versions behind, with no
 * watch open, and the speaker never announced later Services). {@link #check}, called by an {@link
 * InformerWatchdog}, gives an informer that has listed, is running and has not watched for longer
 * than {@link #stuckAfter} a successor that lists on its own; only once it has listed does it take
 * the old one's place, so a reader never sees an empty store. Objects the old store held and the
 * new list lacks were deleted meanwhile: every handler hears of each ({@code onDelete}, final state
 * unknown), then of every listed object from the successor itself.
 *
 * <p>Readers call {@link #informer()} for each read and so follow a replacement; handlers are added
 * here, not on the informer, so a successor gets them too.
 */
final class Watched<T extends HasMetadata> {
  private static final Logger LOG = LoggerFactory.getLogger(Watched.class);

  private final String type;
  private final Supplier<SharedIndexInformer<T>> factory;
  private final List<ResourceEventHandler<? super T>> handlers = new CopyOnWriteArrayList<>();
  private volatile SharedIndexInformer<T> current;
  // guarded by this
  private Function<SharedIndexInformer<T>, CompletionStage<Void>> starter;
  private SharedIndexInformer<T> successor;
  private long successorSince;
  private long quietSince = -1;
  private int replacements;
  private boolean stopped;

  /**
   * @param type the kind, for logs
   * @param factory a new informer (not started) each call
   */
  Watched(String type, Supplier<SharedIndexInformer<T>> factory) {
    this.type = Objects.requireNonNull(type, "type");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.current = factory.get();
  }

  /**
   * How long an informer may go without a watch: 24 reconnect intervals (24 s by default), at least
   * 10 s. fabric8 backs a failing reconnect off up to 32 intervals, so after several failures in a
   * row (an API server away) a healthy informer may be replaced too; its successor just lists
   * afresh, and one that cannot list is dropped after as long again.
   */
  static Duration stuckAfter(Config config) {
    long interval = Math.max(1, config.getWatchReconnectInterval());
    return Duration.ofMillis(Math.max(10_000, interval * 24));
  }

  /** The informer now (a successor after a replacement). */
  SharedIndexInformer<T> informer() {
    return current;
  }

  String type() {
    return type;
  }

  synchronized void addEventHandler(ResourceEventHandler<? super T> h) {
    handlers.add(h);
    current.addEventHandler(h);
  }

  synchronized void removeEventHandler(ResourceEventHandler<? super T> h) {
    handlers.remove(h);
    current.removeEventHandler(h);
  }

  /**
   * Starts the informer with {@code starter} (which sets its exception handler and starts it, and
   * returns the stage that completes once it has listed); successors start the same way.
   */
  synchronized CompletionStage<Void> start(
      Function<SharedIndexInformer<T>, CompletionStage<Void>> starter) {
    this.starter = Objects.requireNonNull(starter, "starter");
    return starter.apply(current);
  }

  /** How many times the informer was replaced. */
  synchronized int replacements() {
    return replacements;
  }

  /**
   * One look of the watchdog at {@code nowNanos}: an informer quiet for {@code stuckAfter} gets a
   * successor (true when one was started now). Not started, stopped, not listed yet, or a successor
   * still listing: nothing to do.
   */
  synchronized boolean check(long nowNanos, Duration stuckAfter) {
    SharedIndexInformer<T> c = current;
    if (successor != null && nowNanos - successorSince > stuckAfter.toNanos()) {
      // a successor that cannot list either (the API server is away): try again later
      abandon(successor, new IllegalStateException("not listed within " + stuckAfter));
      return false;
    }
    if (stopped || starter == null || successor != null) {
      return false;
    }
    if (!c.isRunning() || !c.hasSynced() || c.isWatching()) {
      quietSince = -1;
      return false;
    }
    if (quietSince < 0) {
      quietSince = nowNanos;
      return false;
    }
    if (nowNanos - quietSince < stuckAfter.toNanos()) {
      return false;
    }
    LOG.warn(
        "event=informerReplaced type={} rv={} reason=\"running without a watch for {} s\"",
        type,
        c.lastSyncResourceVersion(),
        (nowNanos - quietSince) / 1_000_000_000L);
    SharedIndexInformer<T> next = factory.get();
    handlers.forEach(next::addEventHandler);
    successor = next;
    successorSince = nowNanos;
    starter
        .apply(next)
        .whenComplete(
            (v, t) -> {
              if (t == null) {
                takeOver(next);
              } else {
                abandon(next, t);
              }
            });
    return true;
  }

  private void takeOver(SharedIndexInformer<T> next) {
    SharedIndexInformer<T> old;
    synchronized (this) {
      if (stopped || successor != next) {
        next.stop();
        return;
      }
      old = current;
      current = next;
      successor = null;
      quietSince = -1;
      replacements++;
    }
    Set<String> listed = new HashSet<>(next.getStore().listKeys());
    for (T gone : old.getStore().list()) {
      if (!listed.contains(Cache.metaNamespaceKeyFunc(gone))) {
        handlers.forEach(h -> h.onDelete(gone, true));
      }
    }
    old.stop();
    LOG.info(
        "event=informerReplaced type={} rv={} listed={}",
        type,
        next.lastSyncResourceVersion(),
        listed.size());
  }

  private synchronized void abandon(SharedIndexInformer<T> next, Throwable t) {
    if (successor == next) {
      successor = null;
      quietSince = -1;
    }
    next.stop();
    LOG.warn("event=informerReplaceFailed type={}: {}", type, t.toString());
  }

  /** Stops the informer and any successor; no more replacements. */
  synchronized void stop() {
    stopped = true;
    current.stop();
    if (successor != null) {
      successor.stop();
      successor = null;
    }
  }
}
