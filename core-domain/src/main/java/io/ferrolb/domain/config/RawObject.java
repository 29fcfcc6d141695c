package io.ferrolb.domain.config;

import java.util.Map;
import java.util.Objects;

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
 */
public record RawObject(
    String apiVersion,
    String kind,
    String namespace,
    String name,
    Map<String, String> labels,
    Map<String, Object> spec,
    String origin) {

  /** The {@code kind} used for the parsed {@code config} key of a legacy MetalLB ConfigMap. */
  public static final String LEGACY_CONFIG_KIND = "LegacyConfig";

  /**
   * The only spec key of a {@link #LEGACY_CONFIG_KIND} object whose {@code config} text is valid
   * YAML but not a mapping (a string, a number, a list); its value names the type and the text.
   */
  public static final String NOT_A_MAPPING = "__notAMapping";

  public RawObject {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    spec = Map.copyOf(spec);
    Objects.requireNonNull(origin, "origin");
  }
}
