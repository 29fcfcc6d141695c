package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ferrolb.ports.out.ClusterWriteException;
import io.ferrolb.ports.out.ConfigStatusWriter;
import io.ferrolb.ports.out.PoolUsage;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code ConfigurationState} object of the controller and the {@code IPAddressPool} status
 * counters, both written with JSON Patches on the status subresource and only when they differ from
 * what is stored. The {@code ConfigurationState} is owned by the Pod of the component that writes
 * it ({@link PodOwner}), as in MetalLB, so it goes with the Pod; one owned by an earlier Pod of the
 * component gets the current one instead.
 */
public final class Fabric8ConfigStatusWriter implements ConfigStatusWriter {
  private static final PatchContext JSON_PATCH = PatchContext.of(PatchType.JSON);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private final KubernetesClient client;
  private final Fabric8ClusterView view;
  private final String namespace;
  private final PodOwner owner;

  /**
   * @param view the cluster view of the component's namespace, which the objects are written to
   * @param owner the writing component's Pod, or {@link PodOwner#none()}
   */
  public Fabric8ConfigStatusWriter(
      KubernetesClient client, Fabric8ClusterView view, PodOwner owner) {
    this.client = Objects.requireNonNull(client, "client");
    this.view = Objects.requireNonNull(view, "view");
    this.namespace = view.namespace();
    this.owner = Objects.requireNonNull(owner, "owner");
  }

  @Override
  public void configurationState(String component, boolean valid, String errorSummary) {
    configurationState(component, valid, errorSummary, List.of());
  }

  /** Longest message of the warnings condition; the rest is counted, not written. */
  static final int MAX_WARNINGS_MESSAGE = 16 * 1024;

  /** The condition type that carries the configuration's warnings (MetalLB has none). */
  static final String WARNINGS_CONDITION = "ConfigurationWarnings";

