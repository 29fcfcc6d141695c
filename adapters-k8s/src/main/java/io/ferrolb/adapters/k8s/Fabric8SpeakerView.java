package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.Endpoint;
import io.ferrolb.domain.announce.NodeState;
import io.ferrolb.domain.announce.ServiceState;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.SecretData;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.ObjectRef;
import io.ferrolb.ports.out.SpeakerView;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker's informers: LoadBalancer Services, EndpointSlices, Nodes, the speaker pods of
 * ferrolb's namespace (the split-brain quorum base), the {@code memberlist} Secret and the
 * configuration. Every handler only signals "something changed"; readers take from the caches.
 */
public final class Fabric8SpeakerView implements SpeakerView {
  private static final Logger LOG = LoggerFactory.getLogger(Fabric8SpeakerView.class);

  /** The label EndpointSlices carry to name their Service (Kubernetes discovery/v1). */
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** The label of speaker pods (the DaemonSet in deploy/base). */
  public static final String SPEAKER_POD_LABEL = "app.kubernetes.io/component";

  /** The labels of ferrolb's speaker pods (MetalLB's are app=metallb,component=speaker). */
  public static final Map<String, String> SPEAKER_PODS = Map.of(SPEAKER_POD_LABEL, "speaker");

  private static final ResourceDefinitionContext PODS =
      ResourceContexts.namespaced("", "v1", "Pod", "pods");

  private final KubernetesClient client;
  private final String namespace;
  private final String lbClass;
  private final List<Watched<?>> informers = new ArrayList<>();
  private final Map<MetallbKind, Watched<GenericKubernetesResource>> crs =
      new EnumMap<>(MetallbKind.class);
  // set by start(), read by any thread
  private volatile Watched<Service> services;
  private volatile Watched<EndpointSlice> slices;
  private volatile Watched<Node> nodes;
  // generic, not Pod: only three fields are read, and a typed Pod informer would make Jackson
  // build deserializers for the whole Pod schema (~300 classes) before the speaker is ready
  private volatile Watched<GenericKubernetesResource> speakers;
  private final Map<String, String> speakerPods;
  private final boolean watchMemberlist;
  private boolean listOnly;
  private volatile Watched<Secret> memberlist;
  private volatile Watched<ConfigMap> legacy;
  private InformerWatchdog watchdog;
  // the controller's: its ClusterView's Services informer, borrowed (not started, not stopped here)
  private final Optional<Fabric8ClusterView> sharing;
  private ResourceEventHandler<HasMetadata> sharedHandler;

  /**
   * @param lbClass the load-balancer class this speaker serves; "" for services without a class
   */
  public Fabric8SpeakerView(KubernetesClient client, String namespace, String lbClass) {
    this(client, namespace, lbClass, SPEAKER_PODS);
  }

  /**
   * @param speakerPods the labels of the speaker pods, which say which nodes run a speaker
   *     (MetalLB's --ml-labels)
   */
  public Fabric8SpeakerView(
      KubernetesClient client, String namespace, String lbClass, Map<String, String> speakerPods) {
    this(client, namespace, lbClass, speakerPods, true, Optional.empty());
  }

  /**
   * The view the controller uses to judge whether Services are announced: everything a speaker sees
   * but the memberlist Secret, which the controller has no reason (nor the right) to watch.
   */
  public static Fabric8SpeakerView forController(
      KubernetesClient client, String namespace, String lbClass, Map<String, String> speakerPods) {
    return new Fabric8SpeakerView(client, namespace, lbClass, speakerPods, false, Optional.empty());
  }

  /**
   * As {@link #forController(KubernetesClient, String, String, Map)}, reading the Services from
   * {@code view}'s cache instead of a second one of its own: at 10,000 Services two caches of every
   * Service did not fit the controller's heap (bench/controller). Start it after {@code view}.
   */
  public static Fabric8SpeakerView forController(
      KubernetesClient client,
      String namespace,
      String lbClass,
      Map<String, String> speakerPods,
      Fabric8ClusterView view) {
    return new Fabric8SpeakerView(
        client, namespace, lbClass, speakerPods, false, Optional.of(view));
  }

  private Fabric8SpeakerView(
      KubernetesClient client,
      String namespace,
      String lbClass,
      Map<String, String> speakerPods,
      boolean watchMemberlist,
      Optional<Fabric8ClusterView> sharing) {
    this.watchMemberlist = watchMemberlist;
    this.sharing = Objects.requireNonNull(sharing, "sharing");
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.lbClass = Objects.requireNonNull(lbClass, "lbClass");
    if (speakerPods.isEmpty()) {
      throw new IllegalArgumentException("speakerPods: no labels (expected: at least one)");
    }
    this.speakerPods = Map.copyOf(speakerPods);
  }

  /**
   * Lists everything once and never watches: for a command that reads the cluster one time. The
   * view is synced when this returns.
   */
  public synchronized void listOnce() {
    listOnly = true;
    start(() -> {});
  }

