package io.ferrolb.ports.out;

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
   * Withdraws everything this announcer announced and releases its resources. The default does
   * nothing, for announcers that hold no resources.
   */
  @Override
  default void close() {}
}
