package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
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

  /** Objects per LIST page. */
  private static final long PAGE = 500;

  /** Writes in flight at once, per speaker. */
  private static final int PARALLEL = 4;

  /** Writes submitted at once, waited for together. */
  private static final int WINDOW = 64;

  /** The writers' threads, shared by every instance; they end after a minute without work. */
  private static final ExecutorService WRITERS = writers();

  static final ResourceDefinitionContext L2 = context("ServiceL2Status", "servicel2statuses");
  static final ResourceDefinitionContext BGP = context("ServiceBGPStatus", "servicebgpstatuses");

  private final KubernetesClient client;
  private final String namespace;
  private final PodOwner owner;
  // kind -> message of its last failed write; the writer is called from one thread (its writes
  // run on WRITERS, but it waits for them)
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

  private static ExecutorService writers() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            PARALLEL,
            PARALLEL,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "ferrolb-status-write");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static ResourceDefinitionContext context(String kind, String plural) {
    return ResourceContexts.namespaced("metallb.io", "v1beta1", kind, plural);
  }

  @Override
  public void layer2(String node, Map<ServiceKey, Set<String>> interfacesByService) {
    converge(
        L2,
        "l2-",
        node,
        interfacesByService,
        (k, ifaces) -> {
          List<Map<String, Object>> list = new ArrayList<>();
          ifaces.stream().sorted().forEach(i -> list.add(Map.of("name", i)));
          return status(node, k, "interfaces", list);
        });
  }

  @Override
  public void bgp(String node, Map<ServiceKey, Set<String>> peersByService) {
    converge(
        BGP,
        "bgp-",
        node,
        peersByService,
        (k, peers) -> status(node, k, "peers", peers.stream().sorted().toList()));
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

  /**
   * What a write needs of an object already there: the rest (managed fields, other metadata) is
   * dropped as the pages arrive, so a node announcing 10,000 Services does not hold 10,000 whole
   * objects while it writes.
   */
  private record Existing(String resourceVersion, List<OwnerReference> owners, Object status) {}

  /**
   * @param statusOf a Service's status object, made when it is compared and again when it is
   *     written: not held for every Service at once (at 10,000 Services, all of them made up front
   *     and waiting for their writes ran the speaker's 64 MB heap out, bench/footprint)
   */
  private void converge(
      ResourceDefinitionContext ctx,
      String prefix,
      String node,
      Map<ServiceKey, Set<String>> desired,
      BiFunction<ServiceKey, Set<String>, Map<String, Object>> statusOf) {
    var api = client.genericKubernetesResources(ctx).inNamespace(namespace);
    Map<String, Existing> existing = new HashMap<>();
    List<Runnable> writes = new ArrayList<>();
    try {
      String next = null;
      do {
        var page =
            api.withLabel(NODE_LABEL, node)
                .list(new ListOptionsBuilder().withLimit(PAGE).withContinue(next).build());
        for (GenericKubernetesResource r : page.getItems()) {
          existing.put(
              r.getMetadata().getName(),
              new Existing(
                  r.getMetadata().getResourceVersion(),
                  r.getMetadata().getOwnerReferences(),
                  r.get("status")));
        }
        next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
      } while (next != null && !next.isEmpty());
    } catch (KubernetesClientException e) {
      failed(ctx, node, e);
      return;
    }
    for (Map.Entry<ServiceKey, Set<String>> e : desired.entrySet()) {
      ServiceKey key = e.getKey();
      Set<String> items = e.getValue();
      String name = prefix + objectName(node, key);
      Existing current = existing.remove(name);
      Optional<List<OwnerReference>> owners =
          current == null ? Optional.empty() : owner.replacing(current.owners());
      if (current != null
          && owners.isEmpty()
          && statusOf.apply(key, items).equals(current.status())) {
        continue;
      }
      writes.add(
          () -> write(api, ctx, node, name, key, statusOf.apply(key, items), current, owners));
    }
    for (String stale : existing.keySet()) {
      writes.add(() -> api.withName(stale).delete());
    }
    Optional<KubernetesClientException> failure = run(writes);
    if (failure.isPresent()) {
      failed(ctx, node, failure.get());
    } else {
      lastFailure.remove(ctx.getKind());
    }
  }

  private void write(
      NonNamespaceOperation<
              GenericKubernetesResource,
              GenericKubernetesResourceList,
              Resource<GenericKubernetesResource>>
          api,
      ResourceDefinitionContext ctx,
      String node,
      String name,
      ServiceKey key,
      Map<String, Object> status,
      Existing current,
      Optional<List<OwnerReference>> owners) {
    GenericKubernetesResource obj;
    if (current == null) {
      obj = api.resource(object(ctx, name, node, key, null, owner.forNewObject())).create();
    } else {
      String resourceVersion = current.resourceVersion();
      if (owners.isPresent()) {
        resourceVersion =
            api.withName(name)
                .patch(JSON_PATCH, PodOwner.jsonPatch(owners.get()))
                .getMetadata()
                .getResourceVersion();
        if (status.equals(current.status())) {
          return;
        }
      }
      obj = object(ctx, name, node, key, resourceVersion, owners.orElse(current.owners()));
    }
    obj.setAdditionalProperty("status", status);
    api.resource(obj).updateStatus();
  }

  /**
   * The object of {@code key} on {@code node}, status apart; {@code resourceVersion} null for a new
   * one.
   */
  private GenericKubernetesResource object(
      ResourceDefinitionContext ctx,
      String name,
      String node,
      ServiceKey key,
      String resourceVersion,
      List<OwnerReference> owners) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(ctx.getGroup() + "/" + ctx.getVersion())
        .withKind(ctx.getKind())
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withResourceVersion(resourceVersion)
        .withLabels(
            Map.of(
                NODE_LABEL,
                node,
                SERVICE_NAME_LABEL,
                key.name(),
                SERVICE_NAMESPACE_LABEL,
                key.namespace()))
        .withOwnerReferences(owners)
        .endMetadata()
        .build();
  }

  /**
   * Runs {@code writes}, {@value #PARALLEL} at a time (one after the other, 10,000 Services took
   * the speaker minutes against an API server that answers in milliseconds; the client's rate limit
   * still bounds the requests per second), and waits for all of them. Only a window of {@value
   * #WINDOW} is submitted at once, so 10,000 writes do not become 10,000 futures in the heap. One
   * failed write does not stop the others; the first failure is returned.
   */
  private Optional<KubernetesClientException> run(List<Runnable> writes) {
    KubernetesClientException first = null;
    for (int from = 0; from < writes.size(); from += WINDOW) {
      List<CompletableFuture<Void>> window = new ArrayList<>(WINDOW);
      for (Runnable w : writes.subList(from, Math.min(writes.size(), from + WINDOW))) {
        window.add(CompletableFuture.runAsync(w, WRITERS));
      }
      for (CompletableFuture<Void> f : window) {
        try {
          f.join();
        } catch (CompletionException e) {
          if (!(e.getCause() instanceof KubernetesClientException k)) {
            throw e;
          }
          first = first == null ? k : first;
        }
      }
    }
    return Optional.ofNullable(first);
  }

  /**
   * The CRDs may be missing (an old MetalLB install): status is informational, never fatal. Said
   * once per distinct failure, not on every periodic rewrite.
   */
  private void failed(ResourceDefinitionContext ctx, String node, KubernetesClientException e) {
    String message = String.valueOf(e.getMessage());
    if (!message.equals(lastFailure.put(ctx.getKind(), message))) {
      LOG.warn("event=statusWriteFailed kind={} node={}: {}", ctx.getKind(), node, message);
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
