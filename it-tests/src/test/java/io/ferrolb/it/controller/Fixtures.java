package io.ferrolb.it.controller;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.ferrolb.domain.announce.AnnouncedCondition;
import io.ferrolb.it.support.Crds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Objects the controller tests create on the mock API server. */
public final class Fixtures {
  static final String NS = "ferrolb-system";

  public static final ResourceDefinitionContext POOLS =
      new ResourceDefinitionContext.Builder()
          .withGroup("metallb.io")
          .withVersion("v1beta1")
          .withKind("IPAddressPool")
          .withPlural("ipaddresspools")
          .withNamespaced(true)
          .build();

  public static final ResourceDefinitionContext STATES =
      new ResourceDefinitionContext.Builder()
          .withGroup("metallb.io")
          .withVersion("v1beta1")
          .withKind("ConfigurationState")
          .withPlural("configurationstates")
          .withNamespaced(true)
          .build();

  /** deploy/crds of the repository (failsafe runs in the it-tests directory). */
  static final Path CRDS = Crds.DIR;

  private Fixtures() {}

  /** Creates every metallb.io CRD, so the mock honours their status subresources. */
  static void installCrds(KubernetesClient client) throws IOException {
    Crds.install(client);
  }

  static GenericKubernetesResource pool(String name, String... addresses) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("addresses", List.of(addresses));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("metallb.io/v1beta1")
        .withKind("IPAddressPool")
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }

  static void applyPool(KubernetesClient client, String name, String... addresses) {
    client
        .genericKubernetesResources(POOLS)
        .inNamespace(NS)
        .resource(pool(name, addresses))
        .createOr(op -> op.update());
  }

  /** A LoadBalancer Service with a ClusterIP (the mock server allocates none). */
  public static Service lb(String ns, String name, int index) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .withNewSpec()
        .withType("LoadBalancer")
        .withClusterIP(clusterIp(index))
        .withClusterIPs(clusterIp(index))
        .withIpFamilies("IPv4")
        .addNewPort()
        .withProtocol("TCP")
        .withPort(80)
        .endPort()
        .withSelector(Map.of("app", name))
        .endSpec()
        .build();
  }

  static String clusterIp(int index) {
    return "10.96." + (index / 250) + "." + (1 + index % 250);
  }

  public static List<String> ingress(Service s) {
    List<String> out = new ArrayList<>();
    if (s != null
        && s.getStatus() != null
        && s.getStatus().getLoadBalancer() != null
        && s.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress i : s.getStatus().getLoadBalancer().getIngress()) {
        out.add(i.getIp());
      }
    }
    return out;
  }

  /**
   * The Service's {@value AnnouncedCondition#TYPE} condition as "Status Reason: message", or ""
   * when it has none (or the Service is gone).
   */
  public static String announced(KubernetesClient client, String ns, String name) {
    Service s = client.services().inNamespace(ns).withName(name).get();
    if (s == null || s.getStatus() == null || s.getStatus().getConditions() == null) {
      return "";
    }
    return s.getStatus().getConditions().stream()
        .filter(c -> AnnouncedCondition.TYPE.equals(c.getType()))
        .map(c -> c.getStatus() + " " + c.getReason() + ": " + c.getMessage())
        .findFirst()
        .orElse("");
  }

  public static List<String> ingress(KubernetesClient client, String ns, String name) {
    return ingress(client.services().inNamespace(ns).withName(name).get());
  }

  /** ns/name -> ingress of every Service. */
  static Map<String, List<String>> allIngress(KubernetesClient client) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Service s : client.services().inAnyNamespace().list().getItems()) {
      out.put(s.getMetadata().getNamespace() + "/" + s.getMetadata().getName(), ingress(s));
    }
    return out;
  }

  static List<String> eventReasons(KubernetesClient client, String ns, String name) {
    List<String> out = new ArrayList<>();
    for (var e : client.v1().events().inNamespace(ns).list().getItems()) {
      if (name.equals(e.getInvolvedObject().getName())) {
        out.add(e.getReason());
      }
    }
    return out;
  }

  static List<String> eventMessages(KubernetesClient client, String ns, String name) {
    List<String> out = new ArrayList<>();
    for (var e : client.v1().events().inNamespace(ns).list().getItems()) {
      if (name.equals(e.getInvolvedObject().getName())) {
        out.add(e.getReason() + ": " + e.getMessage());
      }
    }
    return out;
  }
}
