package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pod this process runs in, as the owner of the status objects it writes ({@code
 * ServiceL2Status}, {@code ServiceBGPStatus}, {@code ConfigurationState}), so that Kubernetes
 * garbage-collects them with the Pod. As MetalLB: a plain owner reference (apiVersion v1, kind Pod,
 * name, uid), neither {@code controller} nor {@code blockOwnerDeletion}. Unlike MetalLB, which
 * appends a reference per pod name, the reference of an earlier Pod (a restarted speaker) is
 * replaced, not kept beside the new one; owners of other kinds are left alone.
 *
 * <p>An owner must live in the namespace of the objects it owns, so the Pod is looked up there.
 * Unknown (no pod name, as outside a cluster) or unreadable, there is no owner: objects are written
 * without one and are then left as they are.
 */
public final class PodOwner {
  private static final Logger LOG = LoggerFactory.getLogger(PodOwner.class);
  private static final PodOwner NONE = new PodOwner(Optional.empty());

  private final Optional<OwnerReference> reference;

  private PodOwner(Optional<OwnerReference> reference) {
    this.reference = reference;
  }

  /** No owner: objects are written without one. */
  public static PodOwner none() {
    return NONE;
  }

  /** {@code pod} as the owner. */
  public static PodOwner of(Pod pod) {
    Objects.requireNonNull(pod.getMetadata().getName(), "pod name");
    Objects.requireNonNull(pod.getMetadata().getUid(), "pod uid");
    return new PodOwner(
        Optional.of(
            new OwnerReferenceBuilder()
                .withApiVersion("v1")
                .withKind("Pod")
                .withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid())
                .build()));
  }

  /**
   * Pod {@code podName} of {@code namespace}, read once; without a name, or when the Pod cannot be
   * read, no owner and one warning line saying why.
   */
  public static PodOwner lookup(
      KubernetesClient client, String namespace, Optional<String> podName) {
    String without =
        "event=statusOwnerUnknown status objects are written without an owner, so Kubernetes"
            + " does not delete them with this component's Pod:";
    if (podName.isEmpty() || podName.get().isBlank()) {
      LOG.warn("{} no pod name (--pod-name, $FERROLB_POD_NAME or $METALLB_POD_NAME)", without);
      return NONE;
    }
    String name = podName.get();
    try {
      Pod pod = client.pods().inNamespace(namespace).withName(name).get();
      if (pod == null) {
        LOG.warn("{} Pod {}/{} not found", without, namespace, name);
        return NONE;
      }
      if (pod.getMetadata().getUid() == null || pod.getMetadata().getUid().isBlank()) {
        LOG.warn("{} Pod {}/{} has no uid", without, namespace, name);
        return NONE;
      }
      return of(pod);
    } catch (KubernetesClientException e) {
      LOG.warn("{} reading Pod {}/{} failed: {}", without, namespace, name, e.getMessage());
      return NONE;
    }
  }

  /** The reference written, when there is an owner. */
  public Optional<OwnerReference> reference() {
    return reference;
  }

  /** The owners a new object gets: this Pod, or none. */
  List<OwnerReference> forNewObject() {
    return reference.map(List::of).orElse(List.of());
  }

  /**
   * The owners an existing object with owners {@code current} should have, or empty when it has
   * them already (or there is no owner to set): every Pod reference but this Pod's is dropped, and
   * this Pod's is added when missing.
   */
  Optional<List<OwnerReference>> replacing(List<OwnerReference> current) {
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    OwnerReference mine = reference.get();
    List<OwnerReference> out = new ArrayList<>();
    boolean found = false;
    boolean dropped = false;
    for (OwnerReference r : current == null ? List.<OwnerReference>of() : current) {
      if (!isPod(r)) {
        out.add(r);
      } else if (!found && mine.getUid().equals(r.getUid()) && mine.getName().equals(r.getName())) {
        out.add(r);
        found = true;
      } else {
        dropped = true;
      }
    }
    if (found && !dropped) {
      return Optional.empty();
    }
    if (!found) {
      out.add(mine);
    }
    return Optional.of(List.copyOf(out));
  }

  /** A JSON Patch setting {@code metadata.ownerReferences} to {@code owners}. */
  static String jsonPatch(List<OwnerReference> owners) {
    return Serialization.asJson(
        List.of(Map.of("op", "add", "path", "/metadata/ownerReferences", "value", owners)));
  }

  private static boolean isPod(OwnerReference r) {
    return "Pod".equals(r.getKind()) && "v1".equals(r.getApiVersion());
  }

  @Override
  public String toString() {
    return reference
        .map(r -> "Pod " + r.getName() + " (uid " + r.getUid() + ")")
        .orElse("no owner");
  }
}
