package io.ferrolb.app.speaker;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.ferrolb.adapters.k8s.Fabric8AnnouncementStatusWriter;
import io.ferrolb.adapters.k8s.Fabric8ClusterEvents;
import io.ferrolb.adapters.k8s.Fabric8ClusterView;
import io.ferrolb.adapters.k8s.Fabric8ConfigStatusWriter;
import io.ferrolb.adapters.k8s.Fabric8SpeakerView;
import io.ferrolb.adapters.k8s.PodOwner;
import io.ferrolb.adapters.l2.membership.JGroupsMembership;
import io.ferrolb.adapters.l2.membership.MemberlistKey;
import io.ferrolb.adapters.l2.membership.MembershipSettings;
import io.ferrolb.app.plugin.AnnouncerRegistry;
import io.ferrolb.app.plugin.ProviderLoader;
import io.ferrolb.domain.config.L2Advertisement;
import io.ferrolb.domain.ownership.SplitBrainPolicy;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.out.ApplyReport;
import io.ferrolb.ports.out.Membership;
import io.ferrolb.ports.spi.AnnouncerContext;
import io.ferrolb.ports.spi.Settings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running speaker: the Kubernetes view, gossip membership, the announcers and the loop. */
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
   * @param syncTimeout how long to wait for the caches before starting without them
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

  private final Fabric8SpeakerView view;
  private final SpeakerLoop loop;
  private final Optional<Membership> membership;
  private final ScheduledExecutorService scheduler;
  private final Fabric8ClusterEvents events;

  private Speaker(
      Fabric8SpeakerView view,
      SpeakerLoop loop,
      Optional<Membership> membership,
      ScheduledExecutorService scheduler,
      Fabric8ClusterEvents events) {
    this.view = view;
    this.loop = loop;
    this.membership = membership;
    this.scheduler = scheduler;
    this.events = events;
  }

  public static Speaker start(KubernetesClient client, Options o, PrometheusRegistry registry)
      throws InterruptedException {
    Fabric8SpeakerView view =
        new Fabric8SpeakerView(client, o.namespace(), o.lbClass(), o.speakerPods());
    AtomicReference<SpeakerLoop> loopRef = new AtomicReference<>();
    view.start(
        () -> {
          SpeakerLoop l = loopRef.get();
          if (l != null) {
            l.trigger();
          }
        });
    // what needs no cache is built while the first lists are on their way
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "speaker-timers");
              t.setDaemon(true);
              return t;
            });

    // this node's address, known once the caches are synced; announcers created before read it late
    AtomicReference<Optional<IpAddress>> nodeAddress = new AtomicReference<>(Optional.empty());
    Announcer l2 = desired -> ApplyReport.unchanged();
    boolean layer2 = o.announcers().contains("layer2") || o.announcers().contains(o.l2Announcer());
    Supplier<AnnouncerRegistry> providers =
        memoize(
            () ->
                AnnouncerRegistry.of(
                    ProviderLoader.serviceLoader(Speaker.class.getClassLoader()).load()));
    if (layer2) {
      l2 =
          providers
              .get()
              .require(o.l2Announcer(), "the speaker's --l2-announcer")
              .create(context(o, scheduler, nodeAddress));
    }
    // plugins named by L2Advertisements (label ferrolb.io/announcer): created by the loop on first
    // use; a name no provider has is reported on the services, not fatal
    L2Announcers l2Announcers =
        new L2Announcers(
            o.l2Announcer(),
            l2,
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
                  .create(context(o, scheduler, nodeAddress));
            });

    Instant deadline = Instant.now().plus(o.syncTimeout());
    while (!view.synced() && Instant.now().isBefore(deadline)) {
      Thread.sleep(20); // start-up only: waiting for the first list of every informer
    }
    if (!view.synced()) {
      LOG.warn("event=syncSlow caches not synced after {}; starting anyway", o.syncTimeout());
    }

    Optional<IpAddress> hostIp =
        o.hostIp().or(() -> view.nodeAddress(o.node())).flatMap(IpAddress::tryParse);

    Optional<Membership> membership = Optional.empty();
    if (layer2 && o.gossipPort() > 0) {
      // on a fresh install the controller creates the memberlist Secret moments after start
      Instant keyDeadline = Instant.now().plus(o.syncTimeout());
      while (view.memberlistKey().isEmpty() && Instant.now().isBefore(keyDeadline)) {
        Thread.sleep(100); // start-up only
      }
      Optional<byte[]> key = view.memberlistKey();
      if (key.isEmpty() || hostIp.isEmpty()) {
        LOG.warn(
            "event=membershipDisabled {}; every Node counts as alive, so a dead node is only"
                + " noticed through Kubernetes. Create it with: kubectl create secret generic -n {}"
                + " memberlist --from-literal=secretkey=\"$(openssl rand -base64 128)\"",
            key.isEmpty()
                ? "the memberlist Secret (key secretkey) is missing"
                : "this node's address is unknown (set --host-ip)",
            o.namespace());
      } else {
        JGroupsMembership m =
            new JGroupsMembership(
                MembershipSettings.defaults(
                        o.node(), inet(hostIp.get()), MemberlistKey.fromSecret(key.get()))
                    .withPort(o.gossipPort()));
        // seeds before the first connect: a (re)starting speaker then joins the existing group
        // instead of forming a group of one that has to be merged later
        m.setSeeds(SpeakerLoop.seeds(view, view.nodes(), o.node(), o.gossipPort()));
        m.start();
        membership = Optional.of(m);
        gossipDrops(registry, m);
      }
    }

    nodeAddress.set(hostIp);
    // BGP is an announcer like any plugin: the provider named "bgp" (adapters-bgp's, by default)
    Optional<Announcer> bgp =
        o.announcers().contains(SpeakerLoop.BGP)
            ? Optional.of(
                providers
                    .get()
                    .require(SpeakerLoop.BGP, "the speaker's --announcers")
                    .create(context(o, scheduler, nodeAddress)))
            : Optional.empty();
    Fabric8ClusterEvents events = new Fabric8ClusterEvents(client, "ferrolb-speaker");
    PodOwner owner = PodOwner.lookup(client, o.namespace(), o.podName());
    SpeakerMetrics metrics =
        new PrometheusSpeakerMetrics(registry, layer2 ? Optional.of(l2) : Optional.empty(), bgp);
    SpeakerLoop loop =
        new SpeakerLoop(
            new SpeakerSettings(
                o.node(),
                o.namespace(),
                o.ignoreExcludeLabel(),
                o.splitBrain(),
                Duration.ofSeconds(2),
                STATUS_RESYNC),
            view,
            membership,
            o.gossipPort(),
            l2Announcers,
            bgp,
            new Fabric8AnnouncementStatusWriter(client, o.namespace(), owner),
            events,
            new Fabric8ConfigStatusWriter(
                client, new Fabric8ClusterView(client, o.namespace()), owner),
            metrics);
    loopRef.set(loop);
    loop.start();
    LOG.info(
        "event=speakerStarted node={} namespace={} announcers={} gossip={}",
        o.node(),
        o.namespace(),
        o.announcers(),
        membership.isPresent() ? "on:" + o.gossipPort() : "off");
    return new Speaker(view, loop, membership, scheduler, events);
  }

  /** Gossip frames the membership dropped (no key, wrong key, forged, replayed, truncated). */
  private static void gossipDrops(PrometheusRegistry registry, Membership m) {
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
        .name("ferrolb_speaker_gossip_frames_dropped_total")
        .help("Gossip frames dropped before the membership protocol, by reason")
        .labelNames("reason")
        .callback(cb -> m.droppedFrames().forEach((reason, n) -> cb.call(n, reason)))
        .register(registry);
  }

  /** {@code s} evaluated once, on first use (the loop's thread or start-up, never both at once). */
  private static <T> Supplier<T> memoize(Supplier<T> s) {
    AtomicReference<T> value = new AtomicReference<>();
    return () -> value.updateAndGet(v -> v == null ? s.get() : v);
  }

  private static InetAddress inet(IpAddress ip) {
    try {
      return InetAddress.getByAddress(ip.toBytes()); // no name lookup
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are always an address", e);
    }
  }

  private static AnnouncerContext context(
      Options o,
      ScheduledExecutorService scheduler,
      AtomicReference<Optional<IpAddress>> nodeAddress) {
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
        return scheduler;
      }

      @Override
      public Optional<IpAddress> nodeAddress() {
        return nodeAddress.get();
      }
    };
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

  @Override
  public void close() {
    loop.close();
    membership.ifPresent(Membership::close);
    scheduler.shutdownNow();
    view.close();
    events.close();
  }
}
