package io.ferrolb.adapters.k8s.yaml;

/**
 * A configuration file that cannot be read or is not YAML of the expected shape. The message names
 * the file and, where known, the line: {@code examples/x.yaml:12: mapping values are not allowed
 * here}.
 */
public final class YamlDecodeException extends Exception {

  private static final long serialVersionUID = 1L;

  public YamlDecodeException(String message, Throwable cause) {
    super(message, cause);
  }

  public YamlDecodeException(String message) {
    super(message);
  }
}
