package io.ferrolb.domain.config;

import java.util.Objects;

/**
 * One problem found in the configuration: where it came from, which object, which field, which
 * value, and what was expected.
 *
 * @param origin where the object came from ({@code examples/x.yaml:2}); printed by callers that
 *     want it
 * @param object the object, as {@code Kind "name"}, e.g. {@code IPAddressPool "blue"}
 * @param field the field path inside the object, e.g. {@code spec.addresses[1]}; empty when the
 *     problem concerns the whole object
 * @param value the offending value as text; empty when there is none (e.g. a missing field)
 * @param message what is wrong and what was expected, e.g. {@code invalid prefix length 33
 *     (expected: 0..32)}
 */
public record ConfigError(
    String origin, String object, String field, String value, String message) {

  public ConfigError {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(object, "object");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(message, "message");
  }

  /**
   * {@code IPAddressPool "blue": spec.addresses[1] "10.0.0.0/33": invalid prefix length 33
   * (expected: 0..32)}; the field and value parts are left out when empty.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(object).append(": ");
    if (!field.isEmpty()) {
      sb.append(field);
      if (!value.isEmpty()) {
        sb.append(" \"").append(value).append('"');
      }
      sb.append(": ");
    } else if (!value.isEmpty()) {
      sb.append('"').append(value).append("\": ");
    }
    return sb.append(message).toString();
  }

  /** {@code origin: } followed by {@link #toString()}, or just the latter without an origin. */
  public String withOrigin() {
    return origin.isEmpty() ? toString() : origin + ": " + this;
  }
}
