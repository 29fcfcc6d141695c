package io.ferrolb.domain.announce;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.L2Advertisement;
import io.ferrolb.domain.config.PreferredNodeSelector;
import io.ferrolb.domain.ownership.NodeElection;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.Pool;
import java.util.ArrayList;
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

/**
 * Layer 2 announcement rules as a pure function (MetalLB {@code speaker/layer2_controller.go}
 * ShouldAnnounce and its election), evaluated identically on every speaker so that exactly one node
 * owns each address:
 *
 * <ol>
 *   <li>the service needs an address in a configured pool and at least one serving endpoint
 *       somewhere;
 *   <li>its advertisements are the L2Advertisements of the address's pool whose service selectors
 *       match; a shared address together with service selectors is not announced;
 *   <li>candidates are the alive nodes whose network is available, without the exclude label
 *       (unless ignored), matching some advertisement's node selectors, and with
 *       externalTrafficPolicy Local only those with a serving endpoint of their own;
 *   <li>the owner is the first candidate by preference weight (descending), then by sha256(node +
 *       "#" + first address) — all addresses of the service, and every service sharing the address,
 *       land on that node;
 *   <li>on the owner, the announcers named by the advertisements that select it (label {@code
 *       ferrolb.io/announcer}, default {@code layer2}) carry the service, each only its own part.
 * </ol>
 */
public final class L2Planner {
  private L2Planner() {}

  /**
   * Plans Layer 2 for node {@code self}, advertisements without an announcer going to {@value
   * L2Plan#DEFAULT_ANNOUNCER}.
   *
   * @param alive node names that membership reports alive (all nodes when membership is off)
   * @param ignoreExcludeLabel true to ignore the exclude-from-external-load-balancers label
   */
  public static L2Plan plan(
      String self,
      Config config,
      Collection<NodeState> nodes,
      Set<String> alive,
      Collection<ServiceState> services,
      boolean ignoreExcludeLabel) {
    return plan(self, config, nodes, alive, services, ignoreExcludeLabel, L2Plan.DEFAULT_ANNOUNCER);
  }

  /**
   * Plans Layer 2 for node {@code self}.
   *
   * <p>The owner of an address is elected once, over every advertisement that applies to the
   * service, whatever announcer each names. On the owner, every distinct announcer named by the
   * advertisements that select the owner node carries the service (so two advertisements naming
   * different announcers both get it, each with the interfaces of its own advertisements); the
   * other advertisements' announcers get nothing, and no other node claims the address.
   *
   * @param alive node names that membership reports alive (all nodes when membership is off)
   * @param ignoreExcludeLabel true to ignore the exclude-from-external-load-balancers label
   * @param defaultAnnouncer the announcer of advertisements that name none (the speaker's {@code
   *     --l2-announcer})
   */
  public static L2Plan plan(
      String self,
      Config config,
      Collection<NodeState> nodes,
      Set<String> alive,
      Collection<ServiceState> services,
      boolean ignoreExcludeLabel,
      String defaultAnnouncer) {
    Map<String, NodeState> byName = new HashMap<>();
    for (NodeState n : nodes) {
      byName.put(n.name(), n);
    }
    ClaimsBuilder all = new ClaimsBuilder();
    Map<String, ClaimsBuilder> perAnnouncer = new TreeMap<>();
    Map<ServiceKey, L2Plan.L2Outcome> decisions = new HashMap<>();

    for (ServiceState svc : services) {
      L2Plan.L2Outcome d = decide(svc, config, byName, alive, ignoreExcludeLabel, defaultAnnouncer);
      decisions.put(svc.key(), d);
      if (d instanceof L2Plan.Announced a && a.node().equals(self)) {
        for (IpAddress ip : svc.ingress()) {
          all.add(ip, svc.key(), a.interfaces());
          a.announcers()
              .forEach(
                  (name, nics) ->
                      perAnnouncer
                          .computeIfAbsent(name, k -> new ClaimsBuilder())
                          .add(ip, svc.key(), nics));
        }
      }
    }
    Map<String, Map<IpAddress, L2Plan.Claim>> byAnnouncer = new TreeMap<>();
    perAnnouncer.forEach((name, b) -> byAnnouncer.put(name, b.build()));
    return new L2Plan(all.build(), byAnnouncer, decisions);
  }

  /** Claims under construction: services per address, interfaces merged. */
  private static final class ClaimsBuilder {
    private final Map<IpAddress, Set<ServiceKey>> services = new LinkedHashMap<>();
    private final Map<IpAddress, Set<String>> interfaces = new HashMap<>();

    void add(IpAddress ip, ServiceKey key, Set<String> nics) {
      services.computeIfAbsent(ip, k -> new TreeSet<>(KEY_ORDER)).add(key);
      mergeInterfaces(interfaces, ip, nics);
    }

    Map<IpAddress, L2Plan.Claim> build() {
      Map<IpAddress, L2Plan.Claim> claims = new LinkedHashMap<>();
      services.forEach(
          (ip, keys) ->
              claims.put(ip, new L2Plan.Claim(ip, keys, interfaces.getOrDefault(ip, Set.of()))));
      return claims;
    }
  }

  private static final java.util.Comparator<ServiceKey> KEY_ORDER =
      java.util.Comparator.comparing(ServiceKey::namespace).thenComparing(ServiceKey::name);

