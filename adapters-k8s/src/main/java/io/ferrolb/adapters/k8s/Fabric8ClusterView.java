package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.ports.out.ClusterView;
import io.ferrolb.ports.out.ConfigSource;
import io.ferrolb.ports.out.ServiceSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informers on Services (all namespaces), Namespaces, the legacy ConfigMap and the {@code
 * metallb.io} configuration kinds of one namespace. Handlers only pass keys on; reads come from the
 * informer caches.
 */
public final class Fabric8ClusterView implements ClusterView, ConfigSource {
  private static final Logger LOG = LoggerFactory.getLogger(Fabric8ClusterView.class);

  private static final int REMEMBERED_DELETIONS = 10_000;

  private final KubernetesClient client;
  private final String namespace;
  private final List<Watched<?>> informers = new ArrayList<>();
  private final Map<MetallbKind, Watched<GenericKubernetesResource>> crs =
      new EnumMap<>(MetallbKind.class);
  // set once by start(), read by any thread
  private volatile Watched<Service> services;
  private CompletionStage<Void> servicesListed;
  private volatile Watched<Namespace> namespaces;
  private volatile Watched<ConfigMap> legacy;
  private boolean listOnly;
  private InformerWatchdog watchdog;
  // Services the cache saw deleted (and not created again since), for gone(); bounded
  private final Set<String> deleted =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<>(16, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > REMEMBERED_DELETIONS;
                }
              }));

  public Fabric8ClusterView(KubernetesClient client, String namespace) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /**
   * Lists everything once and never watches: for a command that reads the cluster one time. The
   * view is synced when this returns.
   */
  public synchronized void listOnce() {
    listOnly = true;
    start(
        new Listener() {
          @Override
          public void serviceChanged(String key) {}

          @Override
          public void configChanged() {}

          @Override
          public void namespaceChanged(String name) {}
        });
  }

  @Override
  public synchronized void start(Listener listener) {
    boolean once = listOnly;
    services = new Watched<>("Service", () -> Informers.services(client, once));
    ResourceEventHandler<Service> onService = handler(s -> listener.serviceChanged(key(s)), null);
    services.addEventHandler(
        new ResourceEventHandler<Service>() {
          @Override
          public void onAdd(Service s) {
            deleted.remove(key(s));
            onService.onAdd(s);
          }

          @Override
          public void onUpdate(Service old, Service now) {
            onService.onUpdate(old, now);
          }

          @Override
          public void onDelete(Service s, boolean unknownFinalState) {
            deleted.add(key(s)); // before the listener hears of it
            onService.onDelete(s, unknownFinalState);
          }
        });
    namespaces = new Watched<>("Namespace", () -> Informers.of(client.namespaces(), once));
    namespaces.addEventHandler(
        new ResourceEventHandler<Namespace>() {
          @Override
          public void onAdd(Namespace ns) {
            listener.namespaceChanged(ns.getMetadata().getName());
          }

          @Override
          public void onUpdate(Namespace old, Namespace now) {
            if (!Objects.equals(old.getMetadata().getLabels(), now.getMetadata().getLabels())) {
              listener.namespaceChanged(now.getMetadata().getName());
            }
          }

          @Override
          public void onDelete(Namespace ns, boolean unknownFinalState) {
            listener.namespaceChanged(ns.getMetadata().getName());
          }
        });
    legacy = Informers.legacyConfig(client, namespace, once);
    legacy.addEventHandler(handler(c -> listener.configChanged(), null));
    for (MetallbKind kind : MetallbKind.values()) {
      if (!kind.isConfig()) {
        continue;
      }
      Watched<GenericKubernetesResource> inf = Informers.configKind(client, kind, namespace, once);
      // status-only writes (pool counters) bump resourceVersion but not generation: not a change
      inf.addEventHandler(handler(r -> listener.configChanged(), kind));
      crs.put(kind, inf);
    }
    informers.add(services);
    informers.add(namespaces);
    informers.add(legacy);
    informers.addAll(crs.values());
    for (Watched<?> w : informers) {
      CompletionStage<Void> listed =
          w.start(inf -> Informers.start(inf, once, LOG, w.type(), "", false));
      if (w == services) {
        servicesListed = listed;
      }
    }
    if (!listOnly) {
      watchdog =
          InformerWatchdog.start(
              "controller", informers, Watched.stuckAfter(client.getConfiguration()));
    }
  }

  /**
   * The Services informer, for a view in the same process that needs the Services too ({@link
   * Fabric8SpeakerView#forController}): one cache of every Service instead of two. Call after
   * {@link #start}; the stage completes when its first list is in.
   */
  synchronized Shared<Service> sharedServices() {
    if (services == null) {
      throw new IllegalStateException("Fabric8ClusterView: not started");
    }
    return new Shared<>(services, servicesListed);
  }

  /** The cached copy of Service {@code key}, if the cache holds it (empty before start). */
  synchronized Optional<Service> cachedService(ServiceKey key) {
    return services == null
        ? Optional.empty()
        : Optional.ofNullable(
            services.informer().getStore().getByKey(key.namespace() + "/" + key.name()));
  }

  /**
   * An informer another view borrows (it adds its handler here, reads {@code informer().informer()}
   * each time, and neither starts nor stops it).
   */
  record Shared<T extends HasMetadata>(Watched<T> informer, CompletionStage<Void> listed) {
    Shared {
      Objects.requireNonNull(informer, "informer");
      listed = listed == null ? CompletableFuture.completedFuture(null) : listed;
    }
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> handler(
      Consumer<T> onChange, MetallbKind kind) {
    return new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        onChange.accept(obj);
      }

      @Override
      public void onUpdate(T old, T now) {
        if (kind != null
            && Objects.equals(old.getMetadata().getGeneration(), now.getMetadata().getGeneration())
            && now.getMetadata().getGeneration() != null
            && Objects.equals(old.getMetadata().getLabels(), now.getMetadata().getLabels())) {
          return;
        }
        if (Objects.equals(
            old.getMetadata().getResourceVersion(), now.getMetadata().getResourceVersion())) {
          return; // resync
        }
        onChange.accept(now);
      }

      @Override
      public void onDelete(T obj, boolean unknownFinalState) {
        onChange.accept(obj);
      }
    };
  }

  private static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  @Override
  public synchronized boolean synced() {
    if (informers.isEmpty()) {
      return false;
    }
    if (listOnly) {
      return true;
    }
    for (Watched<?> w : informers) {
      if (!w.informer().hasSynced()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Optional<ServiceSnapshot> service(String key) {
    Service s = services.informer().getStore().getByKey(key);
    return s == null ? Optional.empty() : Optional.of(Conversions.service(s));
  }

  @Override
  public Collection<ServiceSnapshot> services() {
    List<Service> all = services.informer().getStore().list();
    List<ServiceSnapshot> out = new ArrayList<>(all.size());
    for (Service s : all) {
      out.add(Conversions.service(s));
    }
    return out;
  }

  /**
   * A consistent LIST, in pages of {@value Informers#LIST_PAGE} (a real API server sends continue
   * tokens).
   */
  @Override
  public Collection<ServiceSnapshot> servicesFromServer() {
    List<ServiceSnapshot> out = new ArrayList<>();
    String next = null;
    do {
      ServiceList page =
          client
              .services()
              .inAnyNamespace()
              .list(
                  new ListOptionsBuilder()
                      .withLimit(Informers.LIST_PAGE)
                      .withContinue(next)
                      .build());
      for (Service s : page.getItems()) {
        out.add(Conversions.service(s));
      }
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return out;
  }

  /**
   * Seen deleted by the cache, or, when the cache never saw it go (it may not have seen it at all
   * yet), a GET: 404 is gone.
   */
  @Override
  public boolean gone(String key) {
    if (service(key).isPresent()) {
      return false;
    }
    if (deleted.contains(key)) {
      return true;
    }
    ServiceKey k = ServiceKey.parse(key);
    return client.services().inNamespace(k.namespace()).withName(k.name()).get() == null;
  }

  @Override
  public Map<String, String> namespaceLabels(String name) {
    Namespace ns = namespaces.informer().getStore().getByKey(name);
    return ns == null ? Map.of() : Conversions.orEmpty(ns.getMetadata().getLabels());
  }

  @Override
  public List<DecodedObject> configObjects() {
    return Conversions.configObjects(crs, legacy);
  }

  /** The cached custom resource of {@code kind} named {@code name}, if any. */
  Optional<GenericKubernetesResource> cached(MetallbKind kind, String name) {
    Watched<GenericKubernetesResource> inf = crs.get(kind);
    return inf == null
        ? Optional.empty()
        : Optional.ofNullable(inf.informer().getStore().getByKey(namespace + "/" + name));
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public synchronized void close() {
    if (watchdog != null) {
      watchdog.close();
      watchdog = null;
    }
    for (Watched<?> w : informers) {
      w.stop();
    }
    informers.clear();
  }
}
