package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ferrolb.ports.out.ClusterEvents;
import io.ferrolb.ports.out.ObjectRef;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * core/v1 Events, written by a background thread so the reconcile loop never waits on them (as
 * client-go's recorder). A repeat of the same (object, type, reason, message) bumps {@code count}
 * on the existing Event instead of creating a new one. When the queue is full, events are dropped
 * and counted.
 *
 * <p>Construction has no side effects: the writer thread starts with the first {@link #emit}, and
 * never after {@link #close}.
 */
public final class Fabric8ClusterEvents implements ClusterEvents, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Fabric8ClusterEvents.class);
  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ISO_INSTANT.withZone(ZoneOffset.UTC);
  // client-go's recorder keeps 1000 pending events (tools/record: maxQueuedEvents)
  private static final int QUEUE = 1000;
  // events are advisory: at most 50 writes/s with bursts of 100 (ferrolb's choice), so a mass
  // allocation (cold start of 10,000 Services) cannot crowd out status writes at the API server;
  // the excess waits in the queue and is dropped (and counted) when the queue is full
  private static final double EVENTS_PER_SECOND = 50;
  private static final double BURST = 100;
  // aggregation memory: distinct (object, reason, message) tuples remembered
  private static final int REMEMBERED = 4096;

  private static final PatchContext JSON_PATCH = PatchContext.of(PatchType.JSON);

  private record Pending(ObjectRef target, Type type, String reason, String message) {}

  private record Seen(String eventName, int count) {}

  private final KubernetesClient client;
  private final String component;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Map<Pending, Seen> seen =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Pending, Seen> eldest) {
          return size() > REMEMBERED;
        }
      };
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Thread writer;
  private final Object lifecycle = new Object();
  // set once each, under lifecycle; volatile so emit's check after the first start takes no lock
  private volatile boolean started;
  private volatile boolean closed;
  private double tokens = BURST;
  private long refilledAt = System.nanoTime();

  public Fabric8ClusterEvents(KubernetesClient client, String component) {
    this.client = Objects.requireNonNull(client, "client");
    this.component = component;
    this.writer = new Thread(this::run, "ferrolb-events");
    writer.setDaemon(true);
  }

  @Override
  public void emit(ObjectRef target, Type type, String reason, String message) {
    startWriter();
    if (!queue.offer(new Pending(target, type, reason, message))) {
      dropped.incrementAndGet();
    }
  }

  public long dropped() {
    return dropped.get();
  }

  public long failed() {
    return failed.get();
  }

  /** Starts the writer thread unless it runs already or this was closed. */
  private void startWriter() {
    if (started) {
      return;
    }
    synchronized (lifecycle) {
      if (!started && !closed) {
        writer.start();
        started = true;
      }
    }
  }

  private void run() {
    while (!closed) {
      Pending p;
      try {
        p = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        awaitToken();
      } catch (InterruptedException e) {
        return;
      }
      try {
        write(p);
      } catch (KubernetesClientException e) {
        failed.incrementAndGet();
        LOG.debug("event=eventWriteFailed target={} reason={}: {}", p.target(), p.reason(), e);
      } catch (RuntimeException e) {
        failed.incrementAndGet();
        LOG.warn("event=eventWriteFailed target={} reason={}", p.target(), p.reason(), e);
      }
    }
  }

  private void awaitToken() throws InterruptedException {
    while (true) {
      long now = System.nanoTime();
      tokens = Math.min(BURST, tokens + (now - refilledAt) / 1e9 * EVENTS_PER_SECOND);
      refilledAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      long waitMs = (long) Math.ceil((1 - tokens) / EVENTS_PER_SECOND * 1000);
      Thread.sleep(Math.max(1, waitMs)); // the event writer's own thread; nothing else waits on it
    }
  }

  private void write(Pending p) {
    String now = RFC3339.format(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    String ns = p.target().namespace().isEmpty() ? "default" : p.target().namespace();
    Seen before = seen.get(p);
    if (before != null) {
      // a repeat: bump count and lastTimestamp with a JSON Patch on the named Event (no GET)
      Event named =
          new EventBuilder()
              .withNewMetadata()
              .withName(before.eventName())
              .withNamespace(ns)
              .endMetadata()
              .build();
      String patch =
          Serialization.asJson(
              List.of(
                  Map.of("op", "replace", "path", "/count", "value", before.count() + 1),
                  Map.of("op", "replace", "path", "/lastTimestamp", "value", now)));
      try {
        client.v1().events().inNamespace(ns).resource(named).patch(JSON_PATCH, patch);
        seen.put(p, new Seen(before.eventName(), before.count() + 1));
        return;
      } catch (KubernetesClientException e) {
        seen.remove(p); // gone (expired or deleted): create a fresh one below
      }
    }
    // the name scheme of client-go: <object>.<unique hex>
    String name =
        p.target().name() + "." + Long.toHexString(System.nanoTime() ^ (long) p.hashCode() << 20);
    ObjectReference ref =
        new ObjectReferenceBuilder()
            .withApiVersion(p.target().apiVersion())
            .withKind(p.target().kind())
            .withNamespace(ns)
            .withName(p.target().name())
            .withUid(p.target().uid().isEmpty() ? null : p.target().uid())
            .build();
    Event e =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .endMetadata()
            .withInvolvedObject(ref)
            .withType(p.type() == Type.WARNING ? "Warning" : "Normal")
            .withReason(p.reason())
            .withMessage(p.message())
            .withSource(new EventSource(component, null))
            .withReportingComponent("ferrolb-" + component)
            .withReportingInstance(component)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    client.v1().events().inNamespace(ns).resource(e).create();
    seen.put(p, new Seen(name, 1));
  }

  /** Stops the writer thread, if it was started; pending events are dropped. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      closed = true;
      if (started) {
        writer.interrupt();
      }
    }
  }
}
