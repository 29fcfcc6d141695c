package io.ferrolb.adapters.bgp.fsm;

/** Why a transition happened; logged with "peer up/down" and exported as state. */
public enum Reason {
  MANUAL_START,
  MANUAL_STOP,
  CONNECT_RETRY_EXPIRED,
  TCP_CONNECTED,
  TCP_FAILED,
  OPEN_ACCEPTED,
  OPEN_REJECTED,
  ESTABLISHED,
  KEEPALIVE,
  UPDATE_RECEIVED,
  ROUTE_REFRESH_RECEIVED,
  HOLD_TIMER_EXPIRED,
  NOTIFICATION_RECEIVED,
  MALFORMED_MESSAGE,
  BFD_DOWN,
  FSM_ERROR,
  IGNORED
}
