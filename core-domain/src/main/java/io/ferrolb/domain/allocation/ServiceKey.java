package io.ferrolb.domain.allocation;

import java.util.Objects;

/** A Service's identity: namespace and name. */
public record ServiceKey(String namespace, String name) implements Comparable<ServiceKey> {

  public ServiceKey {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("service name: empty (expected: a name)");
    }
    // One copy of each: keys live in several maps (allocations, conditions, status writes), built
    // from successive versions of a Service, each decoded with strings of its own.
    namespace = namespace.intern();
    name = name.intern();
  }

  /** Parses {@code ns/name}. */
  public static ServiceKey parse(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "service key \"" + text + "\": no '/' (expected: ns/name)");
    }
    return new ServiceKey(text.substring(0, slash), text.substring(slash + 1));
  }

  @Override
  public int compareTo(ServiceKey o) {
    int c = namespace.compareTo(o.namespace);
    return c != 0 ? c : name.compareTo(o.name);
  }

  /** {@code ns/name}, as MetalLB's service keys. */
  @Override
  public String toString() {
    return namespace + "/" + name;
  }
}
