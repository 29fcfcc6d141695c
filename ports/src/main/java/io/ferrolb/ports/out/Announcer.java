package io.ferrolb.ports.out;

import java.util.Optional;

/**
 * Makes the network outside the cluster send a node's service addresses to that node. Declarative
 * and idempotent, like MetalLB's {@code Session.Set}: every call receives the <em>whole</em>
 * desired set for this node and the implementation converges to it, so a retry is always safe.
 *
 * <p>Calls come from one thread at a time. {@link #apply} must not block for long: protocol work
 * (retransmissions, sessions) runs on the announcer's own threads or the context's scheduler.
 *
 * @since 0.1
 */
public interface Announcer extends AutoCloseable {

  /** Converges to {@code desired}; reports what happened. Never throws for runtime failures. */
  ApplyReport apply(DesiredAnnouncements desired);

  /**
   * What this announcer reports about itself right now, for metrics: counters per announced
   * address, routing sessions, BFD sessions. Called from other threads (a metrics scrape) while
   * {@link #apply} may run, so it must be cheap and thread-safe. The default reports nothing, and
   * the host then exports no figures for this announcer.
   *
   * @since 0.2
   */
  default Optional<AnnouncerStatus> status() {
    return Optional.empty();
  }

  /**
   * Withdraws everything this announcer announced and releases its resources. The default does
   * nothing, for announcers that hold no resources.
   */
  @Override
  default void close() {}
}
