package io.ferrolb.it.controller;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's CRUD dispatcher with a cache in front of its single-object lookup: the stock one
 * compares the query with every stored object on each PATCH/POST (linear in the store), so at
 * 10,000 Services a benchmark would measure the mock server instead of the controller. A cached hit
 * is used only while that exact stored key is still present; otherwise the stock scan runs.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private final Map<AttributeSet, AttributeSet> found = new ConcurrentHashMap<>();

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    AttributeSet key = found.get(query);
    if (key != null) {
      String value = map.get(key);
      if (value != null) {
        return Map.entry(key, value);
      }
      found.remove(query);
    }
    Map.Entry<AttributeSet, String> hit = super.findResource(query);
    if (hit != null) {
      found.put(query, hit.getKey());
    }
    return hit;
  }
}
