package io.ferrolb.domain.config;

import java.util.Map;
import java.util.Objects;

/**
 * What the parser needs beyond the objects: ferrolb's namespace (every configuration object must
 * live there; an object without a namespace is taken to be in it) and the Secrets of that namespace
 * by name (for {@code BGPPeer.spec.passwordSecret}).
 */
public record ParseContext(String namespace, Map<String, SecretData> secrets) {

  public ParseContext {
    Objects.requireNonNull(namespace, "namespace");
    secrets = Map.copyOf(secrets);
  }

  /** A context without Secrets. */
  public static ParseContext of(String namespace) {
    return new ParseContext(namespace, Map.of());
  }
}
