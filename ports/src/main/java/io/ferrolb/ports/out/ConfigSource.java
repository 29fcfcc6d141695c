package io.ferrolb.ports.out;

import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.RawObject;
import java.util.List;

/**
 * The configuration objects as they are now: the {@code metallb.io} custom resources of ferrolb's
 * namespace (sorted by creation time, then name, per kind) and the legacy ConfigMap's parsed {@code
 * config} key (kind {@link RawObject#LEGACY_CONFIG_KIND}). An object whose text cannot even be
 * decoded is a {@link DecodedObject.Undecodable} with the reason.
 *
 * @since 0.1
 */
public interface ConfigSource {

  List<DecodedObject> configObjects();

  /** The namespace the configuration lives in. */
  String namespace();
}
