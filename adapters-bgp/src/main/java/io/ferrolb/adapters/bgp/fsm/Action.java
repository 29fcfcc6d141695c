package io.ferrolb.adapters.bgp.fsm;

import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.codec.Notification;
import io.ferrolb.adapters.bgp.codec.Open;
import java.time.Duration;
import java.util.Objects;

/** Outputs of the FSM, carried out by the netty session handler. */
public sealed interface Action
    permits Action.Connect,
        Action.CloseConnection,
        Action.SendOpen,
        Action.SendKeepalive,
        Action.SendNotification,
        Action.StartTimer,
        Action.StopTimer,
        Action.Negotiate,
        Action.SessionUp,
        Action.SessionDown,
        Action.ResendRoutes,
        Action.CountUpdate {

  record Connect() implements Action {}

  record CloseConnection() implements Action {}

  record SendOpen(Open open) implements Action {
    public SendOpen {
      Objects.requireNonNull(open, "open");
    }
  }

  record SendKeepalive() implements Action {}

  record SendNotification(Notification notification) implements Action {
    public SendNotification {
      Objects.requireNonNull(notification, "notification");
    }
  }

  record StartTimer(TimerKind timer, Duration after) implements Action {
    public StartTimer {
      Objects.requireNonNull(timer, "timer");
      Objects.requireNonNull(after, "after");
    }
  }

  record StopTimer(TimerKind timer) implements Action {
    public StopTimer {
      Objects.requireNonNull(timer, "timer");
    }
  }

  /** The OPENs were accepted: switch the codec to what both sides support. */
  record Negotiate(Negotiated negotiated) implements Action {
    public Negotiate {
      Objects.requireNonNull(negotiated, "negotiated");
    }
  }

  /** Established: send the whole table, then End-of-RIB per family. */
  record SessionUp(Negotiated negotiated) implements Action {
    public SessionUp {
      Objects.requireNonNull(negotiated, "negotiated");
    }
  }

  /** Left Established (or a connection attempt failed): forget what was sent. */
  record SessionDown(Reason reason, String detail) implements Action {
    public SessionDown {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Answer a ROUTE-REFRESH by sending every route of the family again (RFC 2918 §4). */
  record ResendRoutes(AddressFamily family) implements Action {
    public ResendRoutes {
      Objects.requireNonNull(family, "family");
    }
  }

  /** A received UPDATE: counted and dropped (this speaker never installs routes). */
  record CountUpdate() implements Action {}
}
