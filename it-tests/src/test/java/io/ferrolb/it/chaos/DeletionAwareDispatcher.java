package io.ferrolb.it.chaos;

import io.fabric8.mockwebserver.http.MockResponse;
import io.ferrolb.app.cli.IndexedCrudDispatcher;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The indexed CRUD dispatcher, which also remembers, per resource, the resource version after its
 * latest deletion. The mock answers a watch by sending every current object as ADDED, whatever
 * version the client resumes from, so a deletion between a client's last event and its new watch
 * would never reach it; a real API server replays it, or answers 410 Gone. {@link #canResume} tells
 * {@link FaultyApiProxy} when only 410 is right. While a deletion is under way every resume of that
 * resource is refused (conservative: a 410 too many costs a relist, one too few a lost event).
 */
final class DeletionAwareDispatcher extends IndexedCrudDispatcher
    implements FaultyApiProxy.WatchHistory {
  private final Map<String, Long> lastDeletion = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> deleting = new ConcurrentHashMap<>();

  @Override
  public MockResponse handleDelete(String path) {
    String resource = FaultyApiProxy.resource(path);
    AtomicInteger underWay = deleting.computeIfAbsent(resource, r -> new AtomicInteger());
    underWay.incrementAndGet();
    try {
      return super.handleDelete(path);
    } finally {
      // every list taken before this point has an older version; the bump makes that strict
      lastDeletion.merge(resource, requestResourceVersion(), Math::max);
      underWay.decrementAndGet();
    }
  }

  @Override
  public boolean canResume(String resource, long resourceVersion) {
    AtomicInteger underWay = deleting.get(resource);
    if (underWay != null && underWay.get() > 0) {
      return false;
    }
    return resourceVersion >= lastDeletion.getOrDefault(resource, 0L);
  }
}
