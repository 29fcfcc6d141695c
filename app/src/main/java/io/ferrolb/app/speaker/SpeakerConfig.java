package io.ferrolb.app.speaker;

import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigLoader;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.SecretData;
import io.ferrolb.ports.out.ConfigStatusWriter;
import io.ferrolb.ports.out.SpeakerView;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker's configuration from its view: parsed by the shared {@link ConfigLoader} (an invalid
 * one keeps the last good one), with the BGP password Secrets it names, and its verdict written to
 * the speaker's ConfigurationState. Only the loop thread calls it.
 */
final class SpeakerConfig {
  private static final Logger LOG = LoggerFactory.getLogger(SpeakerConfig.class);

  private final SpeakerSettings settings;
  private final SpeakerView view;
  private final ConfigStatusWriter configStatus;
  private final SpeakerMetrics metrics;
  private final ConfigLoader configLoader = new ConfigLoader();

  SpeakerConfig(
      SpeakerSettings settings,
      SpeakerView view,
      ConfigStatusWriter configStatus,
      SpeakerMetrics metrics) {
    this.settings = settings;
    this.view = view;
    this.configStatus = configStatus;
    this.metrics = metrics;
  }

  /**
   * Loads the configuration ({@link ConfigLoader}): an invalid one keeps the last good one; the
   * verdict is logged and written when it changes, and written again on a status resync.
   */
  Optional<Config> load(boolean statusResyncDue) {
    List<DecodedObject> objects = view.configObjects();
    ConfigLoader.Outcome loaded =
        configLoader.load(
            objects, new ParseContext(settings.namespace(), passwordSecrets(objects)));
    String component = "speaker-" + settings.node();
    if (loaded instanceof ConfigLoader.KeptLastGood kept) {
      String summary =
          kept.errors().stream().map(ConfigError::toString).collect(Collectors.joining("; "));
      if (kept.reportDue()) {
        LOG.warn(
            "event=configInvalid failed to parse the configuration; keeping the last good one: {}",
            summary);
      }
      if (kept.reportDue() || statusResyncDue) {
        configStatus.configurationState(component, false, summary);
      }
    } else if (loaded.reportDue() || statusResyncDue) {
      List<String> warnings = loaded.warnings().stream().map(ConfigError::withOrigin).toList();
      configStatus.configurationState(component, true, "", warnings);
    }
    metrics.config(loaded.config().isPresent(), loaded instanceof ConfigLoader.KeptLastGood);
    return loaded.config();
  }

  /** The Secrets BGPPeers name in {@code passwordSecret}, read one by one (RBAC by name). */
  private Map<String, SecretData> passwordSecrets(List<DecodedObject> objects) {
    Map<String, SecretData> out = new HashMap<>();
    for (var d : objects) {
      if (d instanceof DecodedObject.Decoded decoded
          && decoded.object().kind().equals("BGPPeer")
          && decoded.object().spec().get("passwordSecret") instanceof Map<?, ?> ref) {
        if (ref.get("name") instanceof String name && !out.containsKey(name)) {
          view.secret(name).ifPresent(s -> out.put(name, s));
        }
      }
    }
    return out;
  }
}
