package io.ferrolb.ports.out;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's read side of the cluster: a cache of Services and Namespaces kept current by
 * watches. Listeners only hear <em>keys</em>; readers read the cache, never the event payload.
 *
 * @since 0.1
 */
public interface ClusterView extends AutoCloseable {

  /** Called from watch threads; implementations must only enqueue. */
  interface Listener {
    /** A Service was added, changed or deleted ({@code namespace/name}). */
    void serviceChanged(String key);

    /** A configuration object (CR, legacy ConfigMap) was added, changed or deleted. */
    void configChanged();

    /** The labels of a namespace changed (namespace selectors of pools). */
    void namespaceChanged(String name);
  }

  /** Starts watching; returns at once. */
  void start(Listener listener);

  /** True once every watch has listed its objects. */
  boolean synced();

  Optional<ServiceSnapshot> service(String key);

  Collection<ServiceSnapshot> services();

  /**
   * Every Service as the API server holds it now, read past the cache: what a new leader rebuilds
   * its allocations from. The cache may not show the last status writes yet (a watch that was cut
   * and is relisting, a write answered a moment ago), and a rebuild from it would hand a Service's
   * address to another. The default reads the cache, for views that have nothing fresher.
   *
   * @throws RuntimeException when the API server cannot be read; the caller retries
   * @since 0.2
   */
  default Collection<ServiceSnapshot> servicesFromServer() {
    return services();
  }

  /**
   * Whether Service {@code key}, which the cache does not hold, is really gone: the cache saw it
   * deleted, or the API server answers that it does not exist. A cache that is behind (a new
   * leader's rebuild read a Service from the server that the watch has not delivered yet, an
   * informer being replaced) does not hold it either, and then it is not gone: freeing its address
   * would give it to another Service. The default takes absence for deletion, for views that are
   * always current.
   *
   * @throws RuntimeException when the API server cannot be asked; the caller retries
   * @since 0.3
   */
  default boolean gone(String key) {
    return service(key).isEmpty();
  }

  /** The labels of a namespace, empty when unknown. */
  Map<String, String> namespaceLabels(String namespace);

  @Override
  void close();
}