  @Override
  public synchronized void start(Runnable onChange) {
    Optional<Fabric8ClusterView.Shared<Service>> shared =
        sharing.filter(v -> !listOnly).map(Fabric8ClusterView::sharedServices);
    boolean once = listOnly;
    services =
        shared.isPresent()
            ? shared.get().informer()
            : new Watched<>("Service", () -> Informers.services(client, once));
    slices = new Watched<>("EndpointSlice", () -> Informers.endpointSlices(client, once));
    nodes = new Watched<>("Node", () -> Informers.of(client.nodes(), once));
    speakers =
        new Watched<>(
            "Pod",
            () ->
                Informers.of(
                    client
                        .genericKubernetesResources(PODS)
                        .inNamespace(namespace)
                        .withLabels(speakerPods),
                    once));
    memberlist =
        new Watched<>(
            "Secret",
            () ->
                Informers.ofOne(
                    client.secrets().inNamespace(namespace).withName("memberlist"),
                    once && watchMemberlist));
    legacy = Informers.legacyConfig(client, namespace, once);
    informers.addAll(List.of(services, slices, nodes, speakers, legacy));
    if (watchMemberlist) {
      informers.add(memberlist);
    }
    for (MetallbKind kind : MetallbKind.values()) {
      if (kind.isConfig()) {
        Watched<GenericKubernetesResource> inf =
            Informers.configKind(client, kind, namespace, once);
        crs.put(kind, inf);
        informers.add(inf);
      }
    }
    List<CompletableFuture<Void>> listed = new ArrayList<>();
    if (shared.isPresent()) {
      sharedHandler = handler(onChange);
      shared.get().informer().addEventHandler(sharedHandler);
      listed.add(shared.get().listed().toCompletableFuture());
    }
    List<Watched<?>> own = new ArrayList<>();
    for (Watched<?> w : informers) {
      if (w == services && shared.isPresent()) {
        continue; // borrowed: started (and watched over) by its owner
      }
      addHandler(w, onChange);
      // the controller's view is optional (RBAC may not grant it): one warning is enough
      listed.add(
          w.start(inf -> Informers.start(inf, once, LOG, w.type(), "", !watchMemberlist))
              .toCompletableFuture());
      own.add(w);
    }
    if (!listOnly) {
      watchdog =
          InformerWatchdog.start("speaker", own, Watched.stuckAfter(client.getConfiguration()));
    }
    // a kind with no objects sends no event on its first list, so being synced is one more change
    CompletableFuture.allOf(listed.toArray(CompletableFuture[]::new))
        .thenRun(onChange)
        .exceptionally(
            t -> {
              LOG.warn("event=watchFailed a first list failed for good: {}", t.toString());
              return null;
            });
  }

  @SuppressWarnings("unchecked")
  private static void addHandler(Watched<?> informer, Runnable onChange) {
    ((Watched<HasMetadata>) informer).addEventHandler(handler(onChange));
  }

  private static ResourceEventHandler<HasMetadata> handler(Runnable onChange) {
    return new ResourceEventHandler<HasMetadata>() {
      @Override
      public void onAdd(HasMetadata obj) {
        onChange.run();
      }

      @Override
      public void onUpdate(HasMetadata old, HasMetadata now) {
        if (!Objects.equals(
            old.getMetadata().getResourceVersion(), now.getMetadata().getResourceVersion())) {
          onChange.run();
        }
      }

      @Override
      public void onDelete(HasMetadata obj, boolean unknownFinalState) {
        onChange.run();
      }
    };
  }

  /**
   * Each informer's state, one "Kind watching=B running=B rv=V" entry each: a diagnosis of a view
   * that stopped following the cluster.
   */
  public synchronized String informerStates() {
    StringBuilder b = new StringBuilder();
    for (Watched<?> w : informers) {
      SharedIndexInformer<?> inf = w.informer();
      if (b.length() > 0) {
        b.append("; ");
      }
      b.append(inf.getApiTypeClass().getSimpleName())
          .append(" watching=")
          .append(inf.isWatching())
          .append(" running=")
          .append(inf.isRunning())
          .append(" rv=")
          .append(inf.lastSyncResourceVersion())
          .append(" replaced=")
          .append(w.replacements());
    }
    return b.toString();
  }

  /** How many times an informer of this view was replaced for not watching ({@link Watched}). */
  public synchronized int informerReplacements() {
    return informers.stream().mapToInt(Watched::replacements).sum();
  }

  @Override
  public synchronized boolean synced() {
    return !informers.isEmpty()
        && (listOnly || informers.stream().allMatch(w -> w.informer().hasSynced()));
  }

  @Override
  public Collection<ServiceState> services() {
    Map<String, List<EndpointSlice>> byService = new HashMap<>();
    for (EndpointSlice s : slices.informer().getStore().list()) {
      String svc = Conversions.orEmpty(s.getMetadata().getLabels()).get(SERVICE_NAME_LABEL);
      if (svc != null) {
        byService
            .computeIfAbsent(s.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>())
            .add(s);
      }
    }
    List<ServiceState> out = new ArrayList<>();
    for (Service s : services.informer().getStore().list()) {
      if (s.getSpec() == null || !"LoadBalancer".equals(s.getSpec().getType())) {
        continue;
      }
      String cls = Conversions.orEmpty(s.getSpec().getLoadBalancerClass());
      if (!cls.equals(lbClass)) {
        continue; // MetalLB: no --lb-class serves only services without a class
      }
      String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
      out.add(state(s, byService.getOrDefault(key, List.of())));
    }
    return out;
  }

