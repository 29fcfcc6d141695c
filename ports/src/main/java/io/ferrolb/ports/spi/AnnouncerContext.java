package io.ferrolb.ports.spi;

import java.time.Clock;
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
}
