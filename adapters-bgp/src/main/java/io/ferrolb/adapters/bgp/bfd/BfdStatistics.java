package io.ferrolb.adapters.bgp.bfd;

import io.ferrolb.ports.out.AnnouncerStatus;
import java.util.Objects;

/**
 * A session's state and counters since it was opened, for metrics: the figures FRR's bfdd reports
 * per peer ({@code show bfd peers counters}), which MetalLB's FRR mode exposes as {@code
 * metallb_bfd_*}. There are no echo counters: this implementation sends no echo packets.
 *
 * @param controlPacketsReceived control packets from the peer delivered to this session
 * @param controlPacketsSent control packets written to the peer
 * @param upEvents changes to Up
 * @param downEvents changes to Down from another state (Init or Up), as bfdd counts them
 */
public record BfdStatistics(
    BfdState state,
    long controlPacketsReceived,
    long controlPacketsSent,
    long upEvents,
    long downEvents) {
  public BfdStatistics {
    Objects.requireNonNull(state, "state");
  }

  /** These figures as the announcer port reports them, for the session to {@code peer}. */
  public AnnouncerStatus.Liveness liveness(String peer) {
    return new AnnouncerStatus.Liveness(
        peer,
        state == BfdState.UP,
        controlPacketsReceived,
        controlPacketsSent,
        upEvents,
        downEvents);
  }
}
