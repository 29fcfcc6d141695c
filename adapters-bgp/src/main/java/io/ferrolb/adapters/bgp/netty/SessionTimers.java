package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.fsm.Event;
import io.ferrolb.adapters.bgp.fsm.TimerKind;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The FSM timers of one {@link BgpSession} (RFC 4271 §10) as tasks on its event loop: an expiry is
 * fed back to the FSM as its event. Starting a running timer restarts it; an expiry of a timer that
 * was stopped or restarted meanwhile is dropped. Event loop only.
 */
final class SessionTimers {
  private final EventLoop loop;
  private final Consumer<Event> expired;
  private final Map<TimerKind, ScheduledFuture<?>> timers = new EnumMap<>(TimerKind.class);

  SessionTimers(EventLoop loop, Consumer<Event> expired) {
    this.loop = loop;
    this.expired = expired;
  }

  void start(TimerKind kind, Duration after) {
    stop(kind);
    Object[] self = new Object[1];
    ScheduledFuture<?> f =
        loop.schedule(
            () -> {
              if (timers.get(kind) == self[0]) {
                timers.remove(kind);
                expired.accept(
                    switch (kind) {
                      case CONNECT_RETRY -> new Event.ConnectRetryExpired();
                      case HOLD -> new Event.HoldTimerExpired();
                      case KEEPALIVE -> new Event.KeepaliveTimerExpired();
                    });
              }
            },
            after.toNanos(),
            TimeUnit.NANOSECONDS);
    self[0] = f;
    timers.put(kind, f);
  }

  void stop(TimerKind kind) {
    ScheduledFuture<?> f = timers.remove(kind);
    if (f != null) {
      f.cancel(false);
    }
  }

  void stopAll() {
    timers.values().forEach(t -> t.cancel(false));
    timers.clear();
  }
}
