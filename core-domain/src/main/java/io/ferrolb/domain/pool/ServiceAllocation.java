package io.ferrolb.domain.pool;

import java.util.List;

/**
 * An IPAddressPool's {@code spec.serviceAllocation}: which services the pool serves first, and in
 * what order. {@code priority} 0 means unset: lowest priority (MetalLB: lower number wins, 0 last).
 * {@code namespaceSelectors} stay selectors here and are resolved against live namespace labels by
 * the allocator, so a label change takes effect without a restart.
 */
public record ServiceAllocation(
    int priority,
    List<String> namespaces,
    List<LabelSelector> namespaceSelectors,
    List<LabelSelector> serviceSelectors) {

  public ServiceAllocation {
    if (priority < 0) {
      throw new IllegalArgumentException("priority: " + priority + " (expected: >= 0)");
    }
    namespaces = List.copyOf(namespaces);
    namespaceSelectors = List.copyOf(namespaceSelectors);
    serviceSelectors = List.copyOf(serviceSelectors);
  }

  /** True when the allocation restricts namespaces (by list or selector). */
  public boolean scopesNamespaces() {
    return !namespaces.isEmpty() || !namespaceSelectors.isEmpty();
  }
}
