package io.ferrolb.domain.announce;

/** Why a service address is not announced by a node (compare MetalLB's ShouldAnnounce strings). */
public enum NotAnnouncedReason {
  /** The controller has not assigned an address yet. */
  NO_ADDRESS("noIPAllocated"),
  /** The address lies in no configured pool. */
  ADDRESS_NOT_IN_POOL("ipNotAllowed"),
  /** No advertisement of this protocol covers the pool (and the service's labels). */
  NO_ADVERTISEMENT("noAdvertisement"),
  /** No ready or serving endpoint anywhere in the cluster. */
  NO_SERVING_ENDPOINTS("notOwner"),
  /** This node's network is unavailable, or it carries the exclude-from-load-balancers label. */
  NODE_EXCLUDED("nodeExcluded"),
  /** No advertisement's node selectors match this node. */
  NODE_NOT_SELECTED("nodeNotSelected"),
  /** externalTrafficPolicy Local and no serving endpoint on this node. */
  NO_LOCAL_ENDPOINT("noLocalEndpoints"),
  /** No node at all is eligible: nobody announces the address. */
  NO_ELIGIBLE_NODE("noEligibleNode"),
  /** Another node won the election. */
  NOT_OWNER("notOwner"),
  /** allow-shared-ip together with an advertisement that has service selectors (MetalLB main). */
  SHARED_IP_WITH_SERVICE_SELECTORS("sharedIPWithServiceSelectors"),
  /** Advertisements for one prefix and peer disagree on LOCAL_PREF. */
  CONFLICTING_ADVERTISEMENTS("conflictingAdvertisements");

  private final String metallbName;

  NotAnnouncedReason(String metallbName) {
    this.metallbName = metallbName;
  }

  /**
   * The reason word of the {@code ferrolb.io/Announced} Service condition: the constant's name in
   * CamelCase ({@code NO_LOCAL_ENDPOINT} → {@code NoLocalEndpoint}).
   */
  public String conditionReason() {
    StringBuilder b = new StringBuilder();
    for (String word : name().split("_")) {
      b.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return b.toString();
  }

  /** The word MetalLB logs for this case. */
  public String metallbName() {
    return metallbName;
  }
}
