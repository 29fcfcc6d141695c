package io.ferrolb.domain.announce;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.config.BgpAdvertisement;
import io.ferrolb.domain.config.BgpCommunity;
import io.ferrolb.domain.config.BgpPeer;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.Pool;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * BGP announcement rules as a pure function (MetalLB {@code speaker/bgp_controller.go}): which
 * peers this node talks to, and which prefixes go to each.
 *
 * <ul>
 *   <li>Sessions: every BGPPeer whose node selectors match this node (none = every node).
 *   <li>A service is advertised from this node when its network is available and the node is not
 *       excluded; with externalTrafficPolicy Local only if a serving endpoint runs here, with
 *       Cluster if one runs anywhere.
 *   <li>Its advertisements are the BGPAdvertisements of the address's pool whose service and node
 *       selectors match; each yields the address masked to its aggregation length, sent to its
 *       {@code peers} (none = every session of this node).
 *   <li>Overlapping advertisements of one prefix to one peer unite their communities; disagreeing
 *       LOCAL_PREF values reject the service ("conflictingAdvertisements"). LOCAL_PREF goes to iBGP
 *       peers only.
 *   <li>ferrolb only ({@link ServiceBgpAttributes}): the Service's {@value
 *       ServiceBgpAttributes#COMMUNITIES} are added to every route of it, and its {@value
 *       ServiceBgpAttributes#LOCAL_PREF} replaces the advertisements' LOCAL_PREF (iBGP peers only).
 *       A bad annotation is ignored and reported in {@link BgpPlan.Advertised#warnings()}.
 *   <li>Services of one prefix to one peer (sharing an address, or aggregated by an advertisement's
 *       aggregationLength): their communities are united; if two ask different LOCAL_PREF values,
 *       the first in namespace/name order is advertised and each later one is rejected
 *       ("conflictingAdvertisements", naming both services). An unset LOCAL_PREF agrees with any
 *       value.
 * </ul>
 */
public final class BgpPlanner {
  private BgpPlanner() {}

  private static final Comparator<ServiceKey> KEY_ORDER =
      Comparator.comparing(ServiceKey::namespace).thenComparing(ServiceKey::name);

  public static BgpPlan plan(
      NodeState self,
      Config config,
      Collection<ServiceState> services,
      boolean ignoreExcludeLabel) {
    List<BgpPeer> peers = new ArrayList<>();
    for (BgpPeer p : config.bgpPeers()) {
      if (p.nodeSelectors().isEmpty()
          || LabelSelector.anyMatches(p.nodeSelectors(), self.labels())) {
        peers.add(p);
      }
    }

    // peer -> prefix -> merged route; services in key order so conflicts resolve the same
    // everywhere
    Map<String, Map<Cidr, Part>> routes = new TreeMap<>();
    Map<ServiceKey, BgpPlan.BgpOutcome> decisions = new HashMap<>();
    List<ServiceState> ordered = new ArrayList<>(services);
    ordered.sort(Comparator.comparing(ServiceState::key, KEY_ORDER));
    for (ServiceState svc : ordered) {
      Outcome outcome = routesOf(svc, self, config, peers, ignoreExcludeLabel);
      if (outcome instanceof Rejected r) {
        decisions.put(svc.key(), r.why());
        continue;
      }
      Routes found = (Routes) outcome;
      Map<String, Map<Cidr, Part>> mine = found.byPeer();
      Optional<String> conflict = conflictWith(routes, mine, svc.key());
      if (conflict.isPresent()) {
        decisions.put(
            svc.key(),
            new BgpPlan.NotAdvertised(
                NotAnnouncedReason.CONFLICTING_ADVERTISEMENTS, conflict.get()));
        continue;
      }
      mine.forEach(
          (peer, byPrefix) ->
              byPrefix.forEach(
                  (prefix, r) ->
                      routes
                          .computeIfAbsent(peer, k -> new TreeMap<>())
                          .merge(prefix, r.from(svc.key()), Part::unite)));
      decisions.put(svc.key(), new BgpPlan.Advertised(mine.keySet(), found.warnings()));
    }
    Map<String, Set<BgpRoute>> routesByPeer = new TreeMap<>();
    routes.forEach(
        (peer, byPrefix) ->
            routesByPeer.put(
                peer, Set.copyOf(byPrefix.values().stream().map(Part::route).toList())));
    return new BgpPlan(peers, config.bfdProfiles(), routesByPeer, decisions);
  }

  /** The routes of one service, or why it has none. */
  private sealed interface Outcome permits Routes, Rejected {}

  /** peer name -> prefix -> route, and the problems of the service's annotations. */
  private record Routes(Map<String, Map<Cidr, Part>> byPeer, List<String> warnings)
      implements Outcome {}

  /**
   * A route and who set its LOCAL_PREF ({@code BGPAdvertisement "a"}, the annotation, or, once in
   * the plan, which service asked; empty without LOCAL_PREF), for conflict messages.
   */
  private record Part(BgpRoute route, String localPrefFrom) {
    Part from(ServiceKey svc) {
      return route.localPref().isEmpty()
          ? this
          : new Part(route, "service \"" + svc + "\" (" + localPrefFrom + ")");
    }

    Part unite(Part other) {
      return new Part(
          BgpPlanner.unite(route, other.route),
          route.localPref().isPresent() ? localPrefFrom : other.localPrefFrom);
    }
  }

  private record Rejected(BgpPlan.NotAdvertised why) implements Outcome {}

  private static Outcome routesOf(
      ServiceState svc,
      NodeState self,
      Config config,
      List<BgpPeer> peers,
      boolean ignoreExcludeLabel) {
    if (svc.ingress().isEmpty()) {
      return no(NotAnnouncedReason.NO_ADDRESS, "no address assigned yet");
    }
    if (!self.mayAnnounce(ignoreExcludeLabel)) {
      return no(
          NotAnnouncedReason.NODE_EXCLUDED,
          "node "
              + self.name()
              + (self.networkUnavailable()
                  ? " has NetworkUnavailable=True"
                  : " carries " + NodeState.EXCLUDE_LABEL));
    }
    if (svc.externalTrafficPolicy() == TrafficPolicy.LOCAL) {
      if (!svc.hasServingEndpointOn(self.name())) {
        return no(
            NotAnnouncedReason.NO_LOCAL_ENDPOINT,
            "externalTrafficPolicy Local and no serving endpoint on " + self.name());
      }
    } else if (!svc.hasServingEndpoint()) {
      return no(
          NotAnnouncedReason.NO_SERVING_ENDPOINTS, "no ready or serving endpoint in the cluster");
    }
    ServiceBgpAttributes own = ServiceBgpAttributes.of(svc, config.communities());
    Map<String, Map<Cidr, Part>> out = new TreeMap<>();
    boolean anyAdForPool = false;
    for (IpAddress ip : svc.ingress()) {
      Optional<Pool> pool = config.poolContaining(ip);
      if (pool.isEmpty()) {
        return no(
            NotAnnouncedReason.ADDRESS_NOT_IN_POOL, "address " + ip + " is in no configured pool");
      }
      for (BgpAdvertisement ad : config.bgpAdvertisementsFor(pool.get().name())) {
        if (!ad.serviceSelectors().isEmpty()
            && !LabelSelector.anyMatches(ad.serviceSelectors(), svc.labels())) {
          continue;
        }
        anyAdForPool = true;
        if (!ad.nodeSelectors().isEmpty()
            && !LabelSelector.anyMatches(ad.nodeSelectors(), self.labels())) {
          continue;
        }
        Cidr prefix = Cidr.of(ip, ip.isV4() ? ad.aggregationLength() : ad.aggregationLengthV6());
        for (BgpPeer peer : peers) {
          if (!ad.peers().isEmpty() && !ad.peers().contains(peer.name())) {
            continue;
          }
          OptionalLong localPref = OptionalLong.empty();
          String localPrefFrom = "";
          if (peer.isIbgp() && own.localPref().isPresent()) {
            localPref = own.localPref();
            localPrefFrom = "annotation " + ServiceBgpAttributes.LOCAL_PREF;
          } else if (peer.isIbgp() && ad.localPref().isPresent()) {
            localPref = ad.localPref();
            localPrefFrom = "BGPAdvertisement \"" + ad.name() + "\"";
          }
          Set<BgpCommunity> communities = new LinkedHashSet<>(ad.communities());
          communities.addAll(own.communities());
          Part route = new Part(new BgpRoute(prefix, communities, localPref), localPrefFrom);
          Map<Cidr, Part> byPrefix = out.computeIfAbsent(peer.name(), k -> new TreeMap<>());
          Part prev = byPrefix.get(prefix);
          if (prev != null && disagree(prev.route().localPref(), localPref)) {
            return no(
                NotAnnouncedReason.CONFLICTING_ADVERTISEMENTS,
                "BGPAdvertisements of pool \""
                    + pool.get().name()
                    + "\" give "
                    + prefix
                    + " to peer \""
                    + peer.name()
                    + "\" LOCAL_PREF "
                    + prev.route().localPref().getAsLong()
                    + " and "
                    + localPref.getAsLong()
                    + " (expected: one value)");
          }
          byPrefix.put(prefix, prev == null ? route : prev.unite(route));
        }
      }
    }
    if (!anyAdForPool) {
      return no(
          NotAnnouncedReason.NO_ADVERTISEMENT, "no BGPAdvertisement covers the service's pool");
    }
    if (out.isEmpty()) {
      return no(
          NotAnnouncedReason.NODE_NOT_SELECTED,
          "no BGPAdvertisement selects node " + self.name() + " with a peer it has a session with");
    }
    return new Routes(out, own.errors());
  }

  private static Optional<String> conflictWith(
      Map<String, Map<Cidr, Part>> acc, Map<String, Map<Cidr, Part>> mine, ServiceKey svc) {
    for (var e : mine.entrySet()) {
      Map<Cidr, Part> existing = acc.get(e.getKey());
      if (existing == null) {
        continue;
      }
      for (Part r : e.getValue().values()) {
        Part prev = existing.get(r.route().prefix());
        if (prev != null && disagree(prev.route().localPref(), r.route().localPref())) {
          return Optional.of(
              "prefix "
                  + r.route().prefix()
                  + " to peer \""
                  + e.getKey()
                  + "\": "
                  + prev.localPrefFrom()
                  + " sends LOCAL_PREF "
                  + prev.route().localPref().getAsLong()
                  + ", "
                  + r.from(svc).localPrefFrom()
                  + " asks "
                  + r.route().localPref().getAsLong()
                  + " (expected: one value for the Services of one prefix, as when they share an"
                  + " address or an aggregated prefix; the first in namespace/name order is"
                  + " advertised)");
        }
      }
    }
    return Optional.empty();
  }

  private static boolean disagree(OptionalLong a, OptionalLong b) {
    return a.isPresent() && b.isPresent() && a.getAsLong() != b.getAsLong();
  }

  private static BgpRoute unite(BgpRoute a, BgpRoute b) {
    Set<BgpCommunity> communities = new LinkedHashSet<>(a.communities());
    communities.addAll(b.communities());
    return new BgpRoute(
        a.prefix(),
        new HashSet<>(communities),
        a.localPref().isPresent() ? a.localPref() : b.localPref());
  }

  private static Rejected no(NotAnnouncedReason reason, String detail) {
    return new Rejected(new BgpPlan.NotAdvertised(reason, detail));
  }
}
