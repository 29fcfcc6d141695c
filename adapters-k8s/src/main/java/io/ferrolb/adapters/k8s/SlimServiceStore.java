package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PortStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The Services informers' store, holding each Service with what no reader needs taken out, as
 * client-go's informer transforms do: the {@code managedFields} and kubectl's
 * last-applied-configuration annotation (often the largest part of a Service in a real cluster), an
 * empty map in place of each model object's own empty map of unknown fields, and one shared copy of
 * the short strings that repeat in every Service (kind, namespace, type, protocol, policies). At
 * 10,000 Services that is a third of the controller's heap. The informer hands the object it stored
 * to the event handlers, so they see the same slim object; nothing writes a cached Service (writers
 * build their own patches).
 */
final class SlimServiceStore implements ItemStore<Service> {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private final BasicItemStore<Service> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

  @Override
  public String getKey(Service s) {
    return store.getKey(s);
  }

  @Override
  public Service put(String key, Service s) {
    return store.put(key, slim(s));
  }

  @Override
  public Service remove(String key) {
    return store.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet();
  }

  @Override
  public Stream<Service> values() {
    return store.values();
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public Service get(String key) {
    return store.get(key);
  }

  /** {@code s}, changed in place: the informer's own freshly decoded object. */
  static Service slim(Service s) {
    s.setAdditionalProperties(none(s.getAdditionalProperties()));
    s.setApiVersion(shared(s.getApiVersion()));
    s.setKind(shared(s.getKind()));
    ObjectMeta m = s.getMetadata();
    if (m != null) {
      m.setAdditionalProperties(none(m.getAdditionalProperties()));
      m.setManagedFields(null);
      m.setNamespace(shared(m.getNamespace()));
      if (m.getAnnotations() != null) {
        m.getAnnotations().remove(LAST_APPLIED);
      }
    }
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
        each(lb.getIngress(), SlimServiceStore::slim);
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
   * small set (kinds, families, protocols, namespaces) come here, so the table stays small.
   */
  private static String shared(String v) {
    return v == null ? null : v.intern();
  }

  private static List<String> sharedAll(List<String> vs) {
    if (vs == null) {
      return null;
    }
    return vs.stream().map(SlimServiceStore::shared).toList();
  }
}