  /** The Service as the controller reads it ({@link Conversions#request}), with its endpoints. */
  static ServiceState state(Service s, List<EndpointSlice> slices) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (EndpointSlice slice : slices) {
      if (slice.getEndpoints() == null) {
        continue;
      }
      for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e : slice.getEndpoints()) {
        EndpointConditions c = e.getConditions();
        endpoints.add(
            new Endpoint(
                Optional.ofNullable(e.getNodeName()),
                Optional.ofNullable(c == null ? null : c.getReady()),
                Optional.ofNullable(c == null ? null : c.getServing())));
      }
    }
    return ServiceState.of(Conversions.request(s), endpoints);
  }

  @Override
  public Optional<ObjectRef> serviceRef(ServiceKey key) {
    Service s = services.informer().getStore().getByKey(key.toString());
    if (s == null) {
      return Optional.empty();
    }
    return Optional.of(
        new ObjectRef(
            "v1",
            "Service",
            key.namespace(),
            key.name(),
            Conversions.orEmpty(s.getMetadata().getUid())));
  }

  @Override
  public Collection<NodeState> nodes() {
    List<NodeState> out = new ArrayList<>();
    for (Node n : nodes.informer().getStore().list()) {
      boolean unavailable = condition(n, "NetworkUnavailable").equals("True");
      out.add(
          new NodeState(
              n.getMetadata().getName(),
              Conversions.orEmpty(n.getMetadata().getLabels()),
              unavailable));
    }
    return out;
  }

  private static String condition(Node n, String type) {
    if (n.getStatus() == null || n.getStatus().getConditions() == null) {
      return "";
    }
    for (NodeCondition c : n.getStatus().getConditions()) {
      if (type.equals(c.getType())) {
        return Conversions.orEmpty(c.getStatus());
      }
    }
    return "";
  }

  @Override
  public Optional<String> nodeAddress(String node) {
    Node n = nodes.informer().getStore().getByKey(node);
    if (n == null || n.getStatus() == null || n.getStatus().getAddresses() == null) {
      return Optional.empty();
    }
    for (NodeAddress a : n.getStatus().getAddresses()) {
      if ("InternalIP".equals(a.getType()) && IpAddress.tryParse(a.getAddress()).isPresent()) {
        return Optional.of(a.getAddress());
      }
    }
    return Optional.empty();
  }

  /**
   * Nodes running a speaker pod that is not being deleted and not failed. Pods are the truth here,
   * not Nodes: the DaemonSet may be restricted to some nodes.
   */
  @Override
  public Set<String> expectedSpeakers() {
    Set<String> out = new TreeSet<>();
    for (GenericKubernetesResource p : speakers.informer().getStore().list()) {
      String nodeName = p.get("spec", "nodeName") instanceof String n ? n : null;
      if (p.getMetadata().getDeletionTimestamp() != null || nodeName == null) {
        continue;
      }
      Object phase = p.get("status", "phase");
      if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
        continue;
      }
      out.add(nodeName);
    }
    return out;
  }

  @Override
  public List<DecodedObject> configObjects() {
    return Conversions.configObjects(crs, legacy);
  }

  @Override
  public Optional<SecretData> secret(String name) {
    try {
      Secret s = client.secrets().inNamespace(namespace).withName(name).get();
      if (s == null) {
        return Optional.empty();
      }
      Map<String, String> data = new HashMap<>();
      if (s.getData() != null) {
        s.getData()
            .forEach(
                (k, v) ->
                    data.put(
                        k,
                        new String(
                            Base64.getMimeDecoder().decode(v),
                            java.nio.charset.StandardCharsets.UTF_8)));
      }
      if (s.getStringData() != null) {
        data.putAll(s.getStringData());
      }
      return Optional.of(new SecretData(Conversions.orEmpty(s.getType()), data));
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      LOG.warn("event=secretReadFailed secret={}/{}: {}", namespace, name, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public Optional<byte[]> memberlistKey() {
    for (Secret s : memberlist.informer().getStore().list()) {
      if (s.getData() != null && s.getData().get("secretkey") != null) {
        return Optional.of(Base64.getMimeDecoder().decode(s.getData().get("secretkey")));
      }
      if (s.getStringData() != null && s.getStringData().get("secretkey") != null) {
        return Optional.of(
            s.getStringData().get("secretkey").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized void close() {
    if (watchdog != null) {
      watchdog.close();
      watchdog = null;
    }
    for (Watched<?> w : informers) {
      if (w == services && sharedHandler != null) {
        services.removeEventHandler(sharedHandler); // borrowed: its owner stops it
      } else {
        w.stop();
      }
    }
    sharedHandler = null;
    informers.clear();
  }
}
