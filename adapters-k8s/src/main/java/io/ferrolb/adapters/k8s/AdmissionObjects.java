package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.ferrolb.domain.config.DecodedObject;
import java.util.Map;
import java.util.Optional;

/**
 * The object of an AdmissionReview as the configuration parser reads it: the same conversion the
 * informers use ({@link Conversions}), so the webhook judges exactly what the controller would.
 */
public final class AdmissionObjects {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private AdmissionObjects() {}

  /**
   * The configuration object {@code object} is, or empty when it is none (another kind, or a
   * ConfigMap other than MetalLB's {@code config}).
   */
  public static Optional<DecodedObject> of(Map<String, Object> object) {
    if (object == null || !(object.get("kind") instanceof String kind)) {
      return Optional.empty();
    }
    if (kind.equals("ConfigMap")) {
      ConfigMap cm = JSON.convertValue(object, ConfigMap.class);
      return Conversions.LEGACY_CONFIGMAP.equals(cm.getMetadata().getName())
          ? Optional.of(Conversions.legacy(cm))
          : Optional.empty();
    }
    for (MetallbKind k : MetallbKind.values()) {
      if (k.isConfig() && k.kind().equals(kind)) {
        return Optional.of(
            DecodedObject.of(
                Conversions.raw(k, JSON.convertValue(object, GenericKubernetesResource.class))));
      }
    }
    return Optional.empty();
  }
}
