package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.AdRefs;
import io.ferrolb.domain.config.Drafts.BgpAdDraft;
import io.ferrolb.domain.config.Drafts.L2Draft;
import io.ferrolb.domain.pool.LabelSelector;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of one L2Advertisement or BGPAdvertisement (CRD or legacy ConfigMap): pool references,
 * selectors, interfaces, the announcer label, aggregation lengths, LOCAL_PREF and communities as
 * written. What the references resolve to is checked once every object is read ({@link
 * CrossObjectChecks}).
 */
final class AdvertisementRules {

  private final ParseState state;
  private final List<L2Draft> l2Ads;
  private final List<BgpAdDraft> bgpAds;

  AdvertisementRules(ParseState state) {
    this.state = state;
    this.l2Ads = state.l2Ads;
    this.bgpAds = state.bgpAds;
  }

  void readL2(FieldReader r, RawObject o) {
    Map<String, Object> spec = o.spec();
    r.onlyKnown(
        spec,
        "spec",
        "ipAddressPools",
        "ipAddressPoolSelectors",
        "nodeSelectors",
        "interfaces",
        "serviceSelectors",
        "preferredNodeSelectors");
    if (!state.define("L2Advertisement", o.name(), r, "metadata.name")) {
      return;
    }
    AdRefs refs = adRefs(r, o.name(), spec);
    ImmutableL2Advertisement.Builder b =
        ImmutableL2Advertisement.builder()
            .name(o.name())
            .ipAddressPools(refs.poolNames.values())
            .ipAddressPoolSelectors(refs.poolSelectors)
            .nodeSelectors(r.selectors(spec, "nodeSelectors", "spec"))
            .serviceSelectors(r.selectors(spec, "serviceSelectors", "spec"));
    String announcer = o.labels().get(L2Advertisement.ANNOUNCER_LABEL);
    if (announcer != null) {
      announcerName(r, announcer).ifPresent(b::announcer);
    }
    r.indexedStrList(spec, "interfaces", "spec")
        .forEach(
            (i, nic) -> {
              // Linux: IFNAMSIZ 16 including the terminating NUL
              if (nic.isEmpty() || nic.length() > 15 || nic.matches(".*[\\s/:].*")) {
                // MetalLB takes any string; kept, so the list still excludes other interfaces
                r.warn(
                    FieldReader.at("spec.interfaces", i),
                    nic,
                    "no Linux interface can have this name, so none is chosen by it (expected: 1..15"
                        + " characters, no whitespace, '/' or ':')");
              }
              b.addInterfaces(nic);
            });
    r.mapList(spec, "preferredNodeSelectors", "spec")
        .forEach(
            (i, m) -> {
              String p = FieldReader.at("spec.preferredNodeSelectors", i);
              r.onlyKnown(m, p, "weight", "preference");
              Optional<Long> w = r.lng(m, "weight", p, 1, 100);
              if (!m.containsKey("weight")) {
                r.error(FieldReader.at(p, "weight"), null, "missing (expected: 1..100)");
              }
              Optional<LabelSelector> pref =
                  r.map(m, "preference", p)
                      .flatMap(x -> r.selector(x, FieldReader.at(p, "preference")));
              if (!m.containsKey("preference")) {
                r.error(
                    FieldReader.at(p, "preference"), null, "missing (expected: a label selector)");
              }
              if (w.isPresent() && pref.isPresent()) {
                b.addPreferredNodeSelectors(
                    new PreferredNodeSelector((int) (long) w.get(), pref.get()));
              }
            });
    l2Ads.add(new L2Draft(refs, b));
  }

  /** Longest announcer name: a Kubernetes label value's limit (and a DNS-1123 label's). */
  private static final int MAX_ANNOUNCER_NAME = 63;

  /**
   * Checks the announcer named by an L2Advertisement's label: a DNS-1123 label (what provider names
   * look like: {@code layer2}, {@code log}, {@code webhook}), and not {@code bgp}, which is chosen
   * by BGPAdvertisements, never by an L2Advertisement.
   */
  private static Optional<String> announcerName(FieldReader r, String name) {
    String field = "metadata.labels[\"" + L2Advertisement.ANNOUNCER_LABEL + "\"]";
    if (name.isEmpty()
        || name.length() > MAX_ANNOUNCER_NAME
        || !name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      r.error(
          field,
          name,
          "invalid announcer name (expected: 1..63 lower case alphanumerics or '-', starting and"
              + " ending with an alphanumeric, such as layer2 or a plugin's name)");
      return Optional.empty();
    }
    if (name.equals("bgp")) {
      r.error(
          field,
          name,
          "bgp is chosen by BGPAdvertisements, not by an L2Advertisement (expected: layer2 or a"
              + " plugin's name)");
      return Optional.empty();
    }
    return Optional.of(name);
  }

  private AdRefs adRefs(FieldReader r, String name, Map<String, Object> spec) {
    AdRefs refs = new AdRefs(r.src, name, "spec", false);
    refs.poolsField = "spec.ipAddressPools";
    refs.poolNames =
        onlyOnce(r, r.indexedStrList(spec, "ipAddressPools", "spec"), refs.poolsField, "pool name");
    refs.poolSelectorsGiven = spec.containsKey("ipAddressPoolSelectors");
    refs.poolSelectors = r.selectors(spec, "ipAddressPoolSelectors", "spec");
    return refs;
  }

