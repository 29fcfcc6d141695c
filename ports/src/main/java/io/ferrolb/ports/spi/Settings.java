package io.ferrolb.ports.spi;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to an announcer's settings (string keys, string values), with errors that name the
 * key, the value and what was expected.
 *
 * @since 0.1
 */
public interface Settings {

  /** The raw value of {@code key}, if set. */
  Optional<String> get(String key);

  /** Settings backed by a map. */
  static Settings of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return key -> Optional.ofNullable(copy.get(key));
  }

  default String require(String key) {
    return get(key)
        .filter(v -> !v.isBlank())
        .orElseThrow(
            () -> new SettingsException("setting \"" + key + "\" is required but not set"));
  }

  default URI requireUri(String key) {
    String v = require(key);
    try {
      URI uri = new URI(v);
      if (uri.getScheme() == null) {
        throw new SettingsException(
            "setting \"" + key + "\" = \"" + v + "\": no scheme (expected: an absolute URI)");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new SettingsException(
          "setting \"" + key + "\" = \"" + v + "\": " + e.getReason() + " (expected: a URI)");
    }
  }

  default int getInt(String key, int defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.get().strip());
    } catch (NumberFormatException e) {
      throw new SettingsException(
          "setting \"" + key + "\" = \"" + v.get() + "\": not a number (expected: an integer)");
    }
  }

  default boolean getBoolean(String key, boolean defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    return switch (v.get().strip()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new SettingsException(
              "setting \"" + key + "\" = \"" + v.get() + "\": (expected: true or false)");
    };
  }

  /**
   * A duration in ISO-8601 ({@code PT1.1S}) or as milliseconds/seconds ({@code 1100ms}, {@code
   * 5s}).
   */
  default Duration getDuration(String key, Duration defaultValue) {
    Optional<String> v = get(key);
    if (v.isEmpty()) {
      return defaultValue;
    }
    String s = v.get().strip();
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      if (s.endsWith("s") && !s.startsWith("P")) {
        return Duration.ofMillis(
            Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
      }
      return Duration.parse(s);
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new SettingsException(
          "setting \""
              + key
              + "\" = \""
              + s
              + "\": not a duration (expected: e.g. 1100ms, 5s or PT5S)");
    }
  }
}
