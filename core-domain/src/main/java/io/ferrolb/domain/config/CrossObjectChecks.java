package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.AdRefs;
import io.ferrolb.domain.config.Drafts.BgpAdDraft;
import io.ferrolb.domain.config.Drafts.PeerDraft;
import io.ferrolb.domain.config.Drafts.PoolDraft;
import io.ferrolb.domain.config.Drafts.RangeAt;
import io.ferrolb.domain.config.Problems.Src;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.Pool;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks that need every object read: address overlaps between pools, which pools an
 * advertisement selects, aggregation lengths against the pools, peers an advertisement names, and
 * the conflicts MetalLB rejects when two advertisements or two peers can meet on one node.
 */
final class CrossObjectChecks {

  private final Problems problems;
  private final List<PoolDraft> pools;
  private final List<BgpAdDraft> bgpAds;
  private final List<PeerDraft> peers;

  CrossObjectChecks(ParseState state) {
    this.problems = state.problems;
    this.pools = state.pools;
    this.bgpAds = state.bgpAds;
    this.peers = state.peers;
  }

  void checkOverlaps() {
    record Entry(PoolDraft pool, RangeAt at) {}
    List<Entry> all = new ArrayList<>();
    for (PoolDraft p : pools) {
      for (RangeAt a : p.ranges()) {
        all.add(new Entry(p, a));
      }
    }
    all.sort(Comparator.comparing((Entry e) -> e.at().range()));
    // sweep: compare each range with the one reaching furthest so far
    Entry reach = null;
    for (Entry e : all) {
      if (reach != null && reach.at().range().overlaps(e.at().range())) {
        Entry first = reach;
        Entry second = e;
        String other =
            first.pool() == second.pool()
                ? first.at().field() + " \"" + first.at().text() + "\" of the same pool"
                : first.at().field()
                    + " \""
                    + first.at().text()
                    + "\" of "
                    + first.pool().src().object()
                    + (first.pool().src().origin().isEmpty()
                        ? ""
                        : " at " + first.pool().src().origin());
        problems.error(
            second.pool().src(),
            second.at().field(),
            second.at().text(),
            "overlaps "
                + other
                + " (pool \""
                + second.pool().name()
                + "\" vs pool \""
                + first.pool().name()
                + "\"; expected: disjoint address ranges across all pools)");
      }
      if (reach == null
          || reach.at().range().family() != e.at().range().family()
          || e.at().range().last().compareTo(reach.at().range().last()) > 0) {
        reach = e;
      }
    }
  }

  void resolvePools(AdRefs refs, Map<String, PoolDraft> poolsByName, String kind) {
    if (refs.legacy) {
      return; // a legacy ad belongs to its own pool, resolved when read
    }
    FieldReader r = new FieldReader(refs.src, problems, false);
    Set<String> chosen = new LinkedHashSet<>();
    refs.poolNames.forEach(
        (i, name) -> {
          if (!poolsByName.containsKey(name)) {
            // MetalLB skips a name that points nowhere (the pool may be created later)
            r.warn(
                FieldReader.at(refs.poolsField, i),
                name,
                "no IPAddressPool of that name: skipped until one is created, as MetalLB does"
                    + " (expected one of: "
                    + (poolsByName.isEmpty()
                        ? "none defined"
                        : String.join(", ", poolsByName.keySet()))
                    + ")");
          } else {
            chosen.add(name);
          }
        });
    boolean anySelectorMatched = false;
    for (PoolDraft p : poolsByName.values()) {
      Map<String, String> labels = p.pool().map(Pool::labels).orElse(Map.of());
      if (!refs.poolSelectors.isEmpty() && LabelSelector.anyMatches(refs.poolSelectors, labels)) {
        chosen.add(p.name());
        anySelectorMatched = true;
      }
    }
    if (refs.poolSelectorsGiven && !refs.poolSelectors.isEmpty() && !anySelectorMatched) {
      r.warn(
          "spec.ipAddressPoolSelectors",
          null,
          "matches no IPAddressPool: this " + kind + " announces nothing");
    }
    if (refs.poolNames.isEmpty() && !refs.poolSelectorsGiven) {
      chosen.addAll(poolsByName.keySet());
    }
    for (String name : poolsByName.keySet()) {
      if (chosen.contains(name)) {
        refs.resolvedPools.add(name);
      }
    }
  }

