package io.ferrolb.app.speaker;

import dagger.Lazy;
import dagger.Module;
import dagger.Provides;
import io.ferrolb.app.plugin.AnnouncerRegistry;
import io.ferrolb.app.plugin.ProviderLoader;
import io.ferrolb.domain.config.L2Advertisement;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.AnnouncementStatusWriter;
import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.out.ApplyReport;
import io.ferrolb.ports.out.ClusterEvents;
import io.ferrolb.ports.out.ConfigStatusWriter;
import io.ferrolb.ports.out.SpeakerView;
import io.ferrolb.ports.spi.AnnouncerContext;
import io.ferrolb.ports.spi.MembershipProvider;
import io.ferrolb.ports.spi.Settings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the speaker runs, found through the ports like any plugin ({@code java.util.ServiceLoader}):
 * the announcers ({@code layer2}, {@code bgp}, plugins named by L2Advertisements) and the gossip
 * membership; then the use case ({@link ReconcileNode}) and its loop over them.
 */
@Module
final class SpeakerAnnouncersModule {
  private SpeakerAnnouncersModule() {}

  /** The announcers of one speaker. */
  record Announcers(L2Announcers l2, Optional<Announcer> layer2, Optional<Announcer> bgp) {}

  @Provides
  static SpeakerSettings settings(Speaker.Options o) {
    return new SpeakerSettings(
        o.node(),
        o.namespace(),
        o.ignoreExcludeLabel(),
        o.splitBrain(),
        Duration.ofSeconds(2),
        Speaker.STATUS_RESYNC);
  }

  @Provides
  @Singleton
  static NodeAddress nodeAddress(Speaker.Options o) {
    return new NodeAddress(o.node(), o.hostIp());
  }

  /** The announcers' timers. */
  @Provides
  @Singleton
  static ScheduledExecutorService timers() {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "speaker-timers");
          t.setDaemon(true);
          return t;
        });
  }

  /** Every announcer provider on the class path; loaded when first needed. */
  @Provides
  @Singleton
  static AnnouncerRegistry providers() {
    return AnnouncerRegistry.of(
        ProviderLoader.serviceLoader(Speaker.class.getClassLoader()).load());
  }

  @Provides
  @Singleton
  static Announcers announcers(
      Speaker.Options o,
      Lazy<AnnouncerRegistry> providers,
      ScheduledExecutorService timers,
      NodeAddress address) {
    Optional<Announcer> layer2 = Optional.empty();
    if (runsLayer2(o)) {
      layer2 =
          Optional.of(
              providers
                  .get()
                  .require(o.l2Announcer(), "the speaker's --l2-announcer")
                  .create(context(o, timers, address)));
    }
    // plugins named by L2Advertisements (label ferrolb.io/announcer): created by the loop on first
    // use; a name no provider has is reported on the services, not fatal
    L2Announcers l2 =
        new L2Announcers(
            o.l2Announcer(),
            layer2.orElse(desired -> ApplyReport.unchanged()),
            name -> {
              AnnouncerRegistry found = providers.get();
              if (!found.names().contains(name)) {
                throw new IllegalArgumentException(
                    "no provider of that name is on the classpath (available: "
                        + String.join(", ", found.names())
                        + ")");
              }
              return found
                  .require(name, "the L2Advertisement label " + L2Advertisement.ANNOUNCER_LABEL)
                  .create(context(o, timers, address));
            });
    // BGP is an announcer like any plugin: the provider named "bgp" (adapters-bgp's, by default)
    Optional<Announcer> bgp =
        o.announcers().contains(ReconcileNode.BGP)
            ? Optional.of(
                providers
                    .get()
                    .require(ReconcileNode.BGP, "the speaker's --announcers")
                    .create(context(o, timers, address)))
            : Optional.empty();
    return new Announcers(l2, layer2, bgp);
  }

  static boolean runsLayer2(Speaker.Options o) {
    return o.announcers().contains(ReconcileNode.LAYER2)
        || o.announcers().contains(o.l2Announcer());
  }

  @Provides
  @Singleton
  static SpeakerMetrics metrics(
      PrometheusRegistry registry, Announcers a, SpeakerMembership membership) {
    // gossip frames the membership dropped (no key, wrong key, forged, replayed, truncated); read
    // at each scrape, since gossip may start after the metrics exist
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
        .name("ferrolb_speaker_gossip_frames_dropped_total")
        .help("Gossip frames dropped before the membership protocol, by reason")
        .labelNames("reason")
        .callback(
            cb ->
                membership
                    .current()
                    .ifPresent(m -> m.droppedFrames().forEach((reason, n) -> cb.call(n, reason))))
        .register(registry);
    return new PrometheusSpeakerMetrics(registry, a.layer2(), a.bgp());
  }

  /** Gossip when Layer 2 runs and its port is not 0, with the first membership provider found. */
  @Provides
  @Singleton
  static SpeakerMembership membership(Speaker.Options o) {
    if (!runsLayer2(o) || o.gossipPort() <= 0) {
      return SpeakerMembership.off(o.node());
    }
    MembershipProvider provider =
        ServiceLoader.load(MembershipProvider.class, Speaker.class.getClassLoader())
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no io.ferrolb.ports.spi.MembershipProvider on the class path (adapters-l2"
                            + " provides one); run with --ml-bind-port 0 to run without gossip"));
    return SpeakerMembership.whenKeyed(
        o.node(), o.gossipPort(), provider, Clock.systemUTC(), o.syncTimeout(), o.namespace());
  }

  @Provides
  @Singleton
  static ReconcileNode reconcile(
      SpeakerSettings settings,
      SpeakerView view,
      SpeakerMembership membership,
      NodeAddress address,
      Announcers announcers,
      AnnouncementStatusWriter status,
      ClusterEvents events,
      ConfigStatusWriter configStatus,
      SpeakerMetrics metrics) {
    return new ReconcileNode(
        settings,
        view,
        membership,
        address,
        announcers.l2(),
        announcers.bgp(),
        status,
        events,
        configStatus,
        metrics);
  }

  @Provides
  @Singleton
  static SpeakerLoop loop(
      SpeakerSettings settings,
      ReconcileNode reconcile,
      SpeakerMembership membership,
      SpeakerMetrics metrics) {
    return new SpeakerLoop(settings, reconcile, membership, metrics);
  }

  private static AnnouncerContext context(
      Speaker.Options o, ScheduledExecutorService timers, NodeAddress address) {
    Settings settings = Settings.of(o.announcerSettings());
    return new AnnouncerContext() {
      @Override
      public Settings settings() {
        return settings;
      }

      @Override
      public String nodeName() {
        return o.node();
      }

      @Override
      public Clock clock() {
        return Clock.systemUTC();
      }

      @Override
      public ScheduledExecutorService scheduler() {
        return timers;
      }

      @Override
      public Optional<IpAddress> nodeAddress() {
        return address.get();
      }
    };
  }
}
