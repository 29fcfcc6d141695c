package io.ferrolb.app.plugin;

import io.ferrolb.ports.spi.AnnouncerProvider;
import java.util.List;
import java.util.ServiceLoader;

/** Finds announcer providers; the real one asks {@link ServiceLoader}, tests hand in a list. */
public interface ProviderLoader {

  List<AnnouncerProvider> load();

  /** Providers listed in {@code META-INF/services} on the class path of {@code loader}. */
  static ProviderLoader serviceLoader(ClassLoader loader) {
    return () ->
        ServiceLoader.load(AnnouncerProvider.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList();
  }
}
