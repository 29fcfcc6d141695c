package io.ferrolb.domain.config;

import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A Kubernetes Secret as the parser sees it: its {@code type} and its data, already base64-decoded.
 * {@link #toString()} never shows the values.
 */
public record SecretData(String type, Map<String, String> data) {

  /** The Secret type MetalLB requires for BGP passwords. */
  public static final String BASIC_AUTH = "kubernetes.io/basic-auth";

  public SecretData {
    Objects.requireNonNull(type, "type");
    data = Map.copyOf(data);
  }

  @Override
  public String toString() {
    return "SecretData[type=" + type + ", keys=" + new TreeSet<>(data.keySet()) + "]";
  }
}