  void readBgpAdCrd(FieldReader r, RawObject o) {
    Map<String, Object> spec = o.spec();
    r.onlyKnown(
        spec,
        "spec",
        "aggregationLength",
        "aggregationLengthV6",
        "localPref",
        "communities",
        "ipAddressPools",
        "ipAddressPoolSelectors",
        "nodeSelectors",
        "peers",
        "serviceSelectors");
    if (!state.define("BGPAdvertisement", o.name(), r, "metadata.name")) {
      return;
    }
    if (o.labels().containsKey(L2Advertisement.ANNOUNCER_LABEL)) {
      r.warn(
          "metadata.labels[\"" + L2Advertisement.ANNOUNCER_LABEL + "\"]",
          o.labels().get(L2Advertisement.ANNOUNCER_LABEL),
          "has no effect on a BGPAdvertisement: BGP routes always go to the BGP speaker"
              + " (expected: the label on an L2Advertisement)");
    }
    AdRefs refs = adRefs(r, o.name(), spec);
    BgpAdDraft d =
        bgpAd(
            r,
            refs,
            spec,
            "spec",
            "aggregationLength",
            "aggregationLengthV6",
            "localPref",
            "communities");
    d.peersField = "spec.peers";
    d.peers = onlyOnce(r, r.indexedStrList(spec, "peers", "spec"), d.peersField, "peer name");
    d.nodeSelectors = r.selectors(spec, "nodeSelectors", "spec");
    d.builder
        .ipAddressPools(refs.poolNames.values())
        .ipAddressPoolSelectors(refs.poolSelectors)
        .nodeSelectors(d.nodeSelectors)
        .peers(d.peers.values());
    List<LabelSelector> svc = r.selectors(spec, "serviceSelectors", "spec");
    d.builder.serviceSelectors(svc);
    d.hasServiceSelectors = !svc.isEmpty();
    if (spec.containsKey("serviceSelectors")
        && (d.aggregationLength != BgpAdvertisement.DEFAULT_AGGREGATION_LENGTH
            || d.aggregationLengthV6 != BgpAdvertisement.DEFAULT_AGGREGATION_LENGTH_V6)) {
      r.error(
          "spec.serviceSelectors",
          null,
          "only allowed with the default aggregationLength 32 and aggregationLengthV6 128"
              + " (an aggregated prefix serves more than the selected services)");
    }
    bgpAds.add(d);
  }

  /** The parts of a BGP advertisement common to CRDs and the legacy ConfigMap. */
  BgpAdDraft bgpAd(
      FieldReader r,
      AdRefs refs,
      Map<String, Object> m,
      String path,
      String aggKey,
      String aggV6Key,
      String localPrefKey,
      String communitiesKey) {
    BgpAdDraft d = new BgpAdDraft(refs, ImmutableBgpAdvertisement.builder().name(refs.name));
    d.aggregationField = FieldReader.at(path, aggKey);
    d.aggregationV6Field = FieldReader.at(path, aggV6Key);
    // MetalLB: the CRD schema has minimum 1 for aggregationLength only; the legacy ConfigMap and
    // aggregationLengthV6 take any int up to the maximum (a too short one fails the pool check)
    long minV4 = refs.legacy ? Integer.MIN_VALUE : 1;
    r.lng(m, aggKey, path, minV4, 32).ifPresent(v -> d.aggregationLength = (int) (long) v);
    r.lng(m, aggV6Key, path, Integer.MIN_VALUE, 128)
        .ifPresent(v -> d.aggregationLengthV6 = (int) (long) v);
    d.builder.aggregationLength(d.aggregationLength).aggregationLengthV6(d.aggregationLengthV6);
    d.localPrefField = FieldReader.at(path, localPrefKey);
    Optional<Long> lp = r.lng(m, localPrefKey, path, 0, 0xFFFF_FFFFL);
    lp.ifPresent(v -> d.builder.localPref(v));
    d.hasLocalPref = lp.isPresent();
    d.localPref = lp.orElse(0L);
    d.communitiesField = FieldReader.at(path, communitiesKey);
    d.communities =
        onlyOnce(r, r.indexedStrList(m, communitiesKey, path), d.communitiesField, "community");
    return d;
  }

  /**
   * The list without repeated entries; each repeat is an error, as in MetalLB's {@code
   * validateDuplicate} (ipAddressPools, peers and communities of an advertisement).
   */
  static Map<Integer, String> onlyOnce(
      FieldReader r, Map<Integer, String> list, String field, String what) {
    Map<String, Integer> first = new HashMap<>();
    Map<Integer, String> out = new LinkedHashMap<>();
    list.forEach(
        (i, v) -> {
          Integer at = first.putIfAbsent(v, i);
          if (at != null) {
            r.error(
                FieldReader.at(field, i),
                v,
                "duplicate "
                    + what
                    + " (first at "
                    + FieldReader.at(field, at)
                    + "; expected: each "
                    + what
                    + " once)");
          } else {
            out.put(i, v);
          }
        });
    return out;
  }

  void addLegacyL2(AdRefs refs, String pool) {
    refs.resolvedPools.add(pool);
    l2Ads.add(
        new L2Draft(
            refs,
            ImmutableL2Advertisement.builder()
                .name(refs.name)
                .addIpAddressPools(pool)
                .fromLegacyConfig(true)));
  }

  void addLegacyBgp(BgpAdDraft d, String pool) {
    d.refs.resolvedPools.add(pool);
    d.builder.addIpAddressPools(pool).fromLegacyConfig(true);
    bgpAds.add(d);
  }
}
