package io.ferrolb.app.speaker;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.BgpPlan;
import io.ferrolb.domain.announce.BgpPlanner;
import io.ferrolb.domain.announce.L2Plan;
import io.ferrolb.domain.announce.L2Planner;
import io.ferrolb.domain.announce.NodeState;
import io.ferrolb.domain.announce.ServiceState;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigLoader;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.ownership.SplitBrainPolicy;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.AnnouncementStatusWriter;
import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.out.ApplyReport;
import io.ferrolb.ports.out.ClusterEvents;
import io.ferrolb.ports.out.ConfigStatusWriter;
import io.ferrolb.ports.out.DesiredAnnouncements;
import io.ferrolb.ports.out.Membership;
import io.ferrolb.ports.out.SpeakerView;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The speaker's one loop: every change in the cluster or in gossip membership triggers a pass
 * (coalesced), and a pass recomputes the whole plan from the caches and hands it to the announcers,
 * which converge. Only this thread touches announcers and status.
 */
public final class SpeakerLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpeakerLoop.class);
  static final String LAYER2 = "layer2";
  static final String BGP = "bgp";

  private final SpeakerSettings settings;
  private final SpeakerView view;
  private final Optional<Membership> membership;
  private final int gossipPort;
  private final L2Announcers l2;
  private final Optional<Announcer> bgp;
  private final AnnouncementStatusWriter status;
  private final ClusterEvents events;
  private final ConfigStatusWriter configStatus;
  private final SpeakerMetrics metrics;
  private final ScheduledExecutorService loop;
  private final AtomicBoolean pending = new AtomicBoolean();

  private final ConfigLoader configLoader = new ConfigLoader();
  private final Map<String, String> lastL2Failure = new HashMap<>();
  private final Map<String, Set<ServiceKey>> reportedUnavailable = new HashMap<>();
  private Map<ServiceKey, Set<String>> announcedL2 = Map.of();
  private Map<ServiceKey, Set<String>> announcedBgp = Map.of();
  private Map<ServiceKey, List<String>> reportedBgpProblems = Map.of();
  // the next pass writes the status objects although nothing changed, so one deleted by someone
  // else comes back: set by the resync timer (on the loop's thread), and for the first pass, which
  // also removes what an earlier pod of this node left and no longer holds
  private boolean statusResyncDue = true;
  private long passes;
  private volatile long completedPasses;
  private volatile boolean announcing;

  /**
   * A loop whose only Layer 2 announcer is {@code l2}, named {@value #LAYER2}; {@code bgp} is the
   * announcer named {@value #BGP}, given the BGP plan, if this speaker runs BGP.
   */
  public SpeakerLoop(
      SpeakerSettings settings,
      SpeakerView view,
      Optional<Membership> membership,
      int gossipPort,
      Announcer l2,
      Optional<Announcer> bgp,
      AnnouncementStatusWriter status,
      ClusterEvents events,
      ConfigStatusWriter configStatus,
      SpeakerMetrics metrics) {
    this(
        settings,
        view,
        membership,
        gossipPort,
        L2Announcers.only(LAYER2, l2),
        bgp,
        status,
        events,
        configStatus,
        metrics);
  }

  /**
   * A loop that hands each Layer 2 announcer of {@code l2} only the claims of the L2Advertisements
   * that name it (or of those naming none, for the default one).
   */
  public SpeakerLoop(
      SpeakerSettings settings,
      SpeakerView view,
      Optional<Membership> membership,
      int gossipPort,
      L2Announcers l2,
      Optional<Announcer> bgp,
      AnnouncementStatusWriter status,
      ClusterEvents events,
      ConfigStatusWriter configStatus,
      SpeakerMetrics metrics) {
    this.settings = settings;
    this.view = view;
    this.membership = membership;
    this.gossipPort = gossipPort;
    this.l2 = l2;
    this.bgp = bgp;
    this.status = status;
    this.events = events;
    this.configStatus = configStatus;
    this.metrics = metrics;
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "speaker-loop");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts reacting to membership changes and runs a first pass; the caller has started the view
   * with {@link #trigger} (or a forwarder to it) as its change callback.
   */
  public void start() {
    membership.ifPresent(m -> m.addListener(alive -> trigger()));
    long resync = settings.statusResync().toMillis();
    loop.scheduleWithFixedDelay(
        () -> {
          requestStatusResync();
          trigger();
        },
        resync,
        resync,
        TimeUnit.MILLISECONDS);
    trigger();
  }

  /**
   * Makes the next pass write the status objects (ServiceL2Status, ServiceBGPStatus,
   * ConfigurationState) even when they did not change: the writers compare with what is stored and
   * create what is missing. Called on the loop's thread (by the resync timer every {@link
   * SpeakerSettings#statusResync()}). Package-private for tests.
   */
  void requestStatusResync() {
    statusResyncDue = true;
  }

  /**
   * True once a pass on synced caches has handed its plan to the announcers (or found nothing to
   * announce). Status objects and events written after that do not delay readiness.
   */
  public boolean ready() {
    return announcing || completedPasses > 0;
  }

  /** Asks for a pass; many requests before the pass starts make one pass. */
  public void trigger() {
    if (pending.compareAndSet(false, true)) {
      loop.execute(this::pass);
    }
  }

  private void pass() {
    pending.set(false);
    long id = ++passes;
    try (var c = MDC.putCloseable("reconcile", "#" + id + " speaker " + settings.node())) {
      boolean ok = passOnce();
      if (view.synced()) {
        completedPasses++;
      }
      if (!ok) {
        loop.schedule(this::trigger, settings.retryAfter().toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (RuntimeException e) {
      LOG.error("speaker pass failed; retrying in {}", settings.retryAfter(), e);
      loop.schedule(this::trigger, settings.retryAfter().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** One pass; false when something failed and a retry is due. Package-private for tests. */
  boolean passOnce() {
    if (!view.synced()) {
      return true; // the informers trigger again once synced
    }
    Optional<Config> config = loadConfig();
    Collection<NodeState> nodes = view.nodes();
    Optional<NodeState> self =
        nodes.stream().filter(n -> n.name().equals(settings.node())).findFirst();
    Collection<ServiceState> services = view.services();
    feedSeeds(nodes);

    if (config.isEmpty() || self.isEmpty()) {
      if (self.isEmpty()) {
        LOG.warn(
            "event=nodeMissing node {} has no Node object; announcing nothing", settings.node());
      }
      boolean ok = true;
      for (Map.Entry<String, Announcer> a : announcers().entrySet()) {
        ApplyReport none = a.getValue().apply(DesiredAnnouncements.none(settings.node()));
        // the BGP announcer's report never failed a pass before it was behind the port either
        ok &= none.ok() || a.getKey().equals(BGP);
      }
      publish(Map.of(), Map.of(), Map.of(), 0);
      return ok;
    }

    Set<String> alive =
        membership
            .map(Membership::aliveNodes)
            .orElseGet(() -> nodes.stream().map(NodeState::name).collect(Collectors.toSet()));
    SplitBrainPolicy.QuorumVerdict verdict =
        SplitBrainPolicy.decide(
            settings.node(), alive, view.expectedSpeakers(), settings.splitBrain());
    if (!verdict.mayAnnounce()) {
      LOG.warn(
          "event=partitioned sees {} of {} speakers ({}); withdrawing Layer 2 claims until the"
              + " partition heals",
          verdict.visible(),
          verdict.quorumBase(),
          verdict.reason());
    }
    L2Plan l2Plan =
        L2Planner.plan(
            settings.node(),
            config.get(),
            nodes,
            verdict.candidates(),
            services,
            settings.ignoreExcludeLabel(),
            l2.defaultName());
    Map<ServiceKey, Set<String>> l2Now = new TreeMap<>(KEY_ORDER);
    boolean l2Ok = applyL2(l2Plan, config.get(), l2Now);

    BgpPlan bgpPlan =
        BgpPlanner.plan(self.get(), config.get(), services, settings.ignoreExcludeLabel());
    bgp.ifPresent(b -> b.apply(DesiredAnnouncements.ofBgp(settings.node(), bgpPlan)));
    announcing = true; // ready: the plan is in the announcers; status objects follow
    reportBgpProblems(bgpPlan);

    Map<ServiceKey, Set<String>> bgpNow = new TreeMap<>(KEY_ORDER);
    bgpPlan
        .decisions()
        .forEach(
            (k, d) -> {
              if (d instanceof BgpPlan.Advertised a) {
                bgpNow.put(k, a.peers());
              }
            });
    Map<ServiceKey, List<IpAddress>> ips = new HashMap<>();
    services.forEach(s -> ips.put(s.key(), s.ingress()));
    long notCarried =
        l2Plan.claims().values().stream()
            .flatMap(c -> c.services().stream())
            .distinct()
            .filter(k -> !l2Now.containsKey(k))
            .count();
    publish(l2Now, bgpNow, ips, unannounced(l2Plan, config.get()) + notCarried);
    metrics.sessions(sessionsUp());
    return l2Ok;
  }

  /** Every announcer of this speaker by name: the Layer 2 ones created so far, then BGP's. */
  private Map<String, Announcer> announcers() {
    Map<String, Announcer> all = new java.util.LinkedHashMap<>(l2.created());
    bgp.ifPresent(b -> all.put(BGP, b));
    return all;
  }

  /** Session state per BGP peer name (true when established), as the BGP announcer reports it. */
  private Map<String, Boolean> sessionsUp() {
    Map<String, Boolean> up = new TreeMap<>();
    bgp.flatMap(Announcer::status).ifPresent(s -> s.peers().forEach(p -> up.put(p.name(), p.up())));
    return up;
  }

  /**
   * Hands every Layer 2 announcer its part of the plan: those the plan names, plus every one
   * created before (so one that lost all its claims withdraws them). Fills {@code carried} with the
   * services that an available announcer was given, with their interfaces. An announcer that cannot
   * run is reported, and its services are announced by nobody: the election is not rerun around it,
   * since the other nodes cannot know.
   *
   * @return false when an announcer failed to apply and a retry is due
   */
  private boolean applyL2(L2Plan plan, Config config, Map<ServiceKey, Set<String>> carried) {
    Set<String> names = new java.util.TreeSet<>(plan.claimsByAnnouncer().keySet());
    names.addAll(l2.created().keySet());
    boolean ok = true;
    for (String name : names) {
      Map<IpAddress, L2Plan.Claim> claims = plan.claimsFor(name);
      L2Announcers.Lookup lookup = l2.get(name);
      if (lookup instanceof L2Announcers.Unavailable u) {
        reportUnavailable(name, u.reason(), claims, config);
        continue;
      }
      reportedUnavailable.remove(name);
      Announcer a = ((L2Announcers.Available) lookup).announcer();
      ApplyReport report = a.apply(toDesired(settings.node(), claims));
      reportL2Failure(name, report, claims);
      ok &= report.ok();
      for (L2Plan.Claim c : claims.values()) {
        for (ServiceKey k : c.services()) {
          Set<String> before = carried.get(k);
          carried.put(k, before == null ? c.interfaces() : mergeInterfaces(before, c.interfaces()));
        }
      }
    }
    return ok;
  }

  /** Empty means "every interface" and absorbs any restriction. */
  private static Set<String> mergeInterfaces(Set<String> a, Set<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new java.util.TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * An L2Advertisement names an announcer this speaker cannot run: a log line and a Warning event
   * {@code announceFailed} on each service concerned, once per service (not once per pass).
   */
  private void reportUnavailable(
      String name, String reason, Map<IpAddress, L2Plan.Claim> claims, Config config) {
    Set<ServiceKey> services = new java.util.TreeSet<>(KEY_ORDER);
    claims.values().forEach(c -> services.addAll(c.services()));
    Set<ServiceKey> reported = reportedUnavailable.computeIfAbsent(name, k -> new HashSet<>());
    reported.retainAll(services);
    if (reported.containsAll(services)) {
      return;
    }
    String ads =
        config.l2Advertisements().stream()
            .filter(ad -> ad.announcer().equals(Optional.of(name)))
            .map(ad -> "\"" + ad.name() + "\"")
            .collect(Collectors.joining(", "));
    String message =
        "announcer \""
            + name
            + "\" named by L2Advertisement "
            + ads
            + " cannot run on this node, so nobody announces this service: "
            + reason;
    for (ServiceKey k : services) {
      if (reported.add(k)) {
        LOG.warn(
            "event=announcerUnavailable announcer={} service={} node={} {}",
            name,
            k,
            settings.node(),
            message);
        warnAnnounceFailed(k, message);
      }
    }
  }

  /**
   * Problems of the BGP plan as log lines and Warning events on the services concerned, once per
   * distinct set of problems of a service (not once per pass): bad BGP annotations ({@code
   * invalidAnnotation}; the service is advertised without them) and LOCAL_PREF conflicts, e.g.
   * between services sharing an address ({@code announceFailed}; this node does not advertise the
   * service).
   */
  private void reportBgpProblems(BgpPlan plan) {
    Map<ServiceKey, List<String>> now = new TreeMap<>(KEY_ORDER);
    plan.decisions()
        .forEach(
            (k, d) -> {
              if (d instanceof BgpPlan.Advertised a && !a.warnings().isEmpty()) {
                now.put(k, a.warnings());
              } else if (d instanceof BgpPlan.NotAdvertised n
                  && n.reason()
                      == io.ferrolb.domain.announce.NotAnnouncedReason.CONFLICTING_ADVERTISEMENTS) {
                now.put(k, List.of(n.detail()));
              }
            });
    now.forEach(
        (k, problems) -> {
          if (problems.equals(reportedBgpProblems.get(k))) {
            return;
          }
          boolean advertised = plan.decisions().get(k) instanceof BgpPlan.Advertised;
          for (String p : problems) {
            if (advertised) {
              LOG.warn("event=invalidAnnotation service={} node={} {}", k, settings.node(), p);
              warn(k, "invalidAnnotation", p + " (node \"" + settings.node() + "\")");
            } else {
              LOG.warn(
                  "event=announceFailed protocol=bgp service={} node={} {}", k, settings.node(), p);
              warnAnnounceFailed(k, p);
            }
          }
        });
    reportedBgpProblems = now;
  }

  /** A Warning event {@code announceFailed} on service {@code k}, saying why this node cannot. */
  private void warnAnnounceFailed(ServiceKey k, String why) {
    warn(k, "announceFailed", "node \"" + settings.node() + "\" cannot announce: " + why);
  }

  /** A Warning event on service {@code k}, if it still exists. */
  private void warn(ServiceKey k, String reason, String message) {
    view.serviceRef(k)
        .ifPresent(ref -> events.emit(ref, ClusterEvents.Type.WARNING, reason, message));
  }

  /**
   * A failed Layer 2 apply (typically an L2Advertisement interface missing on this node) becomes a
   * Warning event {@code announceFailed} on the services concerned, once per distinct failure of
   * each announcer.
   */
  private void reportL2Failure(
      String announcer, ApplyReport report, Map<IpAddress, L2Plan.Claim> claims) {
    if (report.ok()) {
      lastL2Failure.remove(announcer);
      return;
    }
    String reason = ((ApplyReport.Failed) report).reason();
    if (reason.equals(lastL2Failure.get(announcer))) {
      return;
    }
    lastL2Failure.put(announcer, reason);
    LOG.warn(
        "event=announceFailed protocol=layer2 announcer={} node={} {}",
        announcer,
        settings.node(),
        reason);
    for (L2Plan.Claim c : claims.values()) {
      for (ServiceKey k : c.services()) {
        warnAnnounceFailed(k, reason);
      }
    }
  }

  private static final java.util.Comparator<ServiceKey> KEY_ORDER =
      java.util.Comparator.comparing(ServiceKey::namespace).thenComparing(ServiceKey::name);

  /** Status objects, events for changes only (never one per pass), metrics. */
  private void publish(
      Map<ServiceKey, Set<String>> l2Now,
      Map<ServiceKey, Set<String>> bgpNow,
      Map<ServiceKey, List<IpAddress>> ips,
      long unannounced) {
    if (!l2Now.equals(announcedL2)) {
      status.layer2(settings.node(), l2Now);
      announceChanges(LAYER2, announcedL2, l2Now);
      announcedL2 = Map.copyOf(l2Now);
    } else if (statusResyncDue) {
      status.layer2(settings.node(), l2Now);
    }
    if (!bgpNow.equals(announcedBgp)) {
      status.bgp(settings.node(), bgpNow);
      announceChanges(BGP, announcedBgp, bgpNow);
      announcedBgp = Map.copyOf(bgpNow);
    } else if (statusResyncDue) {
      status.bgp(settings.node(), bgpNow);
    }
    statusResyncDue = false;
    metrics.announced(LAYER2, settings.node(), series(l2Now.keySet(), ips));
    metrics.announced(BGP, settings.node(), series(bgpNow.keySet(), ips));
    metrics.unannouncedServices(unannounced);
  }

  private static Set<SpeakerMetrics.Announced> series(
      Set<ServiceKey> keys, Map<ServiceKey, List<IpAddress>> ips) {
    Set<SpeakerMetrics.Announced> out = new HashSet<>();
    for (ServiceKey k : keys) {
      for (IpAddress ip : ips.getOrDefault(k, List.of())) {
        out.add(new SpeakerMetrics.Announced(k.toString(), ip.toString()));
      }
    }
    return out;
  }

  private void announceChanges(
      String protocol, Map<ServiceKey, Set<String>> before, Map<ServiceKey, Set<String>> now) {
    for (ServiceKey k : now.keySet()) {
      if (!before.containsKey(k)) {
        LOG.info("event=serviceAnnounced service={} protocol={}", k, protocol);
        view.serviceRef(k)
            .ifPresent(
                ref ->
                    events.emit(
                        ref,
                        ClusterEvents.Type.NORMAL,
                        "nodeAssigned",
                        "announcing from node \""
                            + settings.node()
                            + "\" with protocol \""
                            + protocol
                            + "\""));
      }
    }
    for (ServiceKey k : before.keySet()) {
      if (!now.containsKey(k)) {
        LOG.info("event=serviceWithdrawn service={} protocol={}", k, protocol);
      }
    }
  }

  /**
   * Services with an address that no node announces in Layer 2, leaving out those whose pool is
   * announced over BGP (each node decides BGP for itself, so nobody here can say it is missing).
   */
  private static long unannounced(L2Plan plan, Config config) {
    return plan.decisions().values().stream()
            .filter(d -> d instanceof L2Plan.NotAnnounced n && n.nobodyAnnounces())
            .count()
        - plan.decisions().entrySet().stream()
            .filter(
                e ->
                    e.getValue() instanceof L2Plan.NotAnnounced n
                        && n.reason()
                            == io.ferrolb.domain.announce.NotAnnouncedReason.NO_ADVERTISEMENT
                        && !config.bgpAdvertisements().isEmpty())
            .count();
  }

  /**
   * Loads the configuration ({@link ConfigLoader}): an invalid one keeps the last good one; the
   * verdict is logged and written when it changes, and written again on a status resync.
   */
  private Optional<Config> loadConfig() {
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
  private Map<String, io.ferrolb.domain.config.SecretData> passwordSecrets(
      List<DecodedObject> objects) {
    Map<String, io.ferrolb.domain.config.SecretData> out = new HashMap<>();
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

  private void feedSeeds(Collection<NodeState> nodes) {
    if (membership.isEmpty()) {
      return;
    }
    membership.get().setSeeds(seeds(view, nodes, settings.node(), gossipPort));
  }

  /** The gossip addresses of every other node the view knows an address of. */
  static Set<InetSocketAddress> seeds(
      SpeakerView view, Collection<NodeState> nodes, String self, int port) {
    Set<InetSocketAddress> seeds = new HashSet<>();
    for (NodeState n : nodes) {
      if (!n.name().equals(self)) {
        view.nodeAddress(n.name()).ifPresent(a -> seeds.add(new InetSocketAddress(a, port)));
      }
    }
    return seeds;
  }

  static DesiredAnnouncements toDesired(String node, Map<IpAddress, L2Plan.Claim> claims) {
    Set<DesiredAnnouncements.Entry> entries = new HashSet<>();
    for (L2Plan.Claim c : claims.values()) {
      entries.add(
          new DesiredAnnouncements.Entry(
              c.address(),
              c.services().stream().map(ServiceKey::toString).collect(Collectors.toSet()),
              c.interfaces(),
              Map.of()));
    }
    return new DesiredAnnouncements(node, entries);
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    l2.close();
    bgp.ifPresent(Announcer::close);
  }
}
