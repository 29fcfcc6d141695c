package io.ferrolb.adapters.bgp.fsm;

import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.domain.pool.IpAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the FSM needs to know about the local side.
 *
 * @param holdTime proposed hold time; 0 disables keepalives (RFC 4271 §4.4)
 * @param keepalive keepalive interval; empty means a third of the negotiated hold time
 * @param gracefulRestartTime advertise RFC 4724 with this restart time when present
 * @param connectRetryMin first back-off after a failure, doubled per failure up to max
 * @param connectTimeout how long a TCP connect attempt may take before a retry
 * @param anyExternalPeerAsn accept any peer ASN other than ours from the OPEN (MetalLB {@code
 *     dynamicASN: external}); {@code peerAsn} is then ignored
 */
public record FsmConfig(
    long localAsn,
    long peerAsn,
    IpAddress routerId,
    Duration holdTime,
    Optional<Duration> keepalive,
    Set<AddressFamily> families,
    Optional<Duration> gracefulRestartTime,
    Duration connectRetryMin,
    Duration connectRetryMax,
    Duration connectTimeout,
    boolean anyExternalPeerAsn) {
  /** RFC 4271 §8.2.2: "a large value" for the hold timer while waiting for OPEN (4 minutes). */
  public static final Duration OPEN_SENT_HOLD = Duration.ofMinutes(4);

  public FsmConfig {
    Objects.requireNonNull(routerId, "routerId");
    Objects.requireNonNull(holdTime, "holdTime");
    Objects.requireNonNull(keepalive, "keepalive");
    Objects.requireNonNull(gracefulRestartTime, "gracefulRestartTime");
    Objects.requireNonNull(connectRetryMin, "connectRetryMin");
    Objects.requireNonNull(connectRetryMax, "connectRetryMax");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    families = Set.copyOf(families);
    long h = holdTime.toSeconds();
    if (h != 0 && (h < 3 || h > 0xFFFF)) {
      throw new IllegalArgumentException(
          "hold time: " + h + "s (expected: 0 or 3..65535, RFC 4271 §4.2)");
    }
    if (!routerId.isV4() || routerId.lo() == 0) {
      throw new IllegalArgumentException(
          "router ID: " + routerId + " (expected: a non-zero IPv4 address)");
    }
  }

  public FsmConfig(
      long localAsn,
      long peerAsn,
      IpAddress routerId,
      Duration holdTime,
      Optional<Duration> keepalive,
      Set<AddressFamily> families,
      Optional<Duration> gracefulRestartTime,
      Duration connectRetryMin,
      Duration connectRetryMax,
      Duration connectTimeout) {
    this(
        localAsn,
        peerAsn,
        routerId,
        holdTime,
        keepalive,
        families,
        gracefulRestartTime,
        connectRetryMin,
        connectRetryMax,
        connectTimeout,
        false);
  }

  public boolean ibgp() {
    return !anyExternalPeerAsn && localAsn == peerAsn;
  }

  /** Whether the ASN in the peer's OPEN is the one this session expects. */
  public boolean acceptsPeerAsn(long asn) {
    return anyExternalPeerAsn ? asn != localAsn : asn == peerAsn;
  }
}
