package io.ferrolb.ports.out;

import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.RawObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory cluster: the test puts and removes Services, namespaces and config objects, and the
 * listener hears the keys as from a real watch; shipped in the test-jar.
 */
public final class FakeClusterView implements ClusterView, ConfigSource {
  private final String namespace;
  private final Map<String, ServiceSnapshot> services = new LinkedHashMap<>();
  private final Map<String, Map<String, String>> namespaces = new HashMap<>();
  private final List<RawObject> config = new ArrayList<>();
  private Listener listener;
  private boolean synced;

  private final Map<String, ServiceSnapshot> ahead = new java.util.HashMap<>();

  public FakeClusterView(String namespace) {
    this.namespace = namespace;
  }

  @Override
  public synchronized void start(Listener listener) {
    this.listener = listener;
    this.synced = true;
  }

  @Override
  public synchronized boolean synced() {
    return synced;
  }

  public void put(ServiceSnapshot svc) {
    Listener l;
    synchronized (this) {
      services.put(svc.key(), svc);
      l = listener;
    }
    if (l != null) {
      l.serviceChanged(svc.key());
    }
  }

  /**
   * The API server holds {@code svc}, and the cache does not show it yet (a status write answered a
   * moment ago, a watch relisting): {@link #servicesFromServer} returns it, {@link #services} the
   * older version (or nothing) until {@link #put}.
   */
  public synchronized void aheadOfCache(ServiceSnapshot svc) {
    ahead.put(svc.key(), svc);
  }

  /** Gone from the cache and from the server ({@link #aheadOfCache} keeps it on the server). */
  @Override
  public synchronized boolean gone(String key) {
    return !services.containsKey(key) && !ahead.containsKey(key);
  }

  @Override
  public synchronized Collection<ServiceSnapshot> servicesFromServer() {
    Map<String, ServiceSnapshot> all = new java.util.TreeMap<>(services);
    all.putAll(ahead);
    return List.copyOf(all.values());
  }

  public void remove(String key) {
    Listener l;
    synchronized (this) {
      services.remove(key);
      ahead.remove(key);
      l = listener;
    }
    if (l != null) {
      l.serviceChanged(key);
    }
  }

  public void labelNamespace(String name, Map<String, String> labels) {
    Listener l;
    synchronized (this) {
      namespaces.put(name, Map.copyOf(labels));
      l = listener;
    }
    if (l != null) {
      l.namespaceChanged(name);
    }
  }

  public void setConfig(List<RawObject> objects) {
    Listener l;
    synchronized (this) {
      config.clear();
      config.addAll(objects);
      l = listener;
    }
    if (l != null) {
      l.configChanged();
    }
  }

  @Override
  public synchronized Optional<ServiceSnapshot> service(String key) {
    return Optional.ofNullable(services.get(key));
  }

  @Override
  public synchronized Collection<ServiceSnapshot> services() {
    return List.copyOf(services.values());
  }

  @Override
  public synchronized Map<String, String> namespaceLabels(String name) {
    return namespaces.getOrDefault(name, Map.of());
  }

  @Override
  public synchronized List<DecodedObject> configObjects() {
    return config.stream().map(DecodedObject::of).toList();
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public void close() {}
}
