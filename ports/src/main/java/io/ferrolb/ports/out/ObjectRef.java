package io.ferrolb.ports.out;

import java.util.Objects;

/**
 * A Kubernetes object an event or status is about: {@code apiVersion}, {@code kind}, {@code
 * namespace} ("" for cluster-scoped), {@code name} and {@code uid} ("" when unknown).
 *
 * @since 0.1
 */
public record ObjectRef(String apiVersion, String kind, String namespace, String name, String uid) {
  public ObjectRef {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uid, "uid");
  }

  public static ObjectRef service(ServiceSnapshot svc) {
    return new ObjectRef("v1", "Service", svc.namespace(), svc.name(), svc.uid());
  }

  @Override
  public String toString() {
    return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
  }
}
