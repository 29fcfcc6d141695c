package io.ferrolb.adapters.bgp.fsm;

/** BGP session states (RFC 4271 §8.2.2). */
public enum SessionState {
  IDLE,
  CONNECT,
  ACTIVE,
  OPEN_SENT,
  OPEN_CONFIRM,
  ESTABLISHED
}