  /** Empty means "all interfaces" and absorbs any restriction. */
  private static void mergeInterfaces(
      Map<IpAddress, Set<String>> acc, IpAddress ip, Set<String> interfaces) {
    Set<String> current = acc.get(ip);
    if (current == null) {
      acc.put(ip, new TreeSet<>(interfaces));
    } else if (current.isEmpty() || interfaces.isEmpty()) {
      current.clear();
    } else {
      current.addAll(interfaces);
    }
  }

  static L2Plan.L2Outcome decide(
      ServiceState svc,
      Config config,
      Map<String, NodeState> nodes,
      Set<String> alive,
      boolean ignoreExcludeLabel,
      String defaultAnnouncer) {
    if (svc.ingress().isEmpty()) {
      return notAnnounced(NotAnnouncedReason.NO_ADDRESS, "no address assigned yet");
    }
    IpAddress first = svc.ingress().get(0);
    Optional<Pool> pool = config.poolContaining(first);
    if (pool.isEmpty()) {
      return notAnnounced(
          NotAnnouncedReason.ADDRESS_NOT_IN_POOL, "address " + first + " is in no configured pool");
    }
    if (!svc.hasServingEndpoint()) {
      return notAnnounced(
          NotAnnouncedReason.NO_SERVING_ENDPOINTS, "no ready or serving endpoint in the cluster");
    }
    List<L2Advertisement> ads = new ArrayList<>();
    for (L2Advertisement ad : config.l2AdvertisementsFor(pool.get().name())) {
      if (ad.serviceSelectors().isEmpty()
          || LabelSelector.anyMatches(ad.serviceSelectors(), svc.labels())) {
        ads.add(ad);
      }
    }
    if (ads.isEmpty()) {
      return notAnnounced(
          NotAnnouncedReason.NO_ADVERTISEMENT,
          "no L2Advertisement covers pool \"" + pool.get().name() + "\" for this service");
    }
    if (svc.sharesIp() && ads.stream().anyMatch(a -> !a.serviceSelectors().isEmpty())) {
      return notAnnounced(
          NotAnnouncedReason.SHARED_IP_WITH_SERVICE_SELECTORS,
          "a shared address cannot be announced through L2Advertisements with serviceSelectors");
    }

    List<String> candidates = new ArrayList<>();
    Map<String, Long> preference = new HashMap<>();
    for (String name : new TreeSet<>(alive)) {
      NodeState node = nodes.get(name);
      if (node == null || !node.mayAnnounce(ignoreExcludeLabel)) {
        continue;
      }
      List<L2Advertisement> matching = adsSelecting(ads, node);
      if (matching.isEmpty()) {
        continue;
      }
      if (svc.externalTrafficPolicy() == TrafficPolicy.LOCAL && !svc.hasServingEndpointOn(name)) {
        continue;
      }
      candidates.add(name);
      preference.put(name, (long) preferenceScore(matching, node));
    }
    Optional<String> owner = NodeElection.elect(candidates, first, preference).winner();
    if (owner.isEmpty()) {
      return notAnnounced(
          NotAnnouncedReason.NO_ELIGIBLE_NODE,
          "no eligible node (alive, network available, not excluded, selected by an"
              + " L2Advertisement"
              + (svc.externalTrafficPolicy() == TrafficPolicy.LOCAL
                  ? ", with a local serving endpoint)"
                  : ")"));
    }
    NodeState winner = nodes.get(owner.get());
    List<L2Advertisement> selecting = adsSelecting(ads, winner);
    Map<String, List<L2Advertisement>> byAnnouncer = new TreeMap<>();
    for (L2Advertisement ad : selecting) {
      byAnnouncer
          .computeIfAbsent(ad.announcer().orElse(defaultAnnouncer), k -> new ArrayList<>())
          .add(ad);
    }
    Map<String, Set<String>> announcers = new TreeMap<>();
    byAnnouncer.forEach((name, group) -> announcers.put(name, interfaces(group)));
    return new L2Plan.Announced(owner.get(), interfaces(selecting), announcers);
  }

  private static List<L2Advertisement> adsSelecting(List<L2Advertisement> ads, NodeState node) {
    List<L2Advertisement> out = new ArrayList<>();
    for (L2Advertisement ad : ads) {
      if (ad.nodeSelectors().isEmpty()
          || LabelSelector.anyMatches(ad.nodeSelectors(), node.labels())) {
        out.add(ad);
      }
    }
    return out;
  }

  /** Weights of matching preferred selectors, summed across selectors and advertisements. */
  private static int preferenceScore(List<L2Advertisement> ads, NodeState node) {
    int score = 0;
    for (L2Advertisement ad : ads) {
      for (PreferredNodeSelector p : ad.preferredNodeSelectors()) {
        if (p.preference().matches(node.labels())) {
          score += p.weight();
        }
      }
    }
    return score;
  }

  /** Union of the advertisements' interfaces; any advertisement without a list means all. */
  private static Set<String> interfaces(List<L2Advertisement> ads) {
    Set<String> out = new HashSet<>();
    for (L2Advertisement ad : ads) {
      if (ad.interfaces().isEmpty()) {
        return Set.of();
      }
      out.addAll(ad.interfaces());
    }
    return out;
  }

  private static L2Plan.NotAnnounced notAnnounced(NotAnnouncedReason reason, String detail) {
    return new L2Plan.NotAnnounced(reason, detail);
  }
}
