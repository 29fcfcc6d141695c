package io.ferrolb.app.speaker;

import static io.ferrolb.app.speaker.AnnouncementEvents.KEY_ORDER;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.BgpPlan;
import io.ferrolb.domain.announce.BgpPlanner;
import io.ferrolb.domain.announce.L2Plan;
import io.ferrolb.domain.announce.L2Planner;
import io.ferrolb.domain.announce.NodeState;
import io.ferrolb.domain.announce.NotAnnouncedReason;
import io.ferrolb.domain.announce.ServiceState;
import io.ferrolb.domain.config.Config;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker's use case: one pass recomputes this node's whole plan from the caches (config,
 * nodes, services, gossip membership), hands it to the announcers, which converge, and publishes
 * the outcome (status objects, events for changes, metrics). Synchronous and thread-free; {@link
 * SpeakerLoop} runs it on its thread whenever something changed.
 */
final class ReconcileNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileNode.class);
  static final String LAYER2 = "layer2";
  static final String BGP = "bgp";

  private final SpeakerSettings settings;
  private final SpeakerView view;
  private final SpeakerMembership membership;
  private final NodeAddress address;
  private final L2Announcers l2;
  private final Optional<Announcer> bgp;
  private final AnnouncementStatusWriter status;
  private final AnnouncementEvents reports;
  private final SpeakerConfig config;
  private final SpeakerMetrics metrics;

  private Map<ServiceKey, Set<String>> announcedL2 = Map.of();
  private Map<ServiceKey, Set<String>> announcedBgp = Map.of();
  // the next pass writes the status objects although nothing changed, so one deleted by someone
  // else comes back: set by a resync, and for the first pass, which also removes what an earlier
  // pod of this node left and no longer holds
  private boolean statusResyncDue = true;
  private volatile long completedPasses;
  private volatile boolean announcing;

  /**
   * @param l2 the Layer 2 announcers: each gets the claims of the L2Advertisements that name it (or
   *     of those naming none, for the default one)
   * @param bgp the announcer named {@value #BGP}, given the BGP plan, if this speaker runs BGP
   */
  ReconcileNode(
      SpeakerSettings settings,
      SpeakerView view,
      SpeakerMembership membership,
      NodeAddress address,
      L2Announcers l2,
      Optional<Announcer> bgp,
      AnnouncementStatusWriter status,
      ClusterEvents events,
      ConfigStatusWriter configStatus,
      SpeakerMetrics metrics) {
    this.settings = settings;
    this.view = view;
    this.membership = membership;
    this.address = address;
    this.l2 = l2;
    this.bgp = bgp;
    this.status = status;
    this.reports = new AnnouncementEvents(settings.node(), view, events);
    this.config = new SpeakerConfig(settings, view, configStatus, metrics);
    this.metrics = metrics;
  }

  /**
   * Makes the next pass write the status objects (ServiceL2Status, ServiceBGPStatus,
   * ConfigurationState) even when they did not change: the writers compare with what is stored and
   * create what is missing.
   */
  void requestStatusResync() {
    statusResyncDue = true;
  }

  /**
   * True once a pass on synced caches has handed its plan to the announcers (or found nothing to
   * announce). Status objects and events written after that do not delay readiness. Any thread.
   */
  boolean ready() {
    return announcing || completedPasses > 0;
  }

  /** One pass; false when something failed and a retry is due. */
  boolean reconcile() {
    if (!view.synced()) {
      return true; // the view reports a change once synced
    }
    boolean ok = pass();
    completedPasses++;
    return ok;
  }

  private boolean pass() {
    Optional<Config> cfg = config.load(statusResyncDue);
    Collection<NodeState> nodes = view.nodes();
    Optional<NodeState> self =
        nodes.stream().filter(n -> n.name().equals(settings.node())).findFirst();
    Collection<ServiceState> services = view.services();
    membership.update(view, nodes, address.refresh(view));

    if (cfg.isEmpty() || self.isEmpty()) {
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
            .current()
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
            cfg.get(),
            nodes,
            verdict.candidates(),
            services,
            settings.ignoreExcludeLabel(),
            l2.defaultName());
    Map<ServiceKey, Set<String>> l2Now = new TreeMap<>(KEY_ORDER);
    boolean l2Ok = applyL2(l2Plan, cfg.get(), l2Now);

    BgpPlan bgpPlan =
        BgpPlanner.plan(self.get(), cfg.get(), services, settings.ignoreExcludeLabel());
    bgp.ifPresent(b -> b.apply(DesiredAnnouncements.ofBgp(settings.node(), bgpPlan)));
    announcing = true; // ready: the plan is in the announcers; status objects follow
    reports.reportBgpProblems(bgpPlan);

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
    publish(l2Now, bgpNow, ips, unannounced(l2Plan, cfg.get()) + notCarried);
    metrics.sessions(sessionsUp());
    return l2Ok;
  }

  /** Every announcer of this speaker by name: the Layer 2 ones created so far, then BGP's. */
  private Map<String, Announcer> announcers() {
    Map<String, Announcer> all = new LinkedHashMap<>(l2.created());
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
    Set<String> names = new TreeSet<>(plan.claimsByAnnouncer().keySet());
    names.addAll(l2.created().keySet());
    boolean ok = true;
    for (String name : names) {
      Map<IpAddress, L2Plan.Claim> claims = plan.claimsFor(name);
      L2Announcers.Lookup lookup = l2.get(name);
      if (lookup instanceof L2Announcers.Unavailable u) {
        reports.reportUnavailable(name, u.reason(), claims, config);
        continue;
      }
      reports.available(name);
      Announcer a = ((L2Announcers.Available) lookup).announcer();
      ApplyReport report = a.apply(toDesired(settings.node(), claims));
      reports.reportL2Failure(name, report, claims);
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
    Set<String> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  /** Status objects, events for changes only (never one per pass), metrics. */
  private void publish(
      Map<ServiceKey, Set<String>> l2Now,
      Map<ServiceKey, Set<String>> bgpNow,
      Map<ServiceKey, List<IpAddress>> ips,
      long unannounced) {
    if (!l2Now.equals(announcedL2)) {
      status.layer2(settings.node(), l2Now);
      reports.announceChanges(LAYER2, announcedL2, l2Now);
      announcedL2 = Map.copyOf(l2Now);
    } else if (statusResyncDue) {
      status.layer2(settings.node(), l2Now);
    }
    if (!bgpNow.equals(announcedBgp)) {
      status.bgp(settings.node(), bgpNow);
      reports.announceChanges(BGP, announcedBgp, bgpNow);
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
                        && n.reason() == NotAnnouncedReason.NO_ADVERTISEMENT
                        && !config.bgpAdvertisements().isEmpty())
            .count();
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

  /** Closes the announcers (withdrawing what they announce) and leaves gossip. */
  @Override
  public void close() {
    l2.close();
    bgp.ifPresent(Announcer::close);
    membership.close();
  }
}
