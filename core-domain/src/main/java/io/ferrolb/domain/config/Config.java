package io.ferrolb.domain.config;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.Pool;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * A validated configuration: everything the controller and the speakers act on. Lists keep the
 * order in which objects were given (the Kubernetes adapter sorts CRs by creation time and name;
 * files keep document order). Built by {@link ConfigParser}; {@link ImmutableConfig#builder()} for
 * tests.
 */
@Value.Immutable
public interface Config {

  /** Address pools in declaration order. */
  List<Pool> pools();

  /** L2 advertisements, including one per legacy {@code layer2} pool. */
  List<L2Advertisement> l2Advertisements();

  /** BGP advertisements, including those of legacy {@code bgp} pools. */
  List<BgpAdvertisement> bgpAdvertisements();

  List<BgpPeer> bgpPeers();

  List<BfdProfile> bfdProfiles();

  /** Community aliases: alias name to value text ({@code 65535:65281}, {@code large:1:2:3}). */
  Map<String, String> communities();

  static Config empty() {
    return ImmutableConfig.builder().build();
  }

  /** The pool with this name. */
  default Optional<Pool> pool(String name) {
    return pools().stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The pool that contains {@code address} (pools never overlap, so at most one). */
  default Optional<Pool> poolContaining(IpAddress address) {
    return pools().stream().filter(p -> p.contains(address)).findFirst();
  }

  default Optional<BgpPeer> bgpPeer(String name) {
    return bgpPeers().stream().filter(p -> p.name().equals(name)).findFirst();
  }

  default Optional<BfdProfile> bfdProfile(String name) {
    return bfdProfiles().stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The L2 advertisements that apply to the pool named {@code pool}. */
  default List<L2Advertisement> l2AdvertisementsFor(String pool) {
    return l2Advertisements().stream().filter(a -> a.pools().contains(pool)).toList();
  }

  /** The BGP advertisements that apply to the pool named {@code pool}. */
  default List<BgpAdvertisement> bgpAdvertisementsFor(String pool) {
    return bgpAdvertisements().stream().filter(a -> a.pools().contains(pool)).toList();
  }
}
