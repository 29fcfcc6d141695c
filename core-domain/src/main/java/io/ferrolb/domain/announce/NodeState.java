package io.ferrolb.domain.announce;

import java.util.Map;
import java.util.Objects;

/**
 * What the announcement rules need of a Kubernetes Node: its name, labels (for node selectors and
 * the exclude label) and whether its network is unavailable ({@code NetworkUnavailable=True}).
 */
public record NodeState(String name, Map<String, String> labels, boolean networkUnavailable) {

  /** Nodes with this label never announce (MetalLB v0.14.2, unless told to ignore it). */
  public static final String EXCLUDE_LABEL =
      "node.kubernetes.io/exclude-from-external-load-balancers";

  public NodeState {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
  }

  public boolean excludedFromLoadBalancers() {
    return labels.containsKey(EXCLUDE_LABEL);
  }

  /**
   * True when this node may announce at all: network available and, unless {@code ignoreExclude},
   * not labelled with {@link #EXCLUDE_LABEL}.
   */
  public boolean mayAnnounce(boolean ignoreExclude) {
    return !networkUnavailable && (ignoreExclude || !excludedFromLoadBalancers());
  }
}
