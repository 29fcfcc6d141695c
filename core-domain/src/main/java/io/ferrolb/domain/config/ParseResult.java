package io.ferrolb.domain.config;

import java.util.List;
import java.util.Objects;

/** The outcome of {@link ConfigParser#parse}: a valid configuration, or every error found. */
public sealed interface ParseResult permits ParseResult.Valid, ParseResult.Invalid {

  /** Problems that do not make the configuration invalid. */
  List<ConfigError> warnings();

  /** The configuration is usable. */
  record Valid(Config config, List<ConfigError> warnings) implements ParseResult {
    public Valid {
      Objects.requireNonNull(config, "config");
      warnings = List.copyOf(warnings);
    }
  }

  /** The configuration must not be used; {@code errors} is never empty. */
  record Invalid(List<ConfigError> errors, List<ConfigError> warnings) implements ParseResult {
    public Invalid {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("errors: empty (expected: at least one)");
      }
    }
  }
}
