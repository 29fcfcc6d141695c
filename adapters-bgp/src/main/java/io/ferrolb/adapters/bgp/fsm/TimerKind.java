package io.ferrolb.adapters.bgp.fsm;

/** The session timers (RFC 4271 §8.1.3, §10). */
public enum TimerKind {
  CONNECT_RETRY,
  HOLD,
  KEEPALIVE
}
