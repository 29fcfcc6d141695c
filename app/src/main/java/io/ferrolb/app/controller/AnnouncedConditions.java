package io.ferrolb.app.controller;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.AnnouncedCondition;
import io.ferrolb.domain.announce.ServiceState;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.ConfigLoader;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.ports.out.AnnouncementReports;
import io.ferrolb.ports.out.ClusterWriteException;
import io.ferrolb.ports.out.Leadership;
import io.ferrolb.ports.out.ServiceConditionWriter;
import io.ferrolb.ports.out.SpeakerView;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@value AnnouncedCondition#TYPE} condition of every LoadBalancer Service true to what
 * the speakers report, and, where nobody announces a Service, says why (the announcement rules
 * judged over every node that runs a speaker). Only the leader writes.
 *
 * <p>{@link #pass()} is the use case: synchronous, one pass over every Service, writing only what
 * changed since the last pass. {@link #start()} runs it on its own thread after changes (at most
 * once per {@code debounce}), and again after a failed write.
 */
public final class AnnouncedConditions implements Leadership.Listener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AnnouncedConditions.class);
  private static final long DEBOUNCE_MS = 500;
  private static final long RETRY_MS = 5_000;

  /** How often every condition is compared with the cluster again, healing any lost write. */
  private static final long RESYNC_S = 300;

  /**
   * The longest a pass waits for address writes in flight to finish: addresses first (a new leader
   * with a backlog of Services to assign shares the API server and the CPU with this pass), but the
   * conditions are not starved by a steady stream of changes.
   */
  private static final long MAX_DEFER_MS = 5_000;

  private final SpeakerView view;
  private final AnnouncementReports reports;
  private final ServiceConditionWriter writer;
  private final String namespace;
  private final BooleanSupplier addressesBusy;

  /**
   * What was last written for each Service, as {@link #fingerprint}: not the condition itself,
   * whose message (one sentence naming the address and nodes) the cached Service holds already.
   */
  private final Map<ServiceKey, Long> written = new HashMap<>();

  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean leader;
  private volatile boolean forget;
  private long deferredSince = -1; // on the pass thread only
  private final ConfigLoader configLoader = new ConfigLoader();
  private ScheduledExecutorService thread;

  public AnnouncedConditions(
      SpeakerView view,
      AnnouncementReports reports,
      ServiceConditionWriter writer,
      String namespace) {
    this(view, reports, writer, namespace, () -> false);
  }

  /**
   * @param addressesBusy true while address writes are in flight: a pass then waits (up to {@value
   *     #MAX_DEFER_MS} ms)
   */
  public AnnouncedConditions(
      SpeakerView view,
      AnnouncementReports reports,
      ServiceConditionWriter writer,
      String namespace,
      BooleanSupplier addressesBusy) {
    this.addressesBusy = Objects.requireNonNull(addressesBusy, "addressesBusy");
    this.view = Objects.requireNonNull(view, "view");
    this.reports = Objects.requireNonNull(reports, "reports");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /** The outcome of one pass. */
  public record Outcome(int written, int failed) {}

  /**
   * Judges every Service and writes the conditions that changed; does nothing until this replica
   * leads and the caches are synced.
   */
  public synchronized Outcome pass() {
    if (!leader || !view.synced() || !reports.synced()) {
      return new Outcome(0, 0);
    }
    if (forget) {
      forget = false;
      written.clear();
    }
    Optional<Config> config = config();
    Map<ServiceKey, AnnouncedCondition.Reports> reported = reports.snapshot();
    var nodes = view.nodes();
    var speakers = view.expectedSpeakers();
    Set<ServiceKey> seen = new HashSet<>();
    int wrote = 0;
    int failed = 0;
    for (ServiceState svc : view.services()) {
      AnnouncedCondition c =
          AnnouncedCondition.judge(
              svc,
              config,
              nodes,
              speakers,
              reported.getOrDefault(svc.key(), AnnouncedCondition.Reports.NONE),
              false);
      seen.add(svc.key());
      long fingerprint = fingerprint(c);
      Long was = written.get(svc.key());
      if (was != null && was == fingerprint) {
        continue;
      }
      try {
        if (writer.write(svc.key(), c)) {
          wrote++;
          LOG.debug(
              "event=announcedCondition service={} status={} reason={}",
              svc.key(),
              c.announced(),
              c.reason());
        }
        written.put(svc.key(), fingerprint);
      } catch (ClusterWriteException e) {
        failed++;
        LOG.debug("event=conditionWriteFailed service={}: {}", svc.key(), e.getMessage());
      }
    }
    written.keySet().retainAll(seen);
    return new Outcome(wrote, failed);
  }

  /**
   * 64 bits of {@code c}: its status, its reason's and its message's hashes. Two different
   * conditions of one Service that agree on all three (a message hash collision, one in 2^32) would
   * skip a write until the next resync ({@value #RESYNC_S} s), which compares with the cluster
   * again.
   */
  static long fingerprint(AnnouncedCondition c) {
    return ((long) c.reason().hashCode() << 32 | (c.message().hashCode() & 0xffffffffL))
        ^ (c.announced() ? Long.MIN_VALUE : 0);
  }

  /** The configuration as the speakers' view reads it; an invalid one keeps the last good. */
  private Optional<Config> config() {
    return configLoader.load(view.configObjects(), ParseContext.of(namespace)).config();
  }

  /** Starts the watches and the thread that runs {@link #pass()} after changes. */
  public synchronized void start() {
    thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ferrolb-announced-conditions");
              t.setDaemon(true);
              return t;
            });
    view.start(this::changed);
    reports.start(this::changed);
    thread.scheduleWithFixedDelay(
        () -> {
          forget = true;
          schedule(0);
        },
        RESYNC_S,
        RESYNC_S,
        TimeUnit.SECONDS);
  }

  private void changed() {
    schedule(DEBOUNCE_MS);
  }

  private void schedule(long delayMs) {
    ScheduledExecutorService t = thread;
    if (t == null || !scheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      t.schedule(this::run, delayMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      scheduled.set(false); // closing
    }
  }

  private void run() {
    scheduled.set(false);
    long now = System.nanoTime();
    if (addressesBusy.getAsBoolean()
        && (deferredSince < 0 || now - deferredSince < MAX_DEFER_MS * 1_000_000)) {
      if (deferredSince < 0) {
        deferredSince = now;
      }
      schedule(DEBOUNCE_MS);
      return;
    }
    deferredSince = -1;
    try {
      if (pass().failed() > 0) {
        schedule(RETRY_MS);
      }
    } catch (RuntimeException e) {
      LOG.error("event=announcedConditionsBug", e);
      schedule(RETRY_MS);
    }
  }

  /** Never blocks: the Lease's thread calls it, and a pass may be long. */
  @Override
  public void startedLeading() {
    forget = true; // another leader may have written meanwhile: compare with the cluster again
    leader = true;
    schedule(0);
  }

  @Override
  public void stoppedLeading() {
    leader = false;
  }

  @Override
  public void newLeader(String identity) {}

  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.shutdownNow();
    }
    view.close();
    reports.close();
  }
}