  /**
   * MetalLB's rule ({@code validateBGPAdvPerPool}, {@code lowestMask}): each address entry of the
   * pool is split into CIDRs, and the aggregation length must not be shorter than the shortest
   * prefix among them. A range {@code .2-.254} holds a /26, so aggregation 26 is accepted (the
   * announced /26 then also covers addresses outside the pool, as in MetalLB), 25 is not.
   */
  void checkAggregation(FieldReader r, BgpAdDraft d, Map<String, PoolDraft> poolsByName) {
    for (String poolName : d.refs.resolvedPools) {
      PoolDraft p = poolsByName.get(poolName);
      if (p == null) {
        continue;
      }
      for (RangeAt a : p.ranges()) {
        IpFamily fam = a.range().family();
        int agg = fam == IpFamily.IPV4 ? d.aggregationLength : d.aggregationLengthV6;
        List<Cidr> cidrs = a.range().toCidrs();
        int lowest = cidrs.stream().mapToInt(Cidr::prefixLength).min().orElse(fam.bits());
        if (agg < lowest) {
          r.error(
              fam == IpFamily.IPV4 ? d.aggregationField : d.aggregationV6Field,
              String.valueOf(agg),
              "pool \""
                  + poolName
                  + "\" has "
                  + a.field()
                  + " \""
                  + a.text()
                  + (cidrs.size() == 1 ? "\"" : "\" whose largest CIDR is a /" + lowest)
                  + ", more specific than /"
                  + agg
                  + " (expected: >= "
                  + lowest
                  + " for this "
                  + fam.k8sName()
                  + " entry)");
          return;
        }
      }
    }
  }

  void checkPeerRefs(FieldReader r, BgpAdDraft d, Map<String, PeerDraft> peersByName) {
    List<PeerDraft> targets = new ArrayList<>();
    d.peers.forEach(
        (i, name) -> {
          PeerDraft p = peersByName.get(name);
          if (p == null) {
            // MetalLB does not check these names: nothing is announced to a peer that is absent
            r.warn(
                FieldReader.at(d.peersField, i),
                name,
                "no BGPPeer of that name: nothing is announced to it until one is created, as"
                    + " MetalLB does (expected one of: "
                    + (peersByName.isEmpty()
                        ? "none defined"
                        : String.join(", ", peersByName.keySet()))
                    + ")");
          } else {
            targets.add(p);
          }
        });
    if (d.peers.isEmpty()) {
      targets.addAll(peersByName.values());
    }
    if (d.hasLocalPref && !targets.isEmpty() && targets.stream().noneMatch(p -> p.ibgp)) {
      r.warn(
          d.localPrefField,
          null,
          "has no effect: LOCAL_PREF is sent on iBGP sessions only, and every peer of this"
              + " advertisement is eBGP");
    }
  }

  /**
   * MetalLB's {@code BGPAdvertisementsHaveCompatibleLocalPref}, checked per pool at parse time: two
   * advertisements of one pool conflict when their LOCAL_PREF differs (an unset one is 0) and they
   * can produce the same route to the same peer from the same node: equal aggregation for one of
   * the pool's families, a shared peer (an empty peer list is every peer), overlapping nodes.
   * Advertisements with service selectors are exempt. Nodes are judged from the selectors (see
   * {@link NodeOverlap}): a certain overlap is an error, a possible one a warning.
   */
  void checkLocalPrefConflicts(Map<String, PoolDraft> poolsByName) {
    Set<String> reported = new java.util.HashSet<>();
    for (int i = 0; i < bgpAds.size(); i++) {
      BgpAdDraft a = bgpAds.get(i);
      if (a.refs.legacy || a.hasServiceSelectors) {
        continue;
      }
      for (int j = 0; j < i; j++) {
        BgpAdDraft b = bgpAds.get(j);
        if (b.refs.legacy || b.hasServiceSelectors || a.localPref == b.localPref) {
          continue;
        }
        for (String pool : a.refs.resolvedPools) {
          PoolDraft p = poolsByName.get(pool);
          if (p == null
              || !b.refs.resolvedPools.contains(pool)
              || aggregationDiffers(a, b, p)
              || !peersShared(a, b)) {
            continue;
          }
          NodeOverlap nodes = NodeOverlap.of(a.nodeSelectors, b.nodeSelectors);
          if (nodes == NodeOverlap.DISJOINT || !reported.add(i + "/" + j)) {
            continue;
          }
          String msg =
              "conflicts with localPref "
                  + b.localPref
                  + " of "
                  + b.refs.src.object()
                  + " for pool \""
                  + pool
                  + "\" on "
                  + (a.peers.isEmpty() || b.peers.isEmpty() ? "the same peers" : "a shared peer");
          byOverlap(
              nodes,
              a.refs.src,
              a.localPrefField,
              String.valueOf(a.localPref),
              msg
                  + " and nodes: MetalLB rejects this (expected: equal localPref, or different"
                  + " aggregation, peers or nodes)",
              msg
                  + ": if a node matches the nodeSelectors of both, MetalLB rejects this and"
                  + " ferrolb announces neither there (expected: disjoint nodeSelectors)");
        }
      }
    }
  }

