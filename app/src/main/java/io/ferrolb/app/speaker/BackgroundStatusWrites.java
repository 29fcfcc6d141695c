package io.ferrolb.app.speaker;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.ports.out.AnnouncementStatusWriter;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the speaker's status objects on a thread of its own, so the loop that answers ARP and
 * advertises routes never waits on the API server: a status write is a LIST and a request per
 * changed object, each of which a slow or throttling API server can hold for seconds (ChaosIT's
 * delays of up to 2 s and 429s with Retry-After). The writes are declarative (each call carries the
 * node's whole set), so only the latest state of each kind matters: one submitted while a write is
 * under way replaces any other still waiting, and is written next, in order.
 */
final class BackgroundStatusWrites implements AnnouncementStatusWriter, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundStatusWrites.class);

  private record Pending(String node, Map<ServiceKey, Set<String>> set) {}

  private final AnnouncementStatusWriter writer;
  private final ExecutorService thread;
  private final AtomicReference<Pending> layer2 = new AtomicReference<>();
  private final AtomicReference<Pending> bgp = new AtomicReference<>();

  BackgroundStatusWrites(AnnouncementStatusWriter writer) {
    this.writer = Objects.requireNonNull(writer, "writer");
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "ferrolb-speaker-status");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void layer2(String node, Map<ServiceKey, Set<String>> interfacesByService) {
    submit(layer2, new Pending(node, Map.copyOf(interfacesByService)), writer::layer2);
  }

  @Override
  public void bgp(String node, Map<ServiceKey, Set<String>> peersByService) {
    submit(bgp, new Pending(node, Map.copyOf(peersByService)), writer::bgp);
  }

  private void submit(
      AtomicReference<Pending> slot,
      Pending p,
      BiConsumer<String, Map<ServiceKey, Set<String>>> write) {
    if (slot.getAndSet(p) != null) {
      return; // a write of this kind is already queued: it takes the latest state
    }
    try {
      thread.execute(
          () -> {
            Pending latest = slot.getAndSet(null);
            if (latest == null) {
              return;
            }
            try {
              write.accept(latest.node(), latest.set());
            } catch (RuntimeException e) {
              // the writer logs API failures itself; the loop's periodic resync writes again
              LOG.warn("event=statusWriteFailed node={}", latest.node(), e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      slot.set(null); // closed: the speaker is stopping
    }
  }

  /** Waits up to 2 s for the writes under way, then stops the thread. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(2, TimeUnit.SECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
  }
}
