package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.fsm.Negotiated;
import io.ferrolb.adapters.bgp.fsm.SessionState;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one session for metrics ({@code metallb_bgp_session_up}, {@code
 * metallb_bgp_updates_total}, {@code metallb_bgp_announced_prefixes_total}) and status.
 */
public record SessionStatus(
    SessionState state,
    Optional<Negotiated> negotiated,
    long updatesReceived,
    long updatesSent,
    int announcedPrefixes,
    Optional<String> lastDownReason) {
  public SessionStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(negotiated, "negotiated");
    Objects.requireNonNull(lastDownReason, "lastDownReason");
  }

  public boolean up() {
    return state == SessionState.ESTABLISHED;
  }
}
