package io.ferrolb.ports.spi;

import io.ferrolb.ports.out.Announcer;

/**
 * The plugin contract: a named factory of {@link Announcer}s, found with {@link
 * java.util.ServiceLoader} (list the implementation in {@code
 * META-INF/services/io.ferrolb.ports.spi.AnnouncerProvider}). The name is what users write in
 * configuration to select the announcer; two providers with one name are a startup error.
 *
 * <p>Compatibility promise: within 0.x minor versions, methods are only added to this package with
 * default implementations; nothing is removed or changes meaning.
 *
 * @since 0.1
 */
public interface AnnouncerProvider {

  /** The unique name users select this announcer by, e.g. {@code "layer2"}, {@code "bgp"}. */
  String name();

  /**
   * Creates the announcer for this node.
   *
   * @throws SettingsException when a required setting is missing or malformed
   */
  Announcer create(AnnouncerContext context);
}
