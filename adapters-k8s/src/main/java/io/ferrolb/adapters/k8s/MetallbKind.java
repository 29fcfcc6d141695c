package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The {@code metallb.io} kinds the controller reads or writes, with the version it uses for each.
 * BGPPeer is read at v1beta2, its storage version: a real API server serves every object under both
 * versions, so watching one is enough.
 */
public enum MetallbKind {
  IP_ADDRESS_POOL("IPAddressPool", "v1beta1", "ipaddresspools", true),
  L2_ADVERTISEMENT("L2Advertisement", "v1beta1", "l2advertisements", true),
  BGP_ADVERTISEMENT("BGPAdvertisement", "v1beta1", "bgpadvertisements", true),
  BGP_PEER("BGPPeer", "v1beta2", "bgppeers", true),
  BFD_PROFILE("BFDProfile", "v1beta1", "bfdprofiles", true),
  COMMUNITY("Community", "v1beta1", "communities", true),
  CONFIGURATION_STATE("ConfigurationState", "v1beta1", "configurationstates", false);

  public static final String GROUP = "metallb.io";

  private final String kind;
  private final String version;
  private final String plural;
  private final boolean config;

  MetallbKind(String kind, String version, String plural, boolean config) {
    this.kind = kind;
    this.version = version;
    this.plural = plural;
    this.config = config;
  }

  public String kind() {
    return kind;
  }

  public String apiVersion() {
    return GROUP + "/" + version;
  }

  /** True for the kinds that make up the configuration. */
  public boolean isConfig() {
    return config;
  }

  /** An explicit context, so no API discovery is needed (and none can fail). */
  public ResourceDefinitionContext context() {
    return ResourceContexts.namespaced(GROUP, version, kind, plural);
  }
}
