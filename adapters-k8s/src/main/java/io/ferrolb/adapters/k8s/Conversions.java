package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.ferrolb.adapters.k8s.yaml.YamlConfigDecoder;
import io.ferrolb.adapters.k8s.yaml.YamlDecodeException;
import io.ferrolb.domain.allocation.IpFamilyPolicy;
import io.ferrolb.domain.allocation.Protocol;
import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.allocation.ServiceRequest;
import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.RawObject;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.ports.out.ServiceSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** fabric8 objects to the port's plain types. */
final class Conversions {
  /** The ConfigMap name and key of MetalLB's legacy configuration (MetalLB v0.12.1). */
  static final String LEGACY_CONFIGMAP = "config";

  static final String LEGACY_KEY = "config";

  private Conversions() {}

  /**
   * The controller's view of a Service: the allocator's request, built here and nowhere else, plus
   * what only the status writer needs.
   */
  static ServiceSnapshot service(Service s) {
    ObjectMeta m = s.getMetadata();
    return new ServiceSnapshot(
        request(s),
        orEmpty(m.getUid()),
        s.getStatus() != null,
        orEmpty(m.getCreationTimestamp()),
        orEmpty(m.getResourceVersion()));
  }

  /**
   * The one translation of a fabric8 Service into the domain's terms: the allocator reads it as is,
   * and the speaker's {@link io.ferrolb.domain.announce.ServiceState} is made from it. Annotations
   * stay as written: the domain parses them and says why one is bad.
   */
  static ServiceRequest request(Service s) {
    ObjectMeta m = s.getMetadata();
    ServiceSpec spec = s.getSpec() == null ? new ServiceSpec() : s.getSpec();
    List<io.ferrolb.domain.allocation.ServicePort> ports = new ArrayList<>();
    if (spec.getPorts() != null) {
      for (ServicePort p : spec.getPorts()) {
        protocol(p.getProtocol())
            .ifPresent(
                proto ->
                    ports.add(
                        new io.ferrolb.domain.allocation.ServicePort(
                            proto, p.getPort() == null ? 0 : p.getPort())));
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
        IpAddress.tryParse(c).ifPresent(clusterIps::add); // "None" and "" are no address
      }
    }
    return new ServiceRequest(
        new ServiceKey(m.getNamespace(), m.getName()),
        spec.getType() == null ? "ClusterIP" : spec.getType(),
        Optional.ofNullable(spec.getLoadBalancerClass()).filter(c -> !c.isEmpty()),
        orEmpty(m.getLabels()),
        orEmpty(m.getAnnotations()),
        Optional.ofNullable(spec.getLoadBalancerIP()).filter(ip -> !ip.isEmpty()),
        "Local".equals(spec.getExternalTrafficPolicy())
            ? TrafficPolicy.LOCAL
            : TrafficPolicy.CLUSTER,
        orEmpty(spec.getSelector()),
        ports,
        ipFamilyPolicy(spec.getIpFamilyPolicy()),
        families,
        clusterIps,
        ingress(s));
  }

  /**
   * A port's protocol (absent means TCP); empty for one Kubernetes added later, with which no
   * sharing conflict can involve ours.
   */
  private static Optional<Protocol> protocol(String text) {
    if (text == null) {
      return Optional.of(Protocol.TCP);
    }
    try {
      return Optional.of(Protocol.valueOf(text.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** {@code spec.ipFamilyPolicy}; absent (or unknown) is Kubernetes' default, SingleStack. */
  private static IpFamilyPolicy ipFamilyPolicy(String text) {
    if ("PreferDualStack".equals(text)) {
      return IpFamilyPolicy.PREFER_DUAL_STACK;
    }
    if ("RequireDualStack".equals(text)) {
      return IpFamilyPolicy.REQUIRE_DUAL_STACK;
    }
    return IpFamilyPolicy.SINGLE_STACK;
  }

  /** {@code status.loadBalancer.ingress[].ip} in order; hostnames are no address. */
  private static List<IpAddress> ingress(Service s) {
    List<IpAddress> ingress = new ArrayList<>();
    if (s.getStatus() != null
        && s.getStatus().getLoadBalancer() != null
        && s.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress i : s.getStatus().getLoadBalancer().getIngress()) {
        if (i.getIp() != null) {
          IpAddress.tryParse(i.getIp()).ifPresent(ingress::add);
        }
      }
    }
    return ingress;
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
   * The legacy ConfigMap's {@code config} key, parsed; text that is not MetalLB's YAML (or no such
   * key) is {@link DecodedObject.Undecodable}, so the loader reports it against the ConfigMap.
   */
  static DecodedObject legacy(ConfigMap cm) {
    ObjectMeta m = cm.getMetadata();
    String origin = "ConfigMap " + m.getNamespace() + "/" + m.getName();
    String text = cm.getData() == null ? null : cm.getData().get(LEGACY_KEY);
    if (text == null) {
      return undecodable(
          cm, origin, "data", "no key \"" + LEGACY_KEY + "\" (expected: the YAML config)");
    }
    try {
      List<RawObject> docs = YamlConfigDecoder.decode(origin, text);
      Optional<RawObject> config =
          docs.stream().filter(o -> RawObject.LEGACY_CONFIG_KIND.equals(o.kind())).findFirst();
      if (config.isEmpty() && !docs.isEmpty()) {
        return undecodable(
            cm,
            origin,
            "data.config",
            "a " + docs.get(0).kind() + " (expected: MetalLB's legacy configuration)");
      }
      Map<String, Object> spec = config.map(RawObject::spec).orElse(Map.of());
      return DecodedObject.of(
          new RawObject(
              "v1",
              RawObject.LEGACY_CONFIG_KIND,
              orEmpty(m.getNamespace()),
              m.getName(),
              orEmpty(m.getLabels()),
              spec,
              origin,
              config.flatMap(RawObject::notAMapping)));
    } catch (YamlDecodeException e) {
      return undecodable(cm, origin, "data.config", e.getMessage());
    }
  }

  private static DecodedObject undecodable(
      ConfigMap cm, String origin, String field, String reason) {
    return new DecodedObject.Undecodable(
        "v1",
        RawObject.LEGACY_CONFIG_KIND,
        orEmpty(cm.getMetadata().getNamespace()),
        cm.getMetadata().getName(),
        origin,
        field,
        reason);
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
  static List<DecodedObject> configObjects(
      Map<MetallbKind, Watched<GenericKubernetesResource>> crs, Watched<ConfigMap> legacy) {
    List<DecodedObject> out = new ArrayList<>();
    for (var e : crs.entrySet()) {
      var items = new ArrayList<>(e.getValue().informer().getStore().list());
      items.sort(CREATION_THEN_NAME);
      for (var r : items) {
        out.add(DecodedObject.of(raw(e.getKey(), r)));
      }
    }
    for (ConfigMap cm : legacy.informer().getStore().list()) {
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
