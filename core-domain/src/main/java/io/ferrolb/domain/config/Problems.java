package io.ferrolb.domain.config;

import java.util.ArrayList;
import java.util.List;

/** Collects errors and warnings during one parse. */
final class Problems {

  /** Where an object came from and how errors name it ({@code IPAddressPool "blue"}). */
  record Src(String origin, String object) {}

  final List<ConfigError> errors = new ArrayList<>();
  final List<ConfigError> warnings = new ArrayList<>();

  void error(Src src, String field, String value, String message) {
    errors.add(new ConfigError(src.origin(), src.object(), field, value, message));
  }

  void warn(Src src, String field, String value, String message) {
    warnings.add(new ConfigError(src.origin(), src.object(), field, value, message));
  }

  int errorCount() {
    return errors.size();
  }
}
