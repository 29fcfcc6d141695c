package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.ferrolb.adapters.k8s.yaml.YamlConfigDecoder;
import io.ferrolb.adapters.k8s.yaml.YamlDecodeException;
import io.ferrolb.domain.config.RawObject;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.ports.out.ServiceSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** fabric8 objects to the port's plain types. */
final class Conversions {
  /** The ConfigMap name and key of MetalLB's legacy configuration (MetalLB v0.12.1). */
  static final String LEGACY_CONFIGMAP = "config";

  static final String LEGACY_KEY = "config";

  /** The spec key for objects whose text cannot be decoded (see ConfigSource). */
  static final String DECODE_ERROR = "__error";

  private Conversions() {}

  static ServiceSnapshot service(Service s) {
    ObjectMeta m = s.getMetadata();
    ServiceSpec spec = s.getSpec() == null ? new ServiceSpec() : s.getSpec();
    List<String> ports = new ArrayList<>();
    if (spec.getPorts() != null) {
      for (ServicePort p : spec.getPorts()) {
        String proto = p.getProtocol() == null ? "TCP" : p.getProtocol().toUpperCase();
        ports.add(proto + "/" + (p.getPort() == null ? 0 : p.getPort()));
      }
    }
    List<IpFamily> families = new ArrayList<>();
    if (spec.getIpFamilies() != null) {
      for (String f : spec.getIpFamilies()) {
        if ("IPv4".equals(f)) {
          families.add(IpFamily.IPV4);
        } else if ("IPv6".equals(f)) {
          families.add(IpFamily.IPV6);
        }
      }
    }
    List<IpAddress> clusterIps = new ArrayList<>();
    List<String> cips = spec.getClusterIPs();
    if ((cips == null || cips.isEmpty()) && spec.getClusterIP() != null) {
      cips = List.of(spec.getClusterIP());
    }
    if (cips != null) {
      for (String c : cips) {
        IpAddress.tryParse(c).ifPresent(clusterIps::add);
      }
    }
    List<IpAddress> ingress = new ArrayList<>();
    boolean hasStatus = s.getStatus() != null;
    if (hasStatus
        && s.getStatus().getLoadBalancer() != null
        && s.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress i : s.getStatus().getLoadBalancer().getIngress()) {
        if (i.getIp() != null) {
          IpAddress.tryParse(i.getIp()).ifPresent(ingress::add);
        }
      }
    }
    return new ServiceSnapshot(
        m.getNamespace(),
        m.getName(),
        orEmpty(m.getUid()),
        spec.getType() == null ? "ClusterIP" : spec.getType(),
        Optional.ofNullable(spec.getLoadBalancerClass()).filter(c -> !c.isEmpty()),
        orEmpty(m.getLabels()),
        orEmpty(m.getAnnotations()),
        Optional.ofNullable(spec.getLoadBalancerIP()).filter(ip -> !ip.isEmpty()),
        orEmpty(spec.getExternalTrafficPolicy()),
        orEmpty(spec.getSelector()),
        ports,
        orEmpty(spec.getIpFamilyPolicy()),
        families,
        clusterIps,
        ingress,
        hasStatus,
        orEmpty(m.getCreationTimestamp()));
  }

  static RawObject raw(MetallbKind kind, GenericKubernetesResource r) {
    ObjectMeta m = r.getMetadata();
    Object spec = r.getAdditionalProperties().get("spec");
    Map<String, Object> plain = spec instanceof Map<?, ?> sm ? PlainTree.map(sm) : Map.of();
    return new RawObject(
        kind.apiVersion(),
        kind.kind(),
        orEmpty(m.getNamespace()),
        m.getName(),
        orEmpty(m.getLabels()),
        plain,
        kind.kind() + " " + m.getNamespace() + "/" + m.getName());
  }

  /**
   * The legacy ConfigMap's {@code config} key, parsed. Text that is not a YAML mapping yields a
   * spec holding only {@code __error} with the reason, so the parser reports it against the object.
   */
  static RawObject legacy(ConfigMap cm) {
    ObjectMeta m = cm.getMetadata();
    String origin = "ConfigMap " + m.getNamespace() + "/" + m.getName();
    String text = cm.getData() == null ? null : cm.getData().get(LEGACY_KEY);
    Map<String, Object> spec;
    if (text == null) {
      spec =
          Map.of(DECODE_ERROR, "no key \"" + LEGACY_KEY + "\" in data (expected: the YAML config)");
    } else {
      spec = parseYaml(origin, text);
    }
    return new RawObject(
        "v1",
        RawObject.LEGACY_CONFIG_KIND,
        orEmpty(m.getNamespace()),
        m.getName(),
        orEmpty(m.getLabels()),
        spec,
        origin);
  }

  /**
   * The {@code config} text through the shared decoder ({@link YamlConfigDecoder}), which reads it
   * as MetalLB's legacy format; a decoding failure becomes {@code __error}.
   */
  static Map<String, Object> parseYaml(String origin, String text) {
    try {
      List<RawObject> docs = YamlConfigDecoder.decode(origin, text);
      for (RawObject o : docs) {
        if (RawObject.LEGACY_CONFIG_KIND.equals(o.kind())) {
          return o.spec();
        }
      }
      if (docs.isEmpty()) {
        return Map.of();
      }
      return Map.of(
          DECODE_ERROR,
          "data.config: a " + docs.get(0).kind() + " (expected: MetalLB's legacy configuration)");
    } catch (YamlDecodeException e) {
      return Map.of(DECODE_ERROR, "data.config: " + e.getMessage());
    }
  }

  /** Configuration objects ordered by creation time, then name, per kind. */
  static final Comparator<HasMetadata> CREATION_THEN_NAME =
      Comparator.<HasMetadata, String>comparing(
              o -> orEmpty(o.getMetadata().getCreationTimestamp()))
          .thenComparing(o -> o.getMetadata().getName());

  /**
   * The configuration as the parser wants it, from the informer caches: each kind's CRs in creation
   * order, then the legacy ConfigMap.
   */
  static List<RawObject> configObjects(
      Map<MetallbKind, SharedIndexInformer<GenericKubernetesResource>> crs,
      SharedIndexInformer<ConfigMap> legacy) {
    List<RawObject> out = new ArrayList<>();
    for (var e : crs.entrySet()) {
      var items = new ArrayList<>(e.getValue().getStore().list());
      items.sort(CREATION_THEN_NAME);
      for (var r : items) {
        out.add(raw(e.getKey(), r));
      }
    }
    for (ConfigMap cm : legacy.getStore().list()) {
      out.add(legacy(cm));
    }
    return out;
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  static Map<String, String> orEmpty(Map<String, String> m) {
    return m == null ? Map.of() : m;
  }
}
