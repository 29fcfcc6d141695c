package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.ports.out.AnnouncementStatusWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes MetalLB's {@code ServiceL2Status} and {@code ServiceBGPStatus} objects for one node:
 * creates the missing, updates the changed, deletes the stale (objects of this node no longer in
 * the desired set). Names are derived from node and service so a restart finds its own objects;
 * labels are MetalLB's ({@code metallb.io/node}, {@code metallb.io/service-name}, {@code
 * metallb.io/service-namespace}). Each object is owned by the speaker's Pod ({@link PodOwner}), so
 * Kubernetes deletes it with the Pod; an object of an earlier Pod, or of a version that set no
 * owner, gets the current one on the next write. Every call lists the node's objects, so one
 * deleted by someone else is created again by the next call.
 */
public final class Fabric8AnnouncementStatusWriter implements AnnouncementStatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(Fabric8AnnouncementStatusWriter.class);
  static final String NODE_LABEL = "metallb.io/node";
  static final String SERVICE_NAME_LABEL = "metallb.io/service-name";
  static final String SERVICE_NAMESPACE_LABEL = "metallb.io/service-namespace";

  private static final PatchContext JSON_PATCH = PatchContext.of(PatchType.JSON);

  static final ResourceDefinitionContext L2 = context("ServiceL2Status", "servicel2statuses");
  static final ResourceDefinitionContext BGP = context("ServiceBGPStatus", "servicebgpstatuses");

  private final KubernetesClient client;
  private final String namespace;
  private final PodOwner owner;
  // kind -> message of its last failed write; the writer is called from one thread
  private final Map<String, String> lastFailure = new HashMap<>();

  /**
   * @param namespace where the objects live (the speaker's namespace)
   * @param owner the speaker's Pod, or {@link PodOwner#none()}
   */
  public Fabric8AnnouncementStatusWriter(
      KubernetesClient client, String namespace, PodOwner owner) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.owner = Objects.requireNonNull(owner, "owner");
  }

  private static ResourceDefinitionContext context(String kind, String plural) {
    return ResourceContexts.namespaced("metallb.io", "v1beta1", kind, plural);
  }

  @Override
  public void layer2(String node, Map<ServiceKey, Set<String>> interfacesByService) {
    Map<ServiceKey, Map<String, Object>> desired = new LinkedHashMap<>();
    interfacesByService.forEach(
        (k, ifaces) -> {
          List<Map<String, Object>> list = new ArrayList<>();
          ifaces.stream().sorted().forEach(i -> list.add(Map.of("name", i)));
          desired.put(k, status(node, k, "interfaces", list));
        });
    converge(L2, "l2-", node, desired);
  }

  @Override
  public void bgp(String node, Map<ServiceKey, Set<String>> peersByService) {
    Map<ServiceKey, Map<String, Object>> desired = new LinkedHashMap<>();
    peersByService.forEach(
        (k, peers) -> desired.put(k, status(node, k, "peers", peers.stream().sorted().toList())));
    converge(BGP, "bgp-", node, desired);
  }

  private static Map<String, Object> status(
      String node, ServiceKey k, String listField, List<?> list) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("node", node);
    s.put("serviceName", k.name());
    s.put("serviceNamespace", k.namespace());
    s.put(listField, list);
    return s;
  }

  private void converge(
      ResourceDefinitionContext ctx,
      String prefix,
      String node,
      Map<ServiceKey, Map<String, Object>> desired) {
    var api = client.genericKubernetesResources(ctx).inNamespace(namespace);
    Map<String, GenericKubernetesResource> existing = new HashMap<>();
    try {
      for (GenericKubernetesResource r : api.withLabel(NODE_LABEL, node).list().getItems()) {
        existing.put(r.getMetadata().getName(), r);
      }
      for (Map.Entry<ServiceKey, Map<String, Object>> e : desired.entrySet()) {
        String name = prefix + objectName(node, e.getKey());
        GenericKubernetesResource current = existing.remove(name);
        if (current != null) {
          Optional<List<OwnerReference>> owners =
              owner.replacing(current.getMetadata().getOwnerReferences());
          if (owners.isPresent()) {
            current = api.withName(name).patch(JSON_PATCH, PodOwner.jsonPatch(owners.get()));
          }
        }
        if (current != null && e.getValue().equals(current.get("status"))) {
          continue;
        }
        GenericKubernetesResource obj =
            current != null
                ? current
                : new GenericKubernetesResourceBuilder()
                    .withApiVersion(ctx.getGroup() + "/" + ctx.getVersion())
                    .withKind(ctx.getKind())
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withLabels(
                        Map.of(
                            NODE_LABEL, node,
                            SERVICE_NAME_LABEL, e.getKey().name(),
                            SERVICE_NAMESPACE_LABEL, e.getKey().namespace()))
                    .withOwnerReferences(owner.forNewObject())
                    .endMetadata()
                    .build();
        if (current == null) {
          obj = api.resource(obj).create();
        }
        obj.setAdditionalProperty("status", e.getValue());
        api.resource(obj).updateStatus();
      }
      for (String stale : existing.keySet()) {
        api.withName(stale).delete();
      }
      lastFailure.remove(ctx.getKind());
    } catch (KubernetesClientException e) {
      // The CRDs may be missing (an old MetalLB install): status is informational, never fatal.
      // Said once per distinct failure, not on every periodic rewrite.
      String message = String.valueOf(e.getMessage());
      if (!message.equals(lastFailure.put(ctx.getKind(), message))) {
        LOG.warn("event=statusWriteFailed kind={} node={}: {}", ctx.getKind(), node, message);
      }
    }
  }

  /** A DNS-1123 name unique per node and service: a hash, since names have a length limit. */
  static String objectName(String node, ServiceKey key) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest((node + "/" + key).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