  /**
   * Two BGPPeers that can run on one node: MetalLB (FRR mode, its default) rejects the same peer
   * identity (address or interface, and VRF; the port does not count) twice. It also rejects
   * different router IDs and, in one VRF, different myASN; ferrolb's native speaker runs those, so
   * they are warnings. A possible but uncertain overlap of the node selectors is a warning.
   */
  void checkPeersSharingNodes() {
    for (int i = 0; i < peers.size(); i++) {
      PeerDraft p = peers.get(i);
      for (int j = 0; j < i; j++) {
        PeerDraft q = peers.get(j);
        NodeOverlap nodes = NodeOverlap.of(p.nodeSelectors, q.nodeSelectors);
        if (nodes == NodeOverlap.DISJOINT) {
          continue;
        }
        String other = "BGPPeer \"" + q.name + "\"";
        if (p.sessionKey.equals(q.sessionKey) && !p.sessionKey.isEmpty()) {
          String what =
              "same peer as "
                  + other
                  + " ("
                  + p.sessionKey
                  + ") on "
                  + (nodes == NodeOverlap.CERTAIN ? "the same nodes" : "nodes both may select");
          byOverlap(
              nodes,
              p.src,
              p.sessionField,
              p.peerAddressText.isEmpty() ? p.sessionKey : p.peerAddressText,
              what + ": MetalLB rejects this (expected: one BGPPeer per peer and node)",
              what
                  + ": if a node matches both nodeSelectors, MetalLB rejects this (expected:"
                  + " disjoint nodeSelectors)");
          continue;
        }
        if (!p.routerId.equals(q.routerId)) {
          problems.warn(
              p.src,
              p.routerIdField,
              p.routerId,
              "differs from routerID \""
                  + q.routerId
                  + "\" of "
                  + other
                  + " on shared nodes: accepted by ferrolb's native speaker, rejected by MetalLB"
                  + " in FRR mode");
        } else if (p.myAsn != q.myAsn && p.vrf.equals(q.vrf) && p.myAsn >= 0 && q.myAsn >= 0) {
          problems.warn(
              p.src,
              p.myAsnField,
              String.valueOf(p.myAsn),
              "differs from myASN "
                  + q.myAsn
                  + " of "
                  + other
                  + " on shared nodes: accepted by ferrolb's native speaker, rejected by MetalLB"
                  + " in FRR mode");
        }
      }
    }
  }

  /**
   * A conflict MetalLB rejects when some Node matches both selectors: an error when the selectors
   * overlap for certain, a warning when they only may.
   */
  private void byOverlap(
      NodeOverlap nodes, Src src, String field, String value, String certain, String possible) {
    if (nodes == NodeOverlap.CERTAIN) {
      problems.error(src, field, value, certain);
    } else {
      problems.warn(src, field, value, possible);
    }
  }

  /** MetalLB's {@code isAggrLengthDifferent}: the lengths differ for every family of the pool. */
  private static boolean aggregationDiffers(BgpAdDraft a, BgpAdDraft b, PoolDraft p) {
    boolean v4 = p.ranges().stream().anyMatch(x -> x.range().family() == IpFamily.IPV4);
    boolean v6 = p.ranges().stream().anyMatch(x -> x.range().family() == IpFamily.IPV6);
    boolean d4 = a.aggregationLength != b.aggregationLength;
    boolean d6 = a.aggregationLengthV6 != b.aggregationLengthV6;
    if (!v4 && !v6) {
      return true;
    }
    return (d4 && !v6) || (d6 && !v4) || (d4 && d6);
  }

  /** An empty peer list is every peer; otherwise the lists must share a name. */
  private static boolean peersShared(BgpAdDraft a, BgpAdDraft b) {
    return a.peers.isEmpty()
        || b.peers.isEmpty()
        || a.peers.values().stream().anyMatch(b.peers.values()::contains);
  }
}
