package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.AnnouncedCondition;
import io.ferrolb.ports.out.AnnouncementReports;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the ServiceL2Status and ServiceBGPStatus objects of ferrolb's namespace, which every
 * speaker writes for the Services it announces ({@link Fabric8AnnouncementStatusWriter}).
 */
public final class Fabric8AnnouncementReports implements AnnouncementReports {
  private static final Logger LOG = LoggerFactory.getLogger(Fabric8AnnouncementReports.class);

  private final KubernetesClient client;
  private final String namespace;
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
  private SharedIndexInformer<GenericKubernetesResource> l2;
  private SharedIndexInformer<GenericKubernetesResource> bgp;
  private boolean listOnly;

  public Fabric8AnnouncementReports(KubernetesClient client, String namespace) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /** Lists the reports once and never watches (a command that reads the cluster one time). */
  public synchronized void listOnce() {
    listOnly = true;
    start(() -> {});
  }

  @Override
  public synchronized void start(Runnable onChange) {
    l2 = informer(Fabric8AnnouncementStatusWriter.L2, onChange);
    bgp = informer(Fabric8AnnouncementStatusWriter.BGP, onChange);
  }

  private SharedIndexInformer<GenericKubernetesResource> informer(
      ResourceDefinitionContext ctx, Runnable onChange) {
    SharedIndexInformer<GenericKubernetesResource> inf =
        Informers.of(client.genericKubernetesResources(ctx).inNamespace(namespace), listOnly);
    inf.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource obj) {
            onChange.run();
          }

          @Override
          public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource now) {
            onChange.run();
          }

          @Override
          public void onDelete(GenericKubernetesResource obj, boolean unknownFinalState) {
            onChange.run();
          }
        });
    // once: a missing CRD or RBAC rule would otherwise log for ever
    Informers.start(
        inf,
        listOnly,
        LOG,
        ctx.getKind(),
        " (Services get no Announced condition until this works)",
        true);
    informers.add(inf);
    return inf;
  }

  @Override
  public synchronized boolean synced() {
    return !informers.isEmpty()
        && (listOnly || informers.stream().allMatch(SharedIndexInformer::hasSynced));
  }

  @Override
  public synchronized Map<ServiceKey, AnnouncedCondition.Reports> snapshot() {
    Map<ServiceKey, Map<String, Set<String>>> byL2 = new HashMap<>();
    Map<ServiceKey, Map<String, Set<String>>> byBgp = new HashMap<>();
    if (l2 != null) {
      collect(l2.getStore().list(), "interfaces", byL2);
      collect(bgp.getStore().list(), "peers", byBgp);
    }
    Map<ServiceKey, AnnouncedCondition.Reports> out = new HashMap<>();
    Set<ServiceKey> keys = new LinkedHashSet<>(byL2.keySet());
    keys.addAll(byBgp.keySet());
    for (ServiceKey k : keys) {
      out.put(
          k,
          new AnnouncedCondition.Reports(
              byL2.getOrDefault(k, Map.of()), byBgp.getOrDefault(k, Map.of())));
    }
    return out;
  }

  /** status {node, serviceName, serviceNamespace, interfaces: [{name}] | peers: [name]}. */
  private static void collect(
      List<GenericKubernetesResource> objects,
      String listField,
      Map<ServiceKey, Map<String, Set<String>>> into) {
    for (GenericKubernetesResource r : objects) {
      if (!(r.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
          || !(status.get("node") instanceof String node)
          || !(status.get("serviceName") instanceof String name)
          || !(status.get("serviceNamespace") instanceof String ns)) {
        continue; // not written yet (created, status to follow) or not ours
      }
      Set<String> items = new LinkedHashSet<>();
      if (status.get(listField) instanceof List<?> list) {
        for (Object o : list) {
          if (o instanceof String s) {
            items.add(s);
          } else if (o instanceof Map<?, ?> m && m.get("name") instanceof String s) {
            items.add(s);
          }
        }
      }
      into.computeIfAbsent(new ServiceKey(ns, name), k -> new HashMap<>())
          .computeIfAbsent(node, k -> new LinkedHashSet<>())
          .addAll(items);
    }
  }

  @Override
  public synchronized void close() {
    informers.forEach(SharedIndexInformer::stop);
    informers.clear();
  }
}
