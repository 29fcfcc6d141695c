package io.ferrolb.domain.config;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.LabelSelector;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.immutables.value.Value;

/**
 * A BGP session to open from matching nodes (BGPPeer v1beta1/v1beta2 or a legacy ConfigMap peer).
 * Exactly one of {@link #peerAsn()}/{@link #dynamicAsn()} and exactly one of {@link
 * #peerAddress()}/{@link #interfaceName()} are present. {@link #password()} is already resolved
 * from {@code passwordSecret} and never appears in {@link #toString()}.
 */
@Value.Immutable
public interface BgpPeer {

  /** MetalLB: peerPort default (RFC 4271 §8.2.1 port 179). */
  int DEFAULT_PORT = 179;

  /** MetalLB native: hold time when none is configured. */
  Duration DEFAULT_HOLD_TIME = Duration.ofSeconds(90);

  /** Name of the BGPPeer; {@code legacy-peer-N} (1-based) for legacy ConfigMap peers. */
  String name();

  /**
   * {@code metallb.io/v1beta1}, {@code metallb.io/v1beta2}, or {@code legacy} for the ConfigMap.
   */
  @Value.Default
  default String sourceVersion() {
    return "metallb.io/v1beta2";
  }

  long myAsn();

  OptionalLong peerAsn();

  Optional<DynamicAsn> dynamicAsn();

  OptionalLong localAsn();

  Optional<IpAddress> peerAddress();

  /** {@code spec.interface}: unnumbered BGP over this NIC. */
  Optional<String> interfaceName();

  Optional<IpAddress> sourceAddress();

  @Value.Default
  default int peerPort() {
    return DEFAULT_PORT;
  }

  /**
   * Hold time after MetalLB's derivation (hold = 3 x keepalive when only keepalive is set); empty
   * when neither is set (native BGP then uses {@link #DEFAULT_HOLD_TIME}).
   */
  Optional<Duration> holdTime();

  /** Keepalive time after MetalLB's derivation (hold / 3 when only hold is set). */
  Optional<Duration> keepaliveTime();

  Optional<Duration> connectTime();

  Optional<IpAddress> routerId();

  /** Nodes that open this session (OR); empty means every node. */
  List<LabelSelector> nodeSelectors();

  /** The TCP MD5 password, from {@code password} or resolved from {@code passwordSecret}. */
  @Value.Redacted
  Optional<String> password();

  /** The name of the Secret the password came from, when it came from one. */
  Optional<String> passwordSecret();

  Optional<String> bfdProfile();

  @Value.Default
  default boolean enableGracefulRestart() {
    return false;
  }

  @Value.Default
  default boolean ebgpMultiHop() {
    return false;
  }

  /** Host VRF; empty means the default VRF. */
  Optional<String> vrf();

  @Value.Default
  default boolean disableMp() {
    return false;
  }

  @Value.Default
  default boolean dualStackAddressFamily() {
    return false;
  }

  /** True for an iBGP session: peerASN equal to myASN, or dynamicASN {@code internal}. */
  default boolean isIbgp() {
    if (peerAsn().isPresent()) {
      return peerAsn().getAsLong() == myAsn();
    }
    return dynamicAsn().orElse(DynamicAsn.EXTERNAL) == DynamicAsn.INTERNAL;
  }

  /** The hold time to offer: the configured one, else {@link #DEFAULT_HOLD_TIME}. */
  default Duration effectiveHoldTime() {
    return holdTime().orElse(DEFAULT_HOLD_TIME);
  }

  static ImmutableBgpPeer.Builder builder() {
    return ImmutableBgpPeer.builder();
  }
}
