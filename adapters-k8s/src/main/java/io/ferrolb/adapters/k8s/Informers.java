package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.Listable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * Informers for the views, either watching (the components) or filled by one list and never started
 * (a command that reads the cluster once, {@code kubectl ferrolb explain}): the same stores and
 * conversions either way, without a watch per kind for a one-shot read.
 */
final class Informers {
  /** Objects per LIST request: a real API server then answers in pages, not one whole body. */
  static final long LIST_PAGE = 500;

  private Informers() {}

  static <
          T extends HasMetadata,
          O extends Informable<T> & Listable<? extends KubernetesResourceList<T>>>
      SharedIndexInformer<T> of(O op, boolean listOnly) {
    return of(op, listOnly, new BasicItemStore<>(Cache::metaNamespaceKeyFunc));
  }

  /**
   * The informer of {@code op} that keeps its objects in {@code store}; a list-only one fills it
   * with one list (a CRD not installed, an older MetalLB, lists none).
   */
  static <
          T extends HasMetadata,
          O extends Informable<T> & Listable<? extends KubernetesResourceList<T>>>
      SharedIndexInformer<T> of(O op, boolean listOnly, ItemStore<T> store) {
    SharedIndexInformer<T> inf = op.withLimit(LIST_PAGE).runnableInformer(0);
    if (listOnly) {
      List<T> items;
      try {
        items = List.copyOf(op.list().getItems());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        items = List.of();
      }
      fill(store, items.stream());
    }
    inf.itemStore(store);
    return withoutIndex(inf);
  }

  /** The Services of every namespace, each kept slim ({@link SlimStore}). */
  static SharedIndexInformer<Service> services(KubernetesClient client, boolean listOnly) {
    return of(client.services().inAnyNamespace(), listOnly, SlimStore.services());
  }

  /** The EndpointSlices of every namespace, each kept slim ({@link SlimStore}). */
  static SharedIndexInformer<EndpointSlice> endpointSlices(
      KubernetesClient client, boolean listOnly) {
    return of(
        client.discovery().v1().endpointSlices().inAnyNamespace(),
        listOnly,
        SlimStore.endpointSlices());
  }

  /** One object by name. */
  static <T extends HasMetadata> SharedIndexInformer<T> ofOne(Resource<T> op, boolean listOnly) {
    SharedIndexInformer<T> inf = op.runnableInformer(0);
    if (listOnly) {
      BasicItemStore<T> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
      fill(store, Stream.ofNullable(op.get()));
      inf.itemStore(store);
    }
    return withoutIndex(inf);
  }

  private static <T> void fill(ItemStore<T> store, Stream<T> items) {
    items.forEach(i -> store.put(store.getKey(i), i));
  }

  /**
   * {@code inf} without fabric8's default index by namespace, which no view reads (they look
   * objects up by key or go through them all): at 10,000 Services and as many EndpointSlices it
   * held 2 MB of the controller's 64 MB heap (bench/footprint).
   */
  private static <T> SharedIndexInformer<T> withoutIndex(SharedIndexInformer<T> inf) {
    return inf.removeNamespaceIndex();
  }

  /** The legacy ConfigMap of {@code namespace}, watched by both views' config sources. */
  static Watched<ConfigMap> legacyConfig(
      KubernetesClient client, String namespace, boolean listOnly) {
    return new Watched<>(
        "ConfigMap",
        () ->
            ofOne(
                client.configMaps().inNamespace(namespace).withName(Conversions.LEGACY_CONFIGMAP),
                listOnly));
  }

  /** The {@code metallb.io} objects of configuration kind {@code kind} in {@code namespace}. */
  static Watched<GenericKubernetesResource> configKind(
      KubernetesClient client, MetallbKind kind, String namespace, boolean listOnly) {
    return new Watched<>(
        kind.kind(),
        () ->
            of(client.genericKubernetesResources(kind.context()).inNamespace(namespace), listOnly));
  }

  /**
   * Starts {@code inf} (a list-only one stays unstarted), retrying a failing list or watch for ever
   * (a CRD not installed yet, an API server restart): each failure is one {@code watchFailed}
   * warning, or only the first one when {@code once} (a watch that RBAC may deny for good).
   *
   * @param after text after "retrying", e.g. what is missing meanwhile ("" for none)
   * @return completes once the informer has listed its objects (at once for a list-only one)
   */
  static CompletionStage<Void> start(
      SharedIndexInformer<?> inf,
      boolean listOnly,
      Logger log,
      String type,
      String after,
      boolean once) {
    boolean[] warned = {false};
    inf.exceptionHandler(
        (started, t) -> {
          if (!(once && warned[0])) {
            warned[0] = true;
            log.warn("event=watchFailed type={} retrying{}: {}", type, after, t.toString());
          }
          return true;
        });
    return listOnly ? CompletableFuture.completedFuture(null) : inf.start();
  }
}
