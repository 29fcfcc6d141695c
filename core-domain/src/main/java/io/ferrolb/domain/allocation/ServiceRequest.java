package io.ferrolb.domain.allocation;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the allocator needs to know about one Service, as read from the cluster. The Service's
 * current {@code status.loadBalancer.ingress} is the only persisted allocation state.
 */
public record ServiceRequest(
    ServiceKey key,
    String type,
    Optional<String> loadBalancerClass,
    Map<String, String> labels,
    Map<String, String> annotations,
    Optional<String> specLoadBalancerIp,
    TrafficPolicy externalTrafficPolicy,
    Map<String, String> selector,
    List<ServicePort> ports,
    IpFamilyPolicy ipFamilyPolicy,
    List<IpFamily> ipFamilies,
    List<IpAddress> clusterIps,
    List<IpAddress> currentIngress) {

  /** {@code spec.type} of a load-balanced Service. */
  public static final String LOAD_BALANCER = "LoadBalancer";

  public ServiceRequest {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(loadBalancerClass, "loadBalancerClass");
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(specLoadBalancerIp, "specLoadBalancerIp");
    Objects.requireNonNull(externalTrafficPolicy, "externalTrafficPolicy");
    selector = Map.copyOf(selector);
    ports = List.copyOf(ports);
    Objects.requireNonNull(ipFamilyPolicy, "ipFamilyPolicy");
    ipFamilies = List.copyOf(ipFamilies);
    clusterIps = List.copyOf(clusterIps);
    currentIngress = List.copyOf(currentIngress);
  }

  /** A builder for a LoadBalancer Service with defaults (Cluster policy, SingleStack). */
  public static Builder builder(String namespace, String name) {
    return new Builder(new ServiceKey(namespace, name));
  }

  /** A builder starting from this request. */
  public Builder toBuilder() {
    Builder b = new Builder(key);
    b.type = type;
    b.loadBalancerClass = loadBalancerClass;
    b.labels.putAll(labels);
    b.annotations.putAll(annotations);
    b.specLoadBalancerIp = specLoadBalancerIp;
    b.externalTrafficPolicy = externalTrafficPolicy;
    b.selector.putAll(selector);
    b.ports.addAll(ports);
    b.ipFamilyPolicy = ipFamilyPolicy;
    b.ipFamilies = ipFamilies;
    b.clusterIps = clusterIps;
    b.currentIngress = currentIngress;
    return b;
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private final ServiceKey key;
    private String type = LOAD_BALANCER;
    private Optional<String> loadBalancerClass = Optional.empty();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private Optional<String> specLoadBalancerIp = Optional.empty();
    private TrafficPolicy externalTrafficPolicy = TrafficPolicy.CLUSTER;
    private final Map<String, String> selector = new LinkedHashMap<>();
    private final List<ServicePort> ports = new ArrayList<>();
    private IpFamilyPolicy ipFamilyPolicy = IpFamilyPolicy.SINGLE_STACK;
    private List<IpFamily> ipFamilies = List.of();
    private List<IpAddress> clusterIps = List.of();
    private List<IpAddress> currentIngress = List.of();

    private Builder(ServiceKey key) {
      this.key = key;
    }

    public Builder type(String v) {
      type = v;
      return this;
    }

    public Builder loadBalancerClass(String v) {
      loadBalancerClass = Optional.of(v);
      return this;
    }

    public Builder noLoadBalancerClass() {
      loadBalancerClass = Optional.empty();
      return this;
    }

    public Builder label(String k, String v) {
      labels.put(k, v);
      return this;
    }

    public Builder annotation(String k, String v) {
      annotations.put(k, v);
      return this;
    }

    public Builder removeAnnotation(String k) {
      annotations.remove(k);
      return this;
    }

    public Builder specLoadBalancerIp(String v) {
      specLoadBalancerIp = Optional.of(v);
      return this;
    }

    public Builder noSpecLoadBalancerIp() {
      specLoadBalancerIp = Optional.empty();
      return this;
    }

    public Builder externalTrafficPolicy(TrafficPolicy v) {
      externalTrafficPolicy = v;
      return this;
    }

    public Builder selector(String k, String v) {
      selector.put(k, v);
      return this;
    }

    public Builder port(Protocol protocol, int port) {
      ports.add(new ServicePort(protocol, port));
      return this;
    }

    public Builder clearPorts() {
      ports.clear();
      return this;
    }

    public Builder ipFamilyPolicy(IpFamilyPolicy v) {
      ipFamilyPolicy = v;
      return this;
    }

    public Builder ipFamilies(IpFamily... v) {
      ipFamilies = List.of(v);
      return this;
    }

    /** Sets {@code spec.clusterIPs} and, when no families were given, {@code ipFamilies}. */
    public Builder clusterIps(IpAddress... v) {
      clusterIps = List.of(v);
      if (ipFamilies.isEmpty()) {
        ipFamilies = clusterIps.stream().map(IpAddress::family).toList();
      }
      return this;
    }

    public Builder clusterIps(String... v) {
      IpAddress[] a = new IpAddress[v.length];
      for (int i = 0; i < v.length; i++) {
        a[i] = IpAddress.parse(v[i]);
      }
      return clusterIps(a);
    }

    public Builder currentIngress(List<IpAddress> v) {
      currentIngress = List.copyOf(v);
      return this;
    }

    public ServiceRequest build() {
      return new ServiceRequest(
          key,
          type,
          loadBalancerClass,
          labels,
          annotations,
          specLoadBalancerIp,
          externalTrafficPolicy,
          selector,
          ports,
          ipFamilyPolicy,
          ipFamilies,
          clusterIps,
          currentIngress);
    }
  }
}
