package io.ferrolb.domain.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One configuration object as decoded from YAML or from the Kubernetes API, before validation: the
 * generic tree of its {@code spec} (values are {@code String}, {@code Long}, {@code Double}, {@code
 * Boolean}, {@code List<Object>} or {@code Map<String, Object>}; never null inside).
 *
 * <p>For the legacy ConfigMap, {@code kind} is {@link #LEGACY_CONFIG_KIND} and {@code spec} is the
 * parsed YAML of the ConfigMap's {@code config} key ({@code peers}, {@code address-pools}, ...).
 *
 * @param origin where it came from, prefixed to error messages: {@code file.yaml:2} for the second
 *     YAML document of a file, or {@code ConfigMap metallb-system/config} from the API
 * @param notAMapping only for a {@link #LEGACY_CONFIG_KIND} object whose {@code config} text is
 *     valid YAML but not a mapping; its {@code spec} is then empty
 */
public record RawObject(
    String apiVersion,
    String kind,
    String namespace,
    String name,
    Map<String, String> labels,
    Map<String, Object> spec,
    String origin,
    Optional<NotAMapping> notAMapping) {

  /** The {@code kind} used for the parsed {@code config} key of a legacy MetalLB ConfigMap. */
  public static final String LEGACY_CONFIG_KIND = "LegacyConfig";

  /**
   * The legacy ConfigMap's {@code config} text is valid YAML, but a scalar or a list, which MetalLB
   * cannot unmarshal into its configuration: an invalid configuration.
   *
   * @param type the YAML type found: {@code string}, {@code list}, {@code long}, ...
   * @param value the value as text
   */
  public record NotAMapping(String type, String value) {
    public NotAMapping {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }
  }

  public RawObject {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    spec = Map.copyOf(spec);
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(notAMapping, "notAMapping");
    if (notAMapping.isPresent() && !(kind.equals(LEGACY_CONFIG_KIND) && spec.isEmpty())) {
      throw new IllegalArgumentException(
          "notAMapping: on a "
              + kind
              + " with "
              + spec.size()
              + " spec keys (expected: only on a "
              + LEGACY_CONFIG_KIND
              + " object, with an empty spec)");
    }
  }

  /** An object whose {@code spec} is a mapping: every object but a broken legacy config. */
  public RawObject(
      String apiVersion,
      String kind,
      String namespace,
      String name,
      Map<String, String> labels,
      Map<String, Object> spec,
      String origin) {
    this(apiVersion, kind, namespace, name, labels, spec, origin, Optional.empty());
  }
}
