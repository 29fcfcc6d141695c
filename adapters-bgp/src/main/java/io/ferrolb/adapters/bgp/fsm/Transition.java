package io.ferrolb.adapters.bgp.fsm;

import java.util.List;
import java.util.Objects;

/** The result of one FSM step: next state, actions to carry out in order, and why. */
public record Transition(FsmState next, List<Action> actions, Reason reason) {
  public Transition {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(reason, "reason");
    actions = List.copyOf(actions);
  }
}
