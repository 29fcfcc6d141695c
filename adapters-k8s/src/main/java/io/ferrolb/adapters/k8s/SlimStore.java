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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's store that holds each object with what no reader needs taken out, as client-go's
 * informer transforms do: the {@code managedFields} and kubectl's last-applied-configuration
 * annotation (often the largest part of an object in a real cluster), an empty map in place of each
 * model object's own empty map of unknown fields, and one shared copy of the short strings that
 * repeat in every object (kind, namespace, type, protocol, policies, node names). For the Services
 * ({@link #services}) and the EndpointSlices ({@link #endpointSlices}, which the speaker and the
 * controller's Announced conditions read): at 10,000 of each, unslimmed, the controller's 64 MB
 * heap ran out (bench/footprint). The informer hands the object it stored to the event handlers, so
 * they see the same slim object; nothing writes a cached object (writers build their own patches).
 */
final class SlimStore<T extends HasMetadata> implements ItemStore<T> {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

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
          if (p.getConditions() != null) {
            p.getConditions()
                .setAdditionalProperties(none(p.getConditions().getAdditionalProperties()));
          }
        });
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
    if (m.getAnnotations() != null) {
      m.getAnnotations().remove(LAST_APPLIED);
    }
    if (m.getLabels() != null && !m.getLabels().isEmpty()) {
      Map<String, String> labels = new LinkedHashMap<>(m.getLabels().size() * 2);
      m.getLabels().forEach((k, v) -> labels.put(shared(k), v));
      m.setLabels(labels);
    }
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
      each(
          spec.getPorts(),
          p -> {
            p.setAdditionalProperties(none(p.getAdditionalProperties()));
            p.setProtocol(shared(p.getProtocol()));
            p.setName(shared(p.getName()));
            p.setAppProtocol(shared(p.getAppProtocol()));
          });
    }
    ServiceStatus status = s.getStatus();
    if (status != null) {
      status.setAdditionalProperties(none(status.getAdditionalProperties()));
      LoadBalancerStatus lb = status.getLoadBalancer();
      if (lb != null) {
        lb.setAdditionalProperties(none(lb.getAdditionalProperties()));
        each(lb.getIngress(), SlimStore::slim);
      }
      each(
          status.getConditions(),
          c -> {
            c.setAdditionalProperties(none(c.getAdditionalProperties()));
            c.setType(shared(c.getType()));
            c.setStatus(shared(c.getStatus()));
            c.setReason(shared(c.getReason()));
          });
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
  }

  private static <T> void each(List<T> items, Consumer<T> slim) {
    if (items != null) {
      items.forEach(slim);
    }
  }

  /** The one empty map in place of an empty one; a non-empty map as it is. */
  private static Map<String, Object> none(Map<String, Object> unknown) {
    return unknown == null || unknown.isEmpty() ? Map.of() : unknown;
  }

  /**
   * The JVM's one copy of a short, repeating value; {@code null} stays null. Only values from a
   * small set (kinds, families, protocols, namespaces, label keys, node names and zones) come here,
   * so the table stays small.
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
