package io.ferrolb.adapters.bgp.fsm;

import java.util.Objects;
import java.util.Optional;

/** The FSM's whole state: RFC state, consecutive failures (for back-off), negotiated values. */
public record FsmState(SessionState state, int failures, Optional<Negotiated> negotiated) {
  public static final FsmState INITIAL = new FsmState(SessionState.IDLE, 0, Optional.empty());

  public FsmState {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(negotiated, "negotiated");
  }
}