  @Override
  public void configurationState(
      String component, boolean valid, String errorSummary, List<String> warnings) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("result", valid ? "Valid" : "Invalid");
    status.put("errorSummary", errorSummary);
    var ops = client.genericKubernetesResources(MetallbKind.CONFIGURATION_STATE.context());
    try {
      GenericKubernetesResource now = ops.inNamespace(namespace).withName(component).get();
      if (now == null) {
        GenericKubernetesResource fresh =
            new GenericKubernetesResourceBuilder()
                .withApiVersion(MetallbKind.CONFIGURATION_STATE.apiVersion())
                .withKind(MetallbKind.CONFIGURATION_STATE.kind())
                .withNewMetadata()
                .withName(component)
                .withNamespace(namespace)
                .withLabels(labels(component))
                .withOwnerReferences(owner.forNewObject())
                .endMetadata()
                .build();
        now = ops.inNamespace(namespace).resource(fresh).create();
      } else {
        Optional<List<OwnerReference>> owners =
            owner.replacing(now.getMetadata().getOwnerReferences());
        if (owners.isPresent()) {
          now =
              ops.inNamespace(namespace)
                  .withName(component)
                  .patch(JSON_PATCH, PodOwner.jsonPatch(owners.get()));
        }
      }
      Object stored = now.getAdditionalProperties().get("status");
      status.put(
          "conditions",
          List.of(
              metallbCondition(component, valid, errorSummary, stored),
              warningsCondition(warnings, stored)));
      if (status.equals(stored)) {
        return;
      }
      ops.inNamespace(namespace)
          .withName(component)
          .subresource("status")
          .patch(JSON_PATCH, statusPatch(status));
    } catch (KubernetesClientException e) {
      throw new ClusterWriteException(
          "ConfigurationState " + namespace + "/" + component + ": write failed", e);
    }
  }

  /**
   * The condition MetalLB writes: {@code poolReconcilerValid} for the controller, {@code
   * configReconcilerValid} for a speaker; True with reason {@code Reconciled}, or False with reason
   * {@code ConfigurationError} and the errors as message. Its transition time is kept while its
   * status stays the same (MetalLB stamps every reconcile; ferrolb writes only changes).
   */
  static Map<String, Object> metallbCondition(
      String component, boolean valid, String errorSummary, Object stored) {
    String type = component.startsWith("speaker-") ? SPEAKER_CONDITION : CONTROLLER_CONDITION;
    String status = valid ? "True" : "False";
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", status);
    c.put("reason", valid ? "Reconciled" : "ConfigurationError");
    String message = valid ? "" : "configuration error: " + errorSummary;
    // metav1.Condition caps message at 32768 characters; the whole summary stays in errorSummary
    if (message.length() > MAX_CONDITION_MESSAGE) {
      message = message.substring(0, MAX_CONDITION_MESSAGE - 40) + " ... (see status.errorSummary)";
    }
    c.put("message", message);
    c.put("lastTransitionTime", since(stored, type, status));
    return c;
  }

  static final int MAX_CONDITION_MESSAGE = 32 * 1024;

  /** MetalLB's condition types (internal/k8s/controllers/values.go). */
  static final String CONTROLLER_CONDITION = "poolReconcilerValid";

  static final String SPEAKER_CONDITION = "configReconcilerValid";

  /**
   * The stored transition time of condition {@code type} when its status is still {@code status}.
   */
  private static String since(Object stored, String type, String status) {
    if (stored instanceof Map<?, ?> st && st.get("conditions") instanceof List<?> cs) {
      for (Object c : cs) {
        if (c instanceof Map<?, ?> m
            && type.equals(m.get("type"))
            && status.equals(m.get("status"))
            && m.get("lastTransitionTime") instanceof String t) {
          return t;
        }
      }
    }
    return java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  /**
   * {@code ConfigurationWarnings}: True with the warnings one per line, or False; its transition
   * time is kept while its status stays the same, so an unchanged state is not written again.
   */
  static Map<String, Object> warningsCondition(List<String> warnings, Object stored) {
    boolean any = !warnings.isEmpty();
    String message;
    if (!any) {
      message = "no warnings";
    } else {
      StringBuilder sb = new StringBuilder();
      int written = 0;
      for (String w : warnings) {
        if (sb.length() + w.length() + 1 > MAX_WARNINGS_MESSAGE) {
          break;
        }
        sb.append(sb.length() == 0 ? "" : "\n").append(w);
        written++;
      }
      if (written < warnings.size()) {
        sb.append("\n... and ").append(warnings.size() - written).append(" more");
      }
      message = sb.toString();
    }
    String status = any ? "True" : "False";
    String since = since(stored, WARNINGS_CONDITION, status);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", WARNINGS_CONDITION);
    c.put("status", status);
    c.put("reason", any ? "Warnings" : "NoWarnings");
    c.put("message", message);
    c.put("lastTransitionTime", since);
    return c;
  }

  /** MetalLB's labels: the component type, and for a speaker its node ("speaker-NODE"). */
  static Map<String, String> labels(String component) {
    if (component.startsWith("speaker-")) {
      return Map.of(
          "metallb.io/component-type",
          "speaker",
          "metallb.io/node-name",
          component.substring("speaker-".length()));
    }
    return Map.of("metallb.io/component-type", "controller");
  }

  @Override
  public void poolUsage(List<PoolUsage> usage) {
    var ops = client.genericKubernetesResources(MetallbKind.IP_ADDRESS_POOL.context());
    for (PoolUsage u : usage) {
      var cached = view.cached(MetallbKind.IP_ADDRESS_POOL, u.pool());
      if (cached.isEmpty()) {
        continue; // a pool of the legacy ConfigMap has no object to carry a status
      }
      Map<String, Object> status = poolStatus(u);
      Object stored = cached.get().getAdditionalProperties().get("status");
      if (sameCounters(status, stored)) {
        continue;
      }
      try {
        // the cached object names the target: no GET before the PATCH
        ops.inNamespace(namespace)
            .resource(cached.get())
            .subresource("status")
            .patch(JSON_PATCH, statusPatch(status));
      } catch (KubernetesClientException e) {
        throw new ClusterWriteException(
            "IPAddressPool " + namespace + "/" + u.pool() + ": status write failed", e);
      }
    }
  }

  /** MetalLB's CRD types these int64: exact figures are clamped to Long.MAX_VALUE here. */
  static Map<String, Object> poolStatus(PoolUsage u) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("assignedIPv4", clamp(u.assignedV4()));
    status.put("assignedIPv6", clamp(u.assignedV6()));
    status.put("availableIPv4", clamp(u.availableV4()));
    status.put("availableIPv6", clamp(u.availableV6()));
    return status;
  }

  static long clamp(BigInteger v) {
    return v.compareTo(LONG_MAX) > 0 ? Long.MAX_VALUE : v.longValue();
  }

  private static boolean sameCounters(Map<String, Object> want, Object stored) {
    if (!(stored instanceof Map<?, ?> m)) {
      return false;
    }
    for (Map.Entry<String, Object> e : want.entrySet()) {
      Object v = m.get(e.getKey());
      if (!(v instanceof Number n) || n.longValue() != (Long) e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static String statusPatch(Map<String, Object> status) {
    return Serialization.asJson(List.of(Map.of("op", "add", "path", "/status", "value", status)));
  }
}
