package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.ClusterWriteException;
import io.ferrolb.ports.out.ServiceSnapshot;
import io.ferrolb.ports.out.ServiceStatusWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes ingress and the pool annotation with JSON Patches (RFC 6902): a merge patch would append
 * to the ingress list on fabric8's mock server, and JSON Patch replaces exactly the members named,
 * leaving other status fields (conditions) alone.
 *
 * <p>Each patch first sets {@code metadata.resourceVersion} to the version the decision was made
 * on; the API server takes a resourceVersion in a patch as a precondition and answers 409 Conflict
 * when the Service changed since (as controller-runtime's status Update does for MetalLB). The
 * status patch, after an annotation patch, names the version that patch returned.
 */
public final class Fabric8ServiceStatusWriter implements ServiceStatusWriter {
  private static final PatchContext JSON_PATCH = PatchContext.of(PatchType.JSON);

  private final KubernetesClient client;

  public Fabric8ServiceStatusWriter(KubernetesClient client) {
    this.client = client;
  }

  @Override
  public boolean write(ServiceSnapshot current, List<IpAddress> ingress, Optional<String> pool) {
    boolean wrote = false;
    try {
      // a named item spares fabric8 the GET it would otherwise make before each PATCH
      Service named =
          new ServiceBuilder()
              .withNewMetadata()
              .withName(current.name())
              .withNamespace(current.namespace())
              .endMetadata()
              .build();
      var svc = client.services().inNamespace(current.namespace()).resource(named);
      String version = current.resourceVersion();
      if (!current.allocatedFromPool().equals(pool)) {
        Service after = svc.patch(JSON_PATCH, annotationPatch(current, pool, version));
        wrote = true;
        version = after == null ? "" : orEmpty(after.getMetadata().getResourceVersion());
      }
      if (!current.ingress().equals(ingress)) {
        svc.subresource("status").patch(JSON_PATCH, statusPatch(current, ingress, version));
        wrote = true;
      }
      return wrote;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        // deleted since the cache saw it: nothing to write, and nothing to retry; its deletion
        // event, on its way, ends the controller's work on it
        return wrote;
      }
      throw new ClusterWriteException(
          "Service " + current.key() + ": write failed (HTTP " + e.getCode() + ")", e);
    }
  }

  /** The precondition: the object is still at {@code version} ("" for none). */
  private static List<Map<String, Object>> onVersion(String version) {
    List<Map<String, Object>> ops = new ArrayList<>();
    if (!version.isEmpty()) {
      ops.add(Map.of("op", "replace", "path", "/metadata/resourceVersion", "value", version));
    }
    return ops;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  static String annotationPatch(ServiceSnapshot current, Optional<String> pool, String version) {
    String path = "/metadata/annotations/" + pointer(ServiceSnapshot.POOL_ANNOTATION);
    List<Map<String, Object>> ops = onVersion(version);
    if (pool.isEmpty()) {
      ops.add(Map.of("op", "remove", "path", path));
    } else if (current.annotations().isEmpty()) {
      ops.add(
          Map.of(
              "op",
              "add",
              "path",
              "/metadata/annotations",
              "value",
              Map.of(ServiceSnapshot.POOL_ANNOTATION, pool.get())));
    } else {
      ops.add(Map.of("op", "add", "path", path, "value", pool.get()));
    }
    return Serialization.asJson(ops);
  }

  static String statusPatch(ServiceSnapshot current, List<IpAddress> ingress, String version) {
    List<Map<String, Object>> entries = new ArrayList<>();
    for (IpAddress ip : ingress) {
      entries.add(Map.of("ip", ip.toString()));
    }
    Map<String, Object> lb = new LinkedHashMap<>();
    if (!entries.isEmpty()) {
      lb.put("ingress", entries);
    }
    Map<String, Object> op;
    if (current.hasStatus()) {
      // "add" on an existing member replaces it (RFC 6902 §4.1)
      op = Map.of("op", "add", "path", "/status/loadBalancer", "value", lb);
    } else {
      op = Map.of("op", "add", "path", "/status", "value", Map.of("loadBalancer", lb));
    }
    List<Map<String, Object>> ops = onVersion(version);
    ops.add(op);
    return Serialization.asJson(ops);
  }

  /** RFC 6901 escaping of one reference token. */
  static String pointer(String token) {
    return token.replace("~", "~0").replace("/", "~1");
  }

  /** For tests: the Service as stored now. */
  Service read(String namespace, String name) {
    return client.services().inNamespace(namespace).withName(name).get();
  }
}
