package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** Resource types named in full, so that no API discovery request is needed (and none can fail). */
final class ResourceContexts {
  private ResourceContexts() {}

  /** A namespaced type; {@code group} is "" for the core API. */
  static ResourceDefinitionContext namespaced(
      String group, String version, String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }
}
