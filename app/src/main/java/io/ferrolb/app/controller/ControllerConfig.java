package io.ferrolb.app.controller;

import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigLoader;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.RawObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The controller's part of the configuration, through the shared {@link ConfigLoader}. Like
 * MetalLB's pool reconciler, the controller judges only what it uses to assign addresses:
 * IPAddressPools, Communities and the legacy ConfigMap ({@link #KINDS}). A mistake in a BGPPeer,
 * BFDProfile or advertisement makes the speakers' ConfigurationState Invalid and leaves the
 * controller Valid and assigning, as in MetalLB. So the controller reads no Secret either: only
 * BGPPeers name one, and the speakers, which use the password, check it.
 *
 * <p>Loop-thread state, like the loader it holds.
 */
final class ControllerConfig {

  /** The kinds the controller loads; the rest is the speakers' to judge. */
  static final Set<String> KINDS =
      Set.of("IPAddressPool", "Community", "ConfigMap", RawObject.LEGACY_CONFIG_KIND);

  private final ConfigLoader loader = new ConfigLoader();
  private Map<String, DecodedObject> byOrigin = Map.of();

  /** Loads the objects of {@link #KINDS} among {@code objects}. */
  ConfigLoader.Outcome load(List<DecodedObject> objects, String namespace) {
    List<DecodedObject> mine = objects.stream().filter(o -> KINDS.contains(o.kind())).toList();
    Map<String, DecodedObject> origins = new HashMap<>();
    mine.forEach(o -> origins.put(o.origin(), o));
    byOrigin = origins;
    // without the advertisements, every pool would be warned of as selected by none (a Warning
    // Event on each pool from every new leader); the speakers, which read them, say it
    return loader.load(mine, ParseContext.of(namespace).withoutAdvertisements());
  }

  /** The object a problem of the last load is about, if it names one. */
  Optional<DecodedObject> objectOf(ConfigError problem) {
    return Optional.ofNullable(byOrigin.get(problem.origin()));
  }

  /** A new leader starts afresh: nothing in force, nothing reported. */
  void forget() {
    loader.forget();
  }
}
