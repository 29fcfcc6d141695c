package io.ferrolb.adapters.bgp.rib;

import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.codec.PathAttribute;
import io.ferrolb.adapters.bgp.codec.Update;
import io.ferrolb.adapters.bgp.codec.UpdatePacker;
import io.ferrolb.domain.pool.Cidr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Adj-RIB-Out as a pure function: what was sent to a peer and what should be, in; the UPDATEs
 * that take the peer from one to the other, out. Withdrawals come first (one batch per family),
 * then the announcements, one group per distinct {@link Route} (in the order the group's first
 * prefix appears in {@code wanted}), each group's prefixes sorted and packed into as few UPDATEs as
 * fit ({@link UpdatePacker}). A prefix whose route did not change is not sent again.
 */
public final class RouteDiff {
  /** LOCAL_PREF on iBGP without a configured value: RFC 4271 §5.1.5, the common default. */
  static final long DEFAULT_IBGP_LOCAL_PREF = 100;

  /**
   * How this speaker writes the path attributes on one session.
   *
   * @param ibgp an empty AS_PATH and a LOCAL_PREF (RFC 4271 §5.1.2, §5.1.5); else AS_PATH [myAsn]
   * @param fourOctetAs negotiated four-octet AS numbers (RFC 6793)
   */
  public record Export(long myAsn, boolean ibgp, boolean fourOctetAs) {}

  private RouteDiff() {}

  /** The UPDATEs that turn {@code sent} into {@code wanted}: withdrawals, then announcements. */
  public static List<Update> diff(Map<Cidr, Route> sent, Map<Cidr, Route> wanted, Export export) {
    Map<AddressFamily, List<Cidr>> withdraw = new LinkedHashMap<>();
    for (Cidr c : sent.keySet()) {
      if (!wanted.containsKey(c)) {
        withdraw.computeIfAbsent(AddressFamily.unicast(c.family()), k -> new ArrayList<>()).add(c);
      }
    }
    Map<Route, List<Cidr>> announce = new LinkedHashMap<>();
    for (Map.Entry<Cidr, Route> e : wanted.entrySet()) {
      if (!e.getValue().equals(sent.get(e.getKey()))) {
        announce.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
      }
    }
    List<Update> out = new ArrayList<>();
    for (Map.Entry<AddressFamily, List<Cidr>> e : withdraw.entrySet()) {
      out.addAll(UpdatePacker.withdraw(e.getKey(), e.getValue()));
    }
    announce(announce, export, out);
    return out;
  }

  /**
   * The UPDATEs announcing again everything of {@code family} in {@code sent}: the answer to a
   * ROUTE-REFRESH (RFC 2918 §4).
   */
  public static List<Update> resend(Map<Cidr, Route> sent, AddressFamily family, Export export) {
    Map<Route, List<Cidr>> groups = new LinkedHashMap<>();
    for (Map.Entry<Cidr, Route> e : sent.entrySet()) {
      if (AddressFamily.unicast(e.getKey().family()).equals(family)) {
        groups.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
      }
    }
    List<Update> out = new ArrayList<>();
    announce(groups, export, out);
    return out;
  }

  private static void announce(Map<Route, List<Cidr>> groups, Export export, List<Update> out) {
    for (Map.Entry<Route, List<Cidr>> e : groups.entrySet()) {
      Route r = e.getKey();
      List<PathAttribute> common = new ArrayList<>();
      common.add(PathAttribute.Origin.IGP);
      common.add(
          export.ibgp()
              ? PathAttribute.AsPath.EMPTY
              : PathAttribute.AsPath.sequence(export.myAsn()));
      if (export.ibgp()) {
        common.add(new PathAttribute.LocalPref(r.localPref().orElse(DEFAULT_IBGP_LOCAL_PREF)));
      }
      if (!r.communities().isEmpty()) {
        common.add(new PathAttribute.Communities(r.communities()));
      }
      if (!r.largeCommunities().isEmpty()) {
        common.add(new PathAttribute.LargeCommunities(r.largeCommunities()));
      }
      List<Cidr> prefixes = e.getValue();
      prefixes.sort(null);
      out.addAll(
          UpdatePacker.announce(
              common,
              AddressFamily.unicast(r.family()),
              r.nextHop(),
              r.linkLocal(),
              prefixes,
              export.fourOctetAs()));
    }
  }
}
