package io.ferrolb.app.speaker;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.ferrolb.adapters.k8s.Fabric8ClusterEvents;
import io.ferrolb.domain.ownership.SplitBrainPolicy;
import io.ferrolb.ports.out.SpeakerView;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running speaker: the Kubernetes view, the announcers, gossip membership and the loop, built by
 * {@link SpeakerComponent} and started by {@link #start(KubernetesClient, Options,
 * PrometheusRegistry)}, which returns at once: the loop's first pass comes when the view has
 * synced, gossip starts on the first pass that has the memberlist Secret.
 */
@Singleton
public final class Speaker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Speaker.class);

  /**
   * How often the status objects are written even when nothing changed, so that one deleted under
   * the speaker (by hand, or by the garbage collector racing a restart) comes back.
   */
  static final Duration STATUS_RESYNC = Duration.ofMinutes(1);

  /**
   * How to run.
   *
   * @param announcers the protocols to run: "layer2" (or a plugin name) and/or "bgp"
   * @param l2Announcer the provider answering for L2 claims: "layer2" or a plugin's name
   * @param hostIp this node's address (gossip bind, router ID); empty = the Node's InternalIP
   * @param gossipPort UDP/TCP port of the membership protocol (0 disables gossip)
   * @param announcerSettings settings handed to announcer plugins
   * @param syncTimeout how long a slow first list or a missing memberlist Secret is normal; after
   *     it, each is reported once
   * @param speakerPods labels of the speaker pods, which tell which nodes run a speaker
   * @param podName this speaker's Pod, the owner of its status objects; empty outside a cluster
   */
  public record Options(
      String node,
      String namespace,
      String lbClass,
      Set<String> announcers,
      String l2Announcer,
      Optional<String> hostIp,
      int gossipPort,
      boolean ignoreExcludeLabel,
      SplitBrainPolicy.Mode splitBrain,
      Map<String, String> announcerSettings,
      Duration syncTimeout,
      Map<String, String> speakerPods,
      Optional<String> podName) {
    public Options {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(podName, "podName");
      announcers = Set.copyOf(announcers);
      announcerSettings = Map.copyOf(announcerSettings);
      speakerPods = Map.copyOf(speakerPods);
    }
  }

  private final Options options;
  private final SpeakerView view;
  private final SpeakerLoop loop;
  private final ScheduledExecutorService timers;
  private final Fabric8ClusterEvents events;
  private final BackgroundStatusWrites statusWrites;

  @Inject
  Speaker(
      Options options,
      SpeakerView view,
      SpeakerLoop loop,
      ScheduledExecutorService timers,
      Fabric8ClusterEvents events,
      BackgroundStatusWrites statusWrites) {
    this.options = options;
    this.view = view;
    this.loop = loop;
    this.timers = timers;
    this.events = events;
    this.statusWrites = statusWrites;
  }

  /**
   * Builds a speaker's graph ({@link SpeakerComponent}) and starts it: the loop, then the view
   * (whose changes trigger passes); returns at once.
   */
  public static Speaker start(KubernetesClient client, Options o, PrometheusRegistry registry) {
    Speaker s = DaggerSpeakerComponent.factory().create(client, o, registry).speaker();
    s.start();
    return s;
  }

  private void start() {
    loop.start(options.syncTimeout());
    view.start(loop::trigger);
    timers.schedule(
        () -> {
          if (!view.synced()) {
            LOG.warn(
                "event=syncSlow caches not synced after {}; announcing nothing until they are",
                options.syncTimeout());
          }
        },
        options.syncTimeout().toMillis(),
        TimeUnit.MILLISECONDS);
    LOG.info(
        "event=speakerStarted node={} namespace={} announcers={} gossip={}",
        options.node(),
        options.namespace(),
        options.announcers(),
        SpeakerAnnouncersModule.runsLayer2(options) && options.gossipPort() > 0
            ? "on:" + options.gossipPort() + " (once the memberlist Secret is read)"
            : "off");
  }

  /** Empty when ready; otherwise what is missing, for /readyz. */
  public String notReady() {
    if (!view.synced()) {
      return "not ready: informers not synced";
    }
    return loop.ready() ? "" : "not ready: no reconcile pass completed yet";
  }

  public SpeakerLoop loop() {
    return loop;
  }

  /** What this speaker's informers hold (read-only use: diagnostics and tests). */
  public io.ferrolb.ports.out.SpeakerView view() {
    return view;
  }

  @Override
  public void close() {
    loop.close();
    statusWrites.close();
    timers.shutdownNow();
    view.close();
    events.close();
  }
}
