package io.ferrolb.domain.config;

import io.ferrolb.domain.pool.LabelSelector;
import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * An L2Advertisement: which pools are announced with ARP/NDP, from which nodes and on which
 * interfaces. {@link #pools()} holds the pool names it resolved to at parse time (named pools,
 * pools matched by the selectors, or all pools when neither is given).
 */
@Value.Immutable
public interface L2Advertisement {

  /**
   * The label on a {@code metallb.io} L2Advertisement that names the announcer carrying its
   * services (a plugin's {@code AnnouncerProvider.name()}, or {@code layer2}). A label, not a spec
   * field, so the object stays a valid MetalLB object that MetalLB itself would ignore the label
   * of.
   */
  String ANNOUNCER_LABEL = "ferrolb.io/announcer";

  String name();

  /** {@code spec.ipAddressPools} as written. */
  List<String> ipAddressPools();

  /** {@code spec.ipAddressPoolSelectors} as written. */
  List<LabelSelector> ipAddressPoolSelectors();

  /** Pool names this advertisement applies to, resolved at parse time, in pool order. */
  List<String> pools();

  /** Nodes allowed to announce (OR); empty means every node. */
  List<LabelSelector> nodeSelectors();

  /** Interfaces to announce on; empty means all eligible interfaces. */
  List<String> interfaces();

  /** Services this advertisement applies to (OR); empty means every service. */
  List<LabelSelector> serviceSelectors();

  List<PreferredNodeSelector> preferredNodeSelectors();

  /**
   * The announcer named by the {@value #ANNOUNCER_LABEL} label; empty means the speaker's default
   * Layer 2 announcer ({@code --l2-announcer}, normally {@code layer2}). Never set for the legacy
   * ConfigMap, which has no place for it.
   */
  Optional<String> announcer();

  /** True when the advertisement came from a legacy ConfigMap {@code layer2} pool. */
  @Value.Default
  default boolean fromLegacyConfig() {
    return false;
  }

  static ImmutableL2Advertisement.Builder builder() {
    return ImmutableL2Advertisement.builder();
  }
}
