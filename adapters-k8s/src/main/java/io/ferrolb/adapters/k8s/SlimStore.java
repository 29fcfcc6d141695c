package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PortStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's store that holds each object with what no reader needs taken out, as client-go's
 * informer transforms do: the {@code managedFields} and kubectl's last-applied-configuration
 * annotation (often the largest part of an object in a real cluster), an empty map in place of each
 * model object's own empty map of unknown fields, its lists and maps as unmodifiable copies of
 * their exact size (the model starts each as an {@code ArrayList} or {@code LinkedHashMap}, most of
 * them empty), and one shared copy of the short strings that repeat in every object (kind,
 * namespace, type, protocol, policies, node names). For the Services ({@link #services}) and the
 * EndpointSlices ({@link #endpointSlices}, which the speaker and the controller's Announced
 * conditions read): at 10,000 of each, unslimmed, the controller's 64 MB heap ran out
 * (bench/footprint). The informer hands the object it stored to the event handlers, so they see the
 * same slim object; nothing writes a cached object (writers build their own patches).
 */
final class SlimStore<T extends HasMetadata> implements ItemStore<T> {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** Longest map value shared (a label value's maximum, 63, and a little). */
  private static final int SHARED_VALUE = 64;

  private final BasicItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final UnaryOperator<T> slim;

  private SlimStore(UnaryOperator<T> slim) {
    this.slim = slim;
  }

  static SlimStore<Service> services() {
    return new SlimStore<>(SlimStore::service);
  }

  static SlimStore<EndpointSlice> endpointSlices() {
    return new SlimStore<>(SlimStore::endpointSlice);
  }

  @Override
  public String getKey(T o) {
    return store.getKey(o);
  }

  @Override
  public T put(String key, T o) {
    return store.put(key, slim.apply(o));
  }

  @Override
  public T remove(String key) {
    return store.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet();
  }

  @Override
  public Stream<T> values() {
    return store.values();
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public T get(String key) {
    return store.get(key);
  }

  /**
   * {@code e}, changed in place. What {@link Fabric8SpeakerView} reads stays: the labels, the
   * endpoints' node, conditions and addresses. Each endpoint's {@code targetRef} (a Pod's
   * reference, with its uid), {@code hints} and {@code deprecatedTopology}, and the ports, which no
   * reader takes, go.
   */
  static EndpointSlice endpointSlice(EndpointSlice e) {
    e.setAdditionalProperties(none(e.getAdditionalProperties()));
    e.setApiVersion(shared(e.getApiVersion()));
    e.setKind(shared(e.getKind()));
    e.setAddressType(shared(e.getAddressType()));
    e.setPorts(null);
    meta(e.getMetadata());
    each(
        e.getEndpoints(),
        p -> {
          p.setAdditionalProperties(none(p.getAdditionalProperties()));
          p.setTargetRef(null);
          p.setHints(null);
          p.setDeprecatedTopology(null);
          p.setNodeName(shared(p.getNodeName()));
          p.setZone(shared(p.getZone()));
          p.setAddresses(compact(p.getAddresses()));
          if (p.getConditions() != null) {
            p.getConditions()
                .setAdditionalProperties(none(p.getConditions().getAdditionalProperties()));
          }
        });
    e.setEndpoints(compact(e.getEndpoints()));
    return e;
  }

  /** The metadata both kinds share: managed fields and kubectl's copy out, labels' keys shared. */
  private static void meta(ObjectMeta m) {
    if (m == null) {
      return;
    }
    m.setAdditionalProperties(none(m.getAdditionalProperties()));
    m.setManagedFields(null);
    m.setNamespace(shared(m.getNamespace()));
    m.setName(shared(m.getName()));
    m.setCreationTimestamp(shared(m.getCreationTimestamp()));
    if (m.getAnnotations() != null) {
      m.getAnnotations().remove(LAST_APPLIED);
    }
    m.setAnnotations(compactMap(m.getAnnotations()));
    m.setLabels(compactMap(m.getLabels()));
    m.setFinalizers(compact(m.getFinalizers()));
    m.setOwnerReferences(compact(m.getOwnerReferences()));
  }

  /** {@code s}, changed in place: the informer's own freshly decoded object. */
  static Service service(Service s) {
    s.setAdditionalProperties(none(s.getAdditionalProperties()));
    s.setApiVersion(shared(s.getApiVersion()));
    s.setKind(shared(s.getKind()));
    meta(s.getMetadata());
    ServiceSpec spec = s.getSpec();
    if (spec != null) {
      spec.setAdditionalProperties(none(spec.getAdditionalProperties()));
      spec.setType(shared(spec.getType()));
      spec.setSessionAffinity(shared(spec.getSessionAffinity()));
      spec.setExternalTrafficPolicy(shared(spec.getExternalTrafficPolicy()));
      spec.setInternalTrafficPolicy(shared(spec.getInternalTrafficPolicy()));
      spec.setIpFamilyPolicy(shared(spec.getIpFamilyPolicy()));
      spec.setLoadBalancerClass(shared(spec.getLoadBalancerClass()));
      spec.setIpFamilies(sharedAll(spec.getIpFamilies()));
      spec.setClusterIPs(compact(spec.getClusterIPs()));
      spec.setExternalIPs(compact(spec.getExternalIPs()));
      spec.setLoadBalancerSourceRanges(compact(spec.getLoadBalancerSourceRanges()));
      spec.setSelector(compactMap(spec.getSelector()));
      each(
          spec.getPorts(),
          p -> {
            p.setAdditionalProperties(none(p.getAdditionalProperties()));
            p.setProtocol(shared(p.getProtocol()));
            p.setName(shared(p.getName()));
            p.setAppProtocol(shared(p.getAppProtocol()));
          });
      spec.setPorts(compact(spec.getPorts()));
    }
    ServiceStatus status = s.getStatus();
    if (status != null) {
      status.setAdditionalProperties(none(status.getAdditionalProperties()));
      LoadBalancerStatus lb = status.getLoadBalancer();
      if (lb != null) {
        lb.setAdditionalProperties(none(lb.getAdditionalProperties()));
        each(lb.getIngress(), SlimStore::slim);
        lb.setIngress(compact(lb.getIngress()));
      }
      each(
          status.getConditions(),
          c -> {
            c.setAdditionalProperties(none(c.getAdditionalProperties()));
            c.setType(shared(c.getType()));
            c.setStatus(shared(c.getStatus()));
            c.setReason(shared(c.getReason()));
            c.setLastTransitionTime(shared(c.getLastTransitionTime()));
          });
      status.setConditions(compact(status.getConditions()));
    }
    return s;
  }

  private static void slim(LoadBalancerIngress i) {
    i.setAdditionalProperties(none(i.getAdditionalProperties()));
    i.setIpMode(shared(i.getIpMode()));
    each(
        i.getPorts(),
        (PortStatus p) -> {
          p.setAdditionalProperties(none(p.getAdditionalProperties()));
          p.setProtocol(shared(p.getProtocol()));
        });
    i.setPorts(compact(i.getPorts()));
  }

  private static <T> void each(List<T> items, Consumer<T> slim) {
    if (items != null) {
      items.forEach(slim);
    }
  }

  /**
   * {@code items} as an unmodifiable list of its exact size ({@code List.of()} when empty): each
   * model object starts with its own {@code ArrayList}s, most of them empty, the rest with room for
   * ten. {@code null}, or a list holding a null, stays as it is.
   */
  private static <T> List<T> compact(List<T> items) {
    if (items == null || items.contains(null)) {
      return items;
    }
    return List.copyOf(items);
  }

  /**
   * {@code m} as an unmodifiable map ({@code Map.of()} when empty), its keys and short values
   * shared (label and annotation keys repeat across objects, and so do values such as a pool's or
   * an app's name; a long annotation value stays one copy of its own). {@code null}, or a map with
   * a null key or value, stays as it is.
   */
  private static Map<String, String> compactMap(Map<String, String> m) {
    if (m == null || m.containsKey(null) || m.containsValue(null)) {
      return m;
    }
    Map<String, String> shared = new HashMap<>(m.size() * 2);
    m.forEach((k, v) -> shared.put(shared(k), v.length() <= SHARED_VALUE ? shared(v) : v));
    return Map.copyOf(shared);
  }

  /** The one empty map in place of an empty one; a non-empty map as it is. */
  private static Map<String, Object> none(Map<String, Object> unknown) {
    return unknown == null || unknown.isEmpty() ? Map.of() : unknown;
  }

  /**
   * The JVM's one copy of a value that repeats across objects or versions of one object; {@code
   * null} stays null. Kinds, families, protocols, namespaces, label keys and values, node names,
   * timestamps (objects created, or conditions written, in the same second) and the names: a
   * Service's name also keys the allocator's and the conditions' maps, and each new version of the
   * object arrives with a copy of its own. The JVM's string table holds its entries weakly, so a
   * value no object holds any more goes.
   */
  private static String shared(String v) {
    return v == null ? null : v.intern();
  }

  private static List<String> sharedAll(List<String> vs) {
    if (vs == null) {
      return null;
    }
    return vs.stream().map(SlimStore::shared).toList();
  }
}
