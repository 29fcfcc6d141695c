package io.ferrolb.ports.spi;

import io.ferrolb.domain.pool.IpAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the host hands an announcer plugin: its settings, the node it runs on, a clock and a
 * scheduler for timers (shared; never block in its tasks).
 *
 * @since 0.1
 */
public interface AnnouncerContext {

  Settings settings();

  String nodeName();

  Clock clock();

  ScheduledExecutorService scheduler();

  /**
   * This node's address ({@code --host-ip}, else the Node's InternalIP), when known: for example
   * the BGP router ID when a peer names none. The speaker creates its announcers before its caches
   * have synced, so this may be empty at first: read it when it is needed, not once at creation.
   * The default knows none.
   *
   * @since 0.2
   */
  default Optional<IpAddress> nodeAddress() {
    return Optional.empty();
  }
}
