package io.ferrolb.domain.config;

import io.ferrolb.domain.pool.LabelSelector;
import java.util.List;
import java.util.OptionalLong;
import org.immutables.value.Value;

/**
 * A BGPAdvertisement: how the addresses of its pools are announced over BGP. {@link #pools()} holds
 * the pool names it resolved to at parse time; {@link #communities()} holds the resolved values
 * (aliases replaced).
 */
@Value.Immutable
public interface BgpAdvertisement {

  /** MetalLB default: announce each IPv4 address as a /32. */
  int DEFAULT_AGGREGATION_LENGTH = 32;

  /** MetalLB default: announce each IPv6 address as a /128. */
  int DEFAULT_AGGREGATION_LENGTH_V6 = 128;

  String name();

  @Value.Default
  default int aggregationLength() {
    return DEFAULT_AGGREGATION_LENGTH;
  }

  @Value.Default
  default int aggregationLengthV6() {
    return DEFAULT_AGGREGATION_LENGTH_V6;
  }

  /** LOCAL_PREF (0..2^32-1), sent on iBGP sessions only. */
  OptionalLong localPref();

  /** Communities, resolved, in declaration order without duplicates. */
  List<BgpCommunity> communities();

  List<String> ipAddressPools();

  List<LabelSelector> ipAddressPoolSelectors();

  /** Pool names this advertisement applies to, resolved at parse time, in pool order. */
  List<String> pools();

  /** Nodes that advertise (OR); empty means every node. */
  List<LabelSelector> nodeSelectors();

  /** BGPPeer names to advertise to; empty means all peers. */
  List<String> peers();

  List<LabelSelector> serviceSelectors();

  @Value.Default
  default boolean fromLegacyConfig() {
    return false;
  }

  static ImmutableBgpAdvertisement.Builder builder() {
    return ImmutableBgpAdvertisement.builder();
  }
}
