package io.ferrolb.app.plugin;

import io.ferrolb.ports.spi.AnnouncerProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The announcer providers by name. Strict, unlike OTel's last-one-wins: two providers with one name
 * fail at startup naming both classes, and an unknown name fails listing what is available.
 */
public final class AnnouncerRegistry {
  private final Map<String, AnnouncerProvider> byName;

  private AnnouncerRegistry(Map<String, AnnouncerProvider> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  /**
   * Indexes {@code providers} by {@link AnnouncerProvider#name()}.
   *
   * @throws IllegalStateException on a blank or duplicate name
   */
  public static AnnouncerRegistry of(List<AnnouncerProvider> providers) {
    Map<String, AnnouncerProvider> byName = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (AnnouncerProvider p : providers) {
      String name = p.name();
      if (name == null || name.isBlank()) {
        problems.add("announcer provider " + p.getClass().getName() + " has no name");
        continue;
      }
      AnnouncerProvider previous = byName.putIfAbsent(name, p);
      if (previous != null) {
        problems.add(
            "two announcer providers are named \""
                + name
                + "\": "
                + previous.getClass().getName()
                + " and "
                + p.getClass().getName()
                + " (expected: unique names; remove one jar from the class path)");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(String.join("; ", problems));
    }
    return new AnnouncerRegistry(byName);
  }

  /** The names of every provider, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /**
   * The provider named {@code name}.
   *
   * @param requestedBy who asked, for the message, e.g. {@code L2Advertisement "edge"}
   * @throws IllegalArgumentException naming what is available
   */
  public AnnouncerProvider require(String name, String requestedBy) {
    AnnouncerProvider p = byName.get(name);
    if (p == null) {
      throw new IllegalArgumentException(
          "announcer \""
              + name
              + "\" requested by "
              + requestedBy
              + ", but no provider named \""
              + name
              + "\" is on the classpath (available: "
              + byName.keySet().stream().collect(Collectors.joining(", "))
              + ")");
    }
    return p;
  }
}
