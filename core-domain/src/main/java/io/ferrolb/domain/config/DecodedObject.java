package io.ferrolb.domain.config;

import java.util.Objects;

/**
 * One configuration object as a config source read it: {@link Decoded} into a {@link RawObject} for
 * the parser, or {@link Undecodable}, with the reason (the legacy ConfigMap's {@code config} text
 * is not YAML, or the key is missing). {@link ConfigLoader} reports an undecodable object as an
 * error against it, in the same form as the parser's errors.
 */
public sealed interface DecodedObject permits DecodedObject.Decoded, DecodedObject.Undecodable {

  String apiVersion();

  /**
   * The kind, as in {@link RawObject#kind()}: {@link RawObject#LEGACY_CONFIG_KIND} for MetalLB's
   * legacy ConfigMap, decodable or not, so both stand for the same object.
   */
  String kind();

  String namespace();

  String name();

  /** Where it came from, as in {@link RawObject#origin()}. */
  String origin();

  static DecodedObject of(RawObject object) {
    return new Decoded(object);
  }

  /** The object, decoded: what {@link ConfigParser#parse} reads. */
  record Decoded(RawObject object) implements DecodedObject {
    public Decoded {
      Objects.requireNonNull(object, "object");
    }

    @Override
    public String apiVersion() {
      return object.apiVersion();
    }

    @Override
    public String kind() {
      return object.kind();
    }

    @Override
    public String namespace() {
      return object.namespace();
    }

    @Override
    public String name() {
      return object.name();
    }

    @Override
    public String origin() {
      return object.origin();
    }
  }

  /**
   * An object whose content cannot be decoded into a {@link RawObject}.
   *
   * @param kind as in {@link DecodedObject#kind()}
   * @param field where decoding failed, e.g. {@code data.config}; empty for the whole object
   * @param reason what is wrong and what was expected
   */
  record Undecodable(
      String apiVersion,
      String kind,
      String namespace,
      String name,
      String origin,
      String field,
      String reason)
      implements DecodedObject {
    public Undecodable {
      Objects.requireNonNull(apiVersion, "apiVersion");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(reason, "reason");
    }

    /** The reason as a configuration error against this object: {@code ConfigMap "config": …}. */
    public ConfigError error() {
      String shown = kind.equals(RawObject.LEGACY_CONFIG_KIND) ? "ConfigMap" : kind;
      return new ConfigError(origin, shown + " \"" + name + "\"", field, "", reason);
    }
  }
}
