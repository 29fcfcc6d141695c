package io.ferrolb.it.controller;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's CRUD dispatcher with an index by (name, namespace) behind its single-object lookup. The
 * stock one compares every lookup with every stored object (linear in the store), so at 10,000
 * Services a benchmark would measure the mock server's scans instead of the controller. The store
 * itself, and every other behaviour, is the stock one; a lookup without a name falls back to the
 * stock scan.
 */
public class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private final Map<List<Attribute>, List<AttributeSet>> byName = new ConcurrentHashMap<>();

  public IndexedCrudDispatcher() {
    try {
      Field f = CrudDispatcher.class.getDeclaredField("map");
      f.setAccessible(true);
      f.set(this, Collections.synchronizedMap(new IndexingMap()));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("fabric8 CrudDispatcher.map: not found", e);
    }
  }

  private static List<Attribute> identity(AttributeSet s) {
    return Arrays.asList(s.getAttribute("name"), s.getAttribute("namespace"));
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    if (query.getAttribute("name") == null) {
      return super.findResource(query);
    }
    for (AttributeSet candidate : byName.getOrDefault(identity(query), List.of())) {
      if (candidate.matches(query)) {
        String value = map.get(candidate);
        if (value != null) {
          return Map.entry(candidate, value);
        }
      }
    }
    return null;
  }

  /**
   * A GET of one object by name is answered from the index too (fabric8's leader election reads its
   * Lease every retry period); lists, watches, selectors and subresources take the stock path.
   */
  @Override
  public MockResponse handleGet(String path) {
    if (path.contains("?") || path.endsWith("/status")) {
      return super.handleGet(path);
    }
    AttributeSet query = getKey(path);
    if (query.getAttribute("name") == null) {
      return super.handleGet(path);
    }
    Map.Entry<AttributeSet, String> hit = findResource(query);
    if (hit == null) {
      return super.handleGet(path);
    }
    return new MockResponse().setResponseCode(200).setBody(hit.getValue());
  }

  /** The stock store (insertion-ordered) that keeps the name index in step. */
  private final class IndexingMap extends LinkedHashMap<AttributeSet, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String put(AttributeSet key, String value) {
      String old = super.put(key, value);
      if (old == null) {
        byName.computeIfAbsent(identity(key), k -> new CopyOnWriteArrayList<>()).add(key);
      }
      return old;
    }

    @Override
    public String remove(Object key) {
      String old = super.remove(key);
      if (old != null && key instanceof AttributeSet s) {
        List<AttributeSet> l = byName.get(identity(s));
        if (l != null) {
          l.remove(s);
        }
      }
      return old;
    }

    @Override
    public void clear() {
      super.clear();
      byName.clear();
    }
  }
}
