package io.ferrolb.adapters.bgp.fsm;

import io.ferrolb.adapters.bgp.codec.BgpError;
import io.ferrolb.adapters.bgp.codec.Notification;
import io.ferrolb.adapters.bgp.codec.Octets;
import io.ferrolb.adapters.bgp.codec.Open;
import io.ferrolb.adapters.bgp.codec.RouteRefresh;
import io.ferrolb.adapters.bgp.codec.Update;
import java.util.Objects;

/** Inputs of the FSM (RFC 4271 §8.1, reduced to what an always-dialling speaker needs). */
public sealed interface Event
    permits Event.ManualStart,
        Event.ManualStop,
        Event.ConnectRetryExpired,
        Event.HoldTimerExpired,
        Event.KeepaliveTimerExpired,
        Event.TcpConnected,
        Event.TcpFailed,
        Event.OpenReceived,
        Event.KeepaliveReceived,
        Event.UpdateReceived,
        Event.NotificationReceived,
        Event.RouteRefreshReceived,
        Event.DecodeFailed,
        Event.BfdDown {

  record ManualStart() implements Event {}

  record ManualStop() implements Event {}

  record ConnectRetryExpired() implements Event {}

  record HoldTimerExpired() implements Event {}

  record KeepaliveTimerExpired() implements Event {}

  record TcpConnected() implements Event {}

  /** Connect failed, or the established TCP connection closed. */
  record TcpFailed(String detail) implements Event {
    public TcpFailed {
      Objects.requireNonNull(detail, "detail");
    }
  }

  record OpenReceived(Open open) implements Event {
    public OpenReceived {
      Objects.requireNonNull(open, "open");
    }
  }

  record KeepaliveReceived() implements Event {}

  record UpdateReceived(Update update) implements Event {
    public UpdateReceived {
      Objects.requireNonNull(update, "update");
    }
  }

  record NotificationReceived(Notification notification) implements Event {
    public NotificationReceived {
      Objects.requireNonNull(notification, "notification");
    }
  }

  record RouteRefreshReceived(RouteRefresh request) implements Event {
    public RouteRefreshReceived {
      Objects.requireNonNull(request, "request");
    }
  }

  /** The decoder rejected inbound bytes; the FSM answers with this NOTIFICATION. */
  record DecodeFailed(BgpError error, Octets data, String message) implements Event {
    public DecodeFailed {
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(message, "message");
    }
  }

  /** BFD declared the peer down (RFC 5882 §4.3): tear the session down at once. */
  record BfdDown() implements Event {}
}
