package io.ferrolb.it.support;

import io.fabric8.kubernetes.client.KubernetesClient;

/** Node edits the speaker tests make through the (mock) API. */
public final class Nodes {
  /**
   * The label that takes a node out of load-balancer announcements (Kubernetes' well-known label).
   */
  public static final String EXCLUDE_LABEL =
      "node.kubernetes.io/exclude-from-external-load-balancers";

  private Nodes() {}

  /** Labels {@code node} with {@link #EXCLUDE_LABEL} (empty value, as kubectl label does). */
  public static void exclude(KubernetesClient client, String node) {
    client
        .nodes()
        .withName(node)
        .edit(
            n -> {
              n.getMetadata().getLabels().put(EXCLUDE_LABEL, "");
              return n;
            });
  }

  /** Removes {@link #EXCLUDE_LABEL} from {@code node}. */
  public static void include(KubernetesClient client, String node) {
    client
        .nodes()
        .withName(node)
        .edit(
            n -> {
              n.getMetadata().getLabels().remove(EXCLUDE_LABEL);
              return n;
            });
  }
}
