package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Store;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WatchedTest {
  private static final Duration STUCK = Duration.ofSeconds(30);
  private static final long S = 1_000_000_000L;

  /** The parts of an informer Watched looks at, settable by the test. */
  static final class Fake {
    boolean running;
    boolean synced;
    boolean watching;
    boolean stopped;
    final Map<String, ConfigMap> items = new LinkedHashMap<>();
    final List<ResourceEventHandler<? super ConfigMap>> handlers = new ArrayList<>();
    final CompletableFuture<Void> listed = new CompletableFuture<>();

    void put(String name) {
      ConfigMap cm =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withNamespace("ns")
              .withName(name)
              .endMetadata()
              .build();
      items.put(Cache.metaNamespaceKeyFunc(cm), cm);
    }

    /** Started, listed, and watching. */
    Fake healthy() {
      running = true;
      synced = true;
      watching = true;
      listed.complete(null);
      return this;
    }

    @SuppressWarnings("unchecked")
    SharedIndexInformer<ConfigMap> informer() {
      Store<ConfigMap> store =
          (Store<ConfigMap>)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {Store.class},
                  (p, m, args) ->
                      switch (m.getName()) {
                        case "list" -> List.copyOf(items.values());
                        case "listKeys" -> List.copyOf(items.keySet());
                        case "getByKey" -> items.get((String) args[0]);
                        default -> throw new UnsupportedOperationException(m.getName());
                      });
      return (SharedIndexInformer<ConfigMap>)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {SharedIndexInformer.class},
              (p, m, args) ->
                  switch (m.getName()) {
                    case "isRunning" -> running && !stopped;
                    case "hasSynced" -> synced;
                    case "isWatching" -> watching;
                    case "getStore" -> store;
                    case "lastSyncResourceVersion" -> "7";
                    case "addEventHandler" -> {
                      handlers.add((ResourceEventHandler<? super ConfigMap>) args[0]);
                      yield p;
                    }
                    case "removeEventHandler" -> {
                      handlers.remove(args[0]);
                      yield p;
                    }
                    case "start" -> {
                      running = true;
                      yield listed;
                    }
                    case "stop" -> {
                      stopped = true;
                      yield null;
                    }
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                  });
    }
  }

  private final List<Fake> made = new ArrayList<>();
  private final List<String> deleted = new ArrayList<>();
  private final ResourceEventHandler<ConfigMap> recording =
      new ResourceEventHandler<>() {
        @Override
        public void onAdd(ConfigMap obj) {}

        @Override
        public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {}

        @Override
        public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
          deleted.add(obj.getMetadata().getName());
        }
      };

  /** A Watched whose every informer is a new Fake, the first one started and listed. */
  private Watched<ConfigMap> watched() {
    Watched<ConfigMap> w =
        new Watched<>(
            "ConfigMap",
            () -> {
              Fake f = new Fake();
              made.add(f);
              return f.informer();
            });
    w.addEventHandler(recording);
    w.start(SharedIndexInformer::start);
    made.get(0).healthy();
    return w;
  }

  @Test
  void anInformerRunningWithoutAWatchIsReplacedOnceItsSuccessorHasListed() {
    Watched<ConfigMap> w = watched();
    Fake first = made.get(0);
    SharedIndexInformer<ConfigMap> before = w.informer();
    first.put("kept");
    first.put("gone"); // deleted while the watch was down
    first.watching = false;

    assertThat(w.check(0, STUCK)).isFalse(); // quiet from now
    assertThat(w.check(29 * S, STUCK)).as("within the longest reconnect backoff").isFalse();
    assertThat(w.check(31 * S, STUCK)).as("a successor started").isTrue();

    Fake second = made.get(1);
    assertThat(second.handlers).as("the successor has the view's handlers").contains(recording);
    assertThat(w.informer()).as("until it has listed, readers keep the old store").isSameAs(before);
    assertThat(w.check(32 * S, STUCK)).as("one successor at a time").isFalse();

    second.put("kept");
    second.put("new");
    second.synced = true;
    second.watching = true;
    second.listed.complete(null);

    assertThat(w.informer()).isNotSameAs(before);
    assertThat(w.informer().getStore().listKeys()).containsExactly("ns/kept", "ns/new");
    assertThat(first.stopped).as("the old informer stopped").isTrue();
    assertThat(deleted).containsExactly("gone");
    assertThat(w.replacements()).isEqualTo(1);
  }

  @Test
  void aWatchingInformerOrOneThatBecameQuietOnlyBrieflyIsKept() {
    Watched<ConfigMap> w = watched();
    Fake first = made.get(0);

    assertThat(w.check(0, STUCK)).isFalse();
    assertThat(w.check(100 * S, STUCK)).as("watching all along").isFalse();

    first.watching = false;
    assertThat(w.check(101 * S, STUCK)).isFalse();
    first.watching = true; // reconnected
    assertThat(w.check(120 * S, STUCK)).isFalse();
    first.watching = false;
    assertThat(w.check(125 * S, STUCK)).isFalse();
    assertThat(w.check(150 * S, STUCK)).as("quiet 25 s since it last watched").isFalse();

    assertThat(made).hasSize(1);
  }

  @Test
  void anInformerThatNeverListedIsLeftToItsOwnRetries() {
    Watched<ConfigMap> w = watched();
    Fake first = made.get(0);
    first.synced = false; // e.g. a CRD not installed: its list fails and is retried
    first.watching = false;

    w.check(0, STUCK);
    assertThat(w.check(300 * S, STUCK)).isFalse();
    assertThat(made).hasSize(1);
  }

  @Test
  void aSuccessorThatCannotListEitherIsDroppedAndTriedAgainLater() {
    Watched<ConfigMap> w = watched();
    Fake first = made.get(0);
    first.watching = false;
    w.check(0, STUCK);
    assertThat(w.check(31 * S, STUCK)).isTrue();
    Fake second = made.get(1); // the API server is away: it never lists

    assertThat(w.check(62 * S, STUCK)).isFalse();
    assertThat(second.stopped).isTrue();
    assertThat(w.informer().getStore()).isSameAs(w.informer().getStore());
    assertThat(first.stopped).as("the old one keeps serving").isFalse();

    w.check(63 * S, STUCK); // quiet from here again
    assertThat(w.check(94 * S, STUCK)).as("a new successor").isTrue();
    assertThat(made).hasSize(3);
  }

  @Test
  void theLongestHealthyQuietFollowsTheClientsReconnectInterval() {
    var config = new io.fabric8.kubernetes.client.ConfigBuilder().build();
    config.setWatchReconnectInterval(1000);
    assertThat(Watched.stuckAfter(config)).isEqualTo(Duration.ofSeconds(24));
    config.setWatchReconnectInterval(100);
    assertThat(Watched.stuckAfter(config)).isEqualTo(Duration.ofSeconds(10));
  }
}
