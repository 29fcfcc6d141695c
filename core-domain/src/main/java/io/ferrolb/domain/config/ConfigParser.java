package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.AdRefs;
import io.ferrolb.domain.config.Drafts.BgpAdDraft;
import io.ferrolb.domain.config.Drafts.Defined;
import io.ferrolb.domain.config.Drafts.L2Draft;
import io.ferrolb.domain.config.Drafts.PeerDraft;
import io.ferrolb.domain.config.Drafts.PoolDraft;
import io.ferrolb.domain.config.Drafts.RangeAt;
import io.ferrolb.domain.config.Problems.Src;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.Pool;
import io.ferrolb.domain.pool.ServiceAllocation;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses and validates MetalLB configuration objects (CRDs and the legacy ConfigMap) into one
 * {@link Config}. Pure: no I/O; every error of every object is collected in one pass.
 *
 * <p>Unknown fields are errors, not warnings: MetalLB reads the legacy ConfigMap with strict YAML
 * decoding (an unknown key fails the whole config), and for CRDs the API server's strict field
 * validation rejects them too; a silently ignored typo ({@code autoassign: false}) would hand out
 * addresses the operator meant to reserve.
 */
public final class ConfigParser {

  static final String GROUP_VERSION = "metallb.io/v1beta1";
  static final String PEER_V2 = "metallb.io/v1beta2";

  private static final List<String> KINDS =
      List.of(
          "IPAddressPool",
          "L2Advertisement",
          "BGPAdvertisement",
          "BGPPeer",
          "BFDProfile",
          "Community",
          "Secret",
          RawObject.LEGACY_CONFIG_KIND);

  private final ParseContext ctx;
  private final Problems problems = new Problems();
  private final Map<String, SecretData> secrets;
  private final List<PoolDraft> pools = new ArrayList<>();
  private final List<L2Draft> l2Ads = new ArrayList<>();
  private final List<BgpAdDraft> bgpAds = new ArrayList<>();
  private final List<PeerDraft> peers = new ArrayList<>();
  private final List<BfdProfile> bfdProfiles = new ArrayList<>();
  private final Map<String, String> communities = new LinkedHashMap<>();
  private final Map<String, Map<String, Defined>> names = new HashMap<>();

  private ConfigParser(ParseContext ctx) {
    this.ctx = ctx;
    this.secrets = new HashMap<>(ctx.secrets());
  }

  /**
   * Parses {@code objects} (in the order given) into one configuration, or every error found.
   * Objects of kind {@code Secret} ({@code v1}) in the context namespace are added to the context's
   * Secrets, so a file can carry the Secret a BGPPeer's {@code passwordSecret} names.
   */
  public static ParseResult parse(List<RawObject> objects, ParseContext ctx) {
    ConfigParser p = new ConfigParser(ctx);
    for (RawObject o : objects) {
      if (o.kind().equals("Secret") && o.apiVersion().equals("v1")) {
        p.readSecret(o);
      }
    }
    for (RawObject o : objects) {
      p.read(o);
    }
    ParseResult result = p.finish();
    return sortedByOrigin(result, objects);
  }

  /** Errors grouped by the order of the objects they concern (stable within an object). */
  private static ParseResult sortedByOrigin(ParseResult result, List<RawObject> objects) {
    Map<String, Integer> order = new HashMap<>();
    for (RawObject o : objects) {
      order.putIfAbsent(o.origin(), order.size());
    }
    Comparator<ConfigError> byOrigin =
        Comparator.comparingInt(e -> order.getOrDefault(e.origin(), Integer.MAX_VALUE));
    List<ConfigError> warnings = new ArrayList<>(result.warnings());
    warnings.sort(byOrigin);
    if (result instanceof ParseResult.Invalid inv) {
      List<ConfigError> errors = new ArrayList<>(inv.errors());
      errors.sort(byOrigin);
      return new ParseResult.Invalid(errors, warnings);
    }
    return new ParseResult.Valid(((ParseResult.Valid) result).config(), warnings);
  }

  // ------------------------------------------------------------------ dispatch

  private void readSecret(RawObject o) {
    if (!o.namespace().isEmpty() && !o.namespace().equals(ctx.namespace())) {
      return; // reported in read()
    }
    Object type = o.spec().get("type");
    Object data = o.spec().get("data");
    Map<String, String> values = new LinkedHashMap<>();
    if (data instanceof Map<?, ?> m) {
      m.forEach((k, v) -> values.put(String.valueOf(k), String.valueOf(v)));
    }
    secrets.put(o.name(), new SecretData(type instanceof String s ? s : "Opaque", values));
  }

  private void read(RawObject o) {
    boolean legacy = o.kind().equals(RawObject.LEGACY_CONFIG_KIND);
    Src src = new Src(o.origin(), (legacy ? "ConfigMap" : o.kind()) + " \"" + o.name() + "\"");
    FieldReader r = new FieldReader(src, problems, legacy);
    if (o.kind().equals("ConfigMap") && o.apiVersion().equals("v1")) {
      r.warn(
          "data",
          null,
          "no \"config\" key: not MetalLB's configuration, ignored (expected: MetalLB's"
              + " configuration under data.config)");
      return;
    }
    if (!KINDS.contains(o.kind()) && !o.apiVersion().startsWith("metallb.io/")) {
      r.warn(
          "apiVersion",
          o.apiVersion(),
          "not MetalLB configuration, ignored (expected: metallb.io objects, a ConfigMap or a"
              + " Secret)");
      return;
    }
    if (!KINDS.contains(o.kind())) {
      r.error(
          "kind",
          o.kind(),
          "unknown kind (expected: IPAddressPool, L2Advertisement, BGPAdvertisement, BGPPeer,"
              + " BFDProfile, Community, or a MetalLB ConfigMap)");
      return;
    }
    String expectedVersion =
        switch (o.kind()) {
          case "BGPPeer" -> o.apiVersion().equals(GROUP_VERSION) ? GROUP_VERSION : PEER_V2;
          case "Secret" -> "v1";
          case RawObject.LEGACY_CONFIG_KIND -> o.apiVersion();
          default -> GROUP_VERSION;
        };
    if (!o.apiVersion().equals(expectedVersion)) {
      r.error(
          "apiVersion",
          o.apiVersion(),
          "unsupported version for "
              + o.kind()
              + " (expected: "
              + (o.kind().equals("BGPPeer") ? GROUP_VERSION + " or " + PEER_V2 : expectedVersion)
              + ")");
      return;
    }
    if (!o.namespace().isEmpty() && !o.namespace().equals(ctx.namespace())) {
      r.error(
          "metadata.namespace",
          o.namespace(),
          "object outside ferrolb's namespace (expected: " + ctx.namespace() + ")");
      return;
    }
    if (o.kind().equals("Secret")) {
      return;
    }
    if (!legacy && !checkName(r, o.name())) {
      return;
    }
    switch (o.kind()) {
      case "IPAddressPool" -> readPool(r, o);
      case "L2Advertisement" -> readL2(r, o);
      case "BGPAdvertisement" -> readBgpAdCrd(r, o);
      case "BGPPeer" -> readPeerCrd(r, o);
      case "BFDProfile" -> readBfdCrd(r, o);
      case "Community" -> readCommunityCrd(r, o);
      default -> new LegacyReader(this, r).read(o.spec());
    }
  }

  private static boolean checkName(FieldReader r, String name) {
    if (name.isEmpty()) {
      r.error("metadata.name", null, "missing (expected: a DNS-1123 subdomain name)");
      return false;
    }
    if (!FieldReader.isDnsSubdomain(name)) {
      r.error(
          "metadata.name",
          name,
          "invalid name (expected: a DNS-1123 subdomain: lower case alphanumerics, '-' and '.')");
      return false;
    }
    return true;
  }

  /** Registers {@code name} for {@code kind}; reports a duplicate. True when it is new. */
  boolean define(String kind, String name, FieldReader r, String field) {
    Map<String, Defined> byName = names.computeIfAbsent(kind, k -> new HashMap<>());
    Defined first = byName.get(name);
    if (first != null) {
      r.error(field, name, "duplicate " + kind + " name (first defined by " + first.where() + ")");
      return false;
    }
    byName.put(name, new Defined(r.src, field));
    return true;
  }

  // ------------------------------------------------------------------ pools

  private void readPool(FieldReader r, RawObject o) {
    Map<String, Object> spec = o.spec();
    r.onlyKnown(spec, "spec", "addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation");
    boolean fresh = define("IPAddressPool", o.name(), r, "metadata.name");
    List<RangeAt> ranges = addresses(r, spec, "addresses", "spec");
    boolean autoAssign = r.bool(spec, "autoAssign", "spec").orElse(true);
    boolean avoidBuggy = r.bool(spec, "avoidBuggyIPs", "spec").orElse(false);
    Optional<ServiceAllocation> alloc =
        r.map(spec, "serviceAllocation", "spec")
            .flatMap(m -> serviceAllocation(r, m, "spec.serviceAllocation"));
    addPool(
        r,
        o.name(),
        "metadata.name",
        "spec.addresses",
        "spec.avoidBuggyIPs",
        fresh,
        ranges,
        autoAssign,
        avoidBuggy,
        alloc,
        o.labels());
  }

  void addPool(
      FieldReader r,
      String name,
      String nameField,
      String addressesField,
      String avoidField,
      boolean fresh,
      List<RangeAt> ranges,
      boolean autoAssign,
      boolean avoidBuggy,
      Optional<ServiceAllocation> alloc,
      Map<String, String> labels) {
    checkUsable(r, addressesField, avoidField, ranges, avoidBuggy);
    Optional<Pool> pool = Optional.empty();
    if (!ranges.isEmpty()) {
      pool =
          Optional.of(
              new Pool(
                  name,
                  ranges.stream().map(RangeAt::range).toList(),
                  autoAssign,
                  avoidBuggy,
                  alloc,
                  labels));
    }
    if (fresh) {
      pools.add(new PoolDraft(r.src, name, nameField, ranges, pool));
    }
  }

  private void checkUsable(
      FieldReader r, String field, String avoidField, List<RangeAt> ranges, boolean avoidBuggy) {
    if (!avoidBuggy || ranges.isEmpty()) {
      return;
    }
    boolean anyV4 = ranges.stream().anyMatch(x -> x.range().family() == IpFamily.IPV4);
    if (!anyV4) {
      r.warn(avoidField, "true", "has no effect: the pool has no IPv4 addresses");
      return;
    }
    for (RangeAt x : ranges) {
      if (PoolCapacity.usable(x.range(), true).signum() > 0) {
        return;
      }
    }
    // MetalLB accepts such a pool; it can only never assign an address
    r.warn(
        field,
        ranges.get(0).text(),
        "every address of the pool ends in .0 or .255 and "
            + avoidField.substring(avoidField.lastIndexOf('.') + 1)
            + " skips them all: this pool assigns nothing (expected: at least one usable address)");
  }

  /** Reads a pool's address list (CRD or legacy). */
  List<RangeAt> addresses(FieldReader r, Map<String, Object> m, String key, String path) {
    String field = FieldReader.at(path, key);
    Object v = m.get(key);
    if (v == null || (v instanceof List<?> l && l.isEmpty())) {
      r.error(field, null, "missing (expected: at least one CIDR or start-end range)");
      return List.of();
    }
    List<RangeAt> out = new ArrayList<>();
    r.indexedStrList(m, key, path)
        .forEach(
            (i, text) -> {
              String f = FieldReader.at(field, i);
              if (text.indexOf('-') < 0 && !text.equals(text.strip())) {
                // MetalLB trims the ends of a range, but parses a CIDR as written
                r.error(f, text, "whitespace around a CIDR (expected: a.b.c.d/n or x::/n alone)");
                return;
              }
              try {
                IpRange range = IpRange.parse(text);
                if (range.family() == IpFamily.IPV6 && overlapsMapped(range)) {
                  r.error(
                      f,
                      text,
                      "IPv4-mapped IPv6 addresses (::ffff:0:0/96) are not usable"
                          + " (expected: write IPv4 addresses as IPv4)");
                } else if (range.size().equals(BigInteger.ONE.shiftLeft(range.family().bits()))) {
                  r.error(
                      f,
                      text,
                      "covers the whole "
                          + range.family().k8sName()
                          + " address space (expected: a prefix longer than /0)");
                } else {
                  out.add(new RangeAt(range, f, text));
                }
              } catch (IllegalArgumentException e) {
                // IpRange names the range in its message; the error already shows the value
                String msg = e.getMessage();
                if (msg.startsWith("range ") && msg.indexOf(": ") > 0) {
                  msg = msg.substring(msg.indexOf(": ") + 2);
                }
                r.error(f, text, msg);
              }
            });
    return out;
  }

  private static final IpRange MAPPED = Cidr.parse("::ffff:0:0/96").toRange();

  private static boolean overlapsMapped(IpRange range) {
    return range.overlaps(MAPPED);
  }

  private Optional<ServiceAllocation> serviceAllocation(
      FieldReader r, Map<String, Object> m, String path) {
    r.onlyKnown(m, path, "priority", "namespaces", "namespaceSelectors", "serviceSelectors");
    int before = problems.errorCount();
    long priority = r.lng(m, "priority", path, Long.MIN_VALUE, Long.MAX_VALUE).orElse(0L);
    if (priority < 0) {
      // MetalLB takes any int; its pool order is undefined for a negative one
      r.warn(
          FieldReader.at(path, "priority"),
          priority,
          "negative priority is treated as unset: this pool is tried last (expected: >= 0; lower"
              + " is tried first, 0 or unset last)");
      priority = 0;
    } else if (priority > Integer.MAX_VALUE) {
      r.error(FieldReader.at(path, "priority"), priority, "out of range (expected: 0..2147483647)");
    }
    Map<Integer, String> ns = r.indexedStrList(m, "namespaces", path);
    Map<String, Integer> seen = new HashMap<>();
    List<String> namespaces = new ArrayList<>();
    ns.forEach(
        (i, n) -> {
          String f = FieldReader.at(FieldReader.at(path, "namespaces"), i);
          Integer first = seen.putIfAbsent(n, i);
          if (first != null) {
            r.error(f, n, "duplicate namespace (first at namespaces[" + first + "])");
          } else {
            if (n.length() > 63 || !n.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
              // MetalLB does not check the names; such a namespace cannot exist
              r.warn(
                  f,
                  n,
                  "not a valid namespace name, so no namespace has it (expected: a DNS-1123"
                      + " label)");
            }
            namespaces.add(n);
          }
        });
    List<LabelSelector> nsSel = r.selectors(m, "namespaceSelectors", path);
    List<LabelSelector> svcSel = r.selectors(m, "serviceSelectors", path);
    if (problems.errorCount() != before) {
      return Optional.empty();
    }
    return Optional.of(new ServiceAllocation((int) priority, namespaces, nsSel, svcSel));
  }

  // ------------------------------------------------------------------ advertisements

  private void readL2(FieldReader r, RawObject o) {
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
    if (!define("L2Advertisement", o.name(), r, "metadata.name")) {
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

  private void readBgpAdCrd(FieldReader r, RawObject o) {
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
    if (!define("BGPAdvertisement", o.name(), r, "metadata.name")) {
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

  // ------------------------------------------------------------------ peers

  private static final Set<String> PEER_V2_KEYS =
      FieldReader.setOf(
          "myASN",
          "peerASN",
          "dynamicASN",
          "localASN",
          "peerAddress",
          "interface",
          "sourceAddress",
          "peerPort",
          "holdTime",
          "keepaliveTime",
          "connectTime",
          "routerID",
          "nodeSelectors",
          "password",
          "passwordSecret",
          "bfdProfile",
          "enableGracefulRestart",
          "ebgpMultiHop",
          "vrf",
          "disableMP",
          "dualStackAddressFamily");

  private static final Set<String> PEER_V1_KEYS =
      FieldReader.setOf(
          "myASN",
          "peerASN",
          "peerAddress",
          "sourceAddress",
          "peerPort",
          "holdTime",
          "keepaliveTime",
          "routerID",
          "nodeSelectors",
          "password",
          "passwordSecret",
          "bfdProfile",
          "ebgpMultiHop",
          "vrf");

  private void readPeerCrd(FieldReader r, RawObject o) {
    Map<String, Object> spec = o.spec();
    boolean v1 = o.apiVersion().equals(GROUP_VERSION);
    if (v1) {
      r.warn(
          "apiVersion",
          o.apiVersion(),
          "BGPPeer v1beta1 is deprecated (expected: metallb.io/v1beta2; same fields, plus"
              + " dynamicASN, interface, connectTime, ...)");
      Map<String, Object> onlyV2 = new LinkedHashMap<>();
      Map<String, Object> rest = new LinkedHashMap<>();
      new TreeMap<>(spec).forEach((k, v) -> (PEER_V2_KEYS.contains(k) ? onlyV2 : rest).put(k, v));
      onlyV2.keySet().removeAll(PEER_V1_KEYS);
      onlyV2
          .keySet()
          .forEach(
              k ->
                  r.error(
                      FieldReader.at("spec", k),
                      null,
                      "not a BGPPeer v1beta1 field (expected: apiVersion metallb.io/v1beta2 to use"
                          + " it)"));
      r.onlyKnown(rest, "spec", PEER_V2_KEYS, "");
    } else {
      r.onlyKnown(spec, "spec", PEER_V2_KEYS, "");
    }
    if (!define("BGPPeer", o.name(), r, "metadata.name")) {
      return;
    }
    PeerDraft d = new PeerDraft(r.src, o.name(), "metadata.name", ImmutableBgpPeer.builder());
    d.builder.name(o.name()).sourceVersion(o.apiVersion());
    readPeer(r, d, spec, "spec", PeerKeys.CRD, false);
  }

  /** Field names of a peer in CRD (camelCase) and legacy (kebab-case) spelling. */
  enum PeerKeys {
    CRD,
    LEGACY;

    String k(String camel) {
      if (this == CRD) {
        return camel;
      }
      return switch (camel) {
        case "myASN" -> "my-asn";
        case "peerASN" -> "peer-asn";
        case "peerAddress" -> "peer-address";
        case "peerPort" -> "peer-port";
        case "sourceAddress" -> "source-address";
        case "holdTime" -> "hold-time";
        case "keepaliveTime" -> "keepalive-time";
        case "routerID" -> "router-id";
        case "bfdProfile" -> "bfd-profile";
        case "ebgpMultiHop" -> "ebgp-multihop";
        case "nodeSelectors" -> "node-selectors";
        default -> camel;
      };
    }
  }

  private static final long MAX_ASN = 0xFFFF_FFFFL; // RFC 6793: 4-octet AS numbers

  void readPeer(
      FieldReader r,
      PeerDraft d,
      Map<String, Object> m,
      String path,
      PeerKeys keys,
      boolean legacy) {
    String myKey = keys.k("myASN");
    String peerKey = keys.k("peerASN");
    // MetalLB: an AS number 0 is a missing one ("missing local ASN", "missing peer ASN")
    Optional<Long> myAsn = r.lng(m, myKey, path, 0, MAX_ASN);
    if (!m.containsKey(myKey)) {
      r.error(
          FieldReader.at(path, myKey),
          null,
          "missing (expected: the local AS number 1..4294967295)");
    } else if (myAsn.isPresent() && myAsn.get() == 0) {
      r.error(
          FieldReader.at(path, myKey),
          0L,
          "AS number 0 is a missing one (expected: 1..4294967295)");
    }
    myAsn.ifPresent(d.builder::myAsn);
    Optional<Long> peerAsn =
        r.lng(m, peerKey, path, 0, MAX_ASN).filter(asn -> asn != 0 || !m.containsKey("dynamicASN"));
    peerAsn.ifPresent(d.builder::peerAsn);
    Optional<DynamicAsn> dyn = Optional.empty();
    if (!legacy) {
      Optional<String> dynText = r.str(m, "dynamicASN", path);
      if (dynText.isPresent()) {
        dyn =
            switch (dynText.get()) {
              case "internal" -> Optional.of(DynamicAsn.INTERNAL);
              case "external" -> Optional.of(DynamicAsn.EXTERNAL);
              default -> {
                r.error(
                    FieldReader.at(path, "dynamicASN"),
                    dynText.get(),
                    "unknown value (expected: internal or external)");
                yield Optional.empty();
              }
            };
      }
      dyn.ifPresent(d.builder::dynamicAsn);
      r.lng(m, "localASN", path, 1, MAX_ASN)
          .ifPresent(
              asn -> {
                d.builder.localAsn(asn);
                r.warn(
                    FieldReader.at(path, "localASN"),
                    asn,
                    "not supported by ferrolb's native speaker (FRR local-as): ignored, the"
                        + " session speaks myASN (expected: remove localASN)");
              });
    }
    boolean peerAsnGiven = m.containsKey(peerKey) && !Long.valueOf(0).equals(m.get(peerKey));
    if (peerAsnGiven && m.containsKey("dynamicASN")) {
      r.error(
          FieldReader.at(path, "dynamicASN"),
          FieldReader.render(m.get("dynamicASN")),
          "set together with peerASN (expected: exactly one of peerASN, dynamicASN)");
    } else if (m.containsKey(peerKey) && !peerAsnGiven && !m.containsKey("dynamicASN")) {
      r.error(
          FieldReader.at(path, peerKey),
          0L,
          "AS number 0 is a missing one (expected: 1..4294967295"
              + (legacy ? ")" : ", or dynamicASN)"));
    } else if (!m.containsKey(peerKey) && !m.containsKey("dynamicASN")) {
      r.error(
          FieldReader.at(path, peerKey),
          null,
          legacy
              ? "missing (expected: the peer's AS number 0..4294967295)"
              : "missing (expected: exactly one of peerASN, dynamicASN)");
    }
    d.ibgp =
        (myAsn.isPresent() && peerAsn.isPresent() && myAsn.get().equals(peerAsn.get()))
            || dyn.orElse(DynamicAsn.EXTERNAL) == DynamicAsn.INTERNAL;

    // address or interface
    String addrKey = keys.k("peerAddress");
    Optional<String> addrText = r.str(m, addrKey, path);
    Optional<IpAddress> addr = addrText.flatMap(t -> ip(r, FieldReader.at(path, addrKey), t));
    addr.ifPresent(d.builder::peerAddress);
    addr.ifPresent(
        a -> {
          d.ipv6Peer = a.isV6();
          d.peerAddressText = a.toString();
        });
    Optional<String> nic = legacy ? Optional.empty() : r.nonEmptyStr(m, "interface", path);
    nic.ifPresent(
        n -> {
          d.builder.interfaceName(n);
          r.warn(
              FieldReader.at(path, "interface"),
              n,
              "unnumbered BGP is not supported by ferrolb's native speaker: this peer opens no"
                  + " session (expected: peerAddress)");
        });
    if (m.containsKey(addrKey) && m.containsKey("interface")) {
      r.error(
          FieldReader.at(path, "interface"),
          FieldReader.render(m.get("interface")),
          "set together with peerAddress (expected: exactly one of peerAddress, interface)");
    } else if (!m.containsKey(addrKey) && !m.containsKey("interface")) {
      r.error(
          FieldReader.at(path, addrKey),
          null,
          legacy
              ? "missing (expected: the peer's IP address)"
              : "missing (expected: exactly one of peerAddress, interface)");
    }
    String srcKey = keys.k("sourceAddress");
    Optional<IpAddress> srcAddr =
        r.str(m, srcKey, path).flatMap(t -> ip(r, FieldReader.at(path, srcKey), t));
    srcAddr.ifPresent(d.builder::sourceAddress);
    if (srcAddr.isPresent() && addr.isPresent() && srcAddr.get().family() != addr.get().family()) {
      r.error(
          FieldReader.at(path, srcKey),
          srcAddr.get(),
          "family "
              + srcAddr.get().family().k8sName()
              + " differs from peer address "
              + addr.get()
              + " (expected: an "
              + addr.get().family().k8sName()
              + " source address)");
    }
    // MetalLB CRD: peerPort maximum 16384 (api/v1beta2); port 0 cannot be dialled; the legacy
    // ConfigMap took any uint16
    long maxPort = legacy ? 65535 : 16384;
    r.lng(m, keys.k("peerPort"), path, 1, maxPort)
        .ifPresent(p -> d.builder.peerPort((int) (long) p));

    timers(r, d, m, path, keys, legacy);
    if (!legacy) {
      r.duration(m, "connectTime", path)
          .ifPresent(
              ct -> {
                // MetalLB: connectTime 1..65535 s, whole seconds (api/v1beta2, CEL rule)
                if (ct.getNano() != 0 || ct.getSeconds() < 1 || ct.getSeconds() > 65535) {
                  r.error(
                      FieldReader.at(path, "connectTime"),
                      FieldReader.render(m.get("connectTime")),
                      "out of range (expected: whole seconds 1s..65535s)");
                } else {
                  d.builder.connectTime(ct);
                }
              });
    }

    String ridKey = keys.k("routerID");
    r.str(m, ridKey, path)
        .flatMap(t -> ip(r, FieldReader.at(path, ridKey), t))
        .ifPresent(
            rid -> {
              if (rid.isV4()) {
                d.builder.routerId(rid);
              } else {
                r.error(
                    FieldReader.at(path, ridKey),
                    rid,
                    "router ID must be IPv4 (expected: a dotted quad, RFC 4271 §4.2 BGP"
                        + " Identifier)");
              }
            });
    List<LabelSelector> nodeSelectors = r.selectors(m, keys.k("nodeSelectors"), path);
    d.builder.nodeSelectors(nodeSelectors);

    // password XOR passwordSecret
    Optional<String> password = r.str(m, "password", path);
    boolean hasSecret = !legacy && m.containsKey("passwordSecret");
    if (password.isPresent() && hasSecret) {
      r.error(
          FieldReader.at(path, "passwordSecret"),
          null,
          "set together with password (expected: at most one of password, passwordSecret)");
    } else if (password.isPresent()) {
      d.builder.password(password.get());
    } else if (hasSecret) {
      r.map(m, "passwordSecret", path)
          .ifPresent(s -> passwordSecret(r, d, s, FieldReader.at(path, "passwordSecret")));
    }

    String bfdKey = keys.k("bfdProfile");
    d.bfdField = FieldReader.at(path, bfdKey);
    d.bfdProfile = r.nonEmptyStr(m, bfdKey, path);
    d.bfdProfile.ifPresent(d.builder::bfdProfile);
    String ebgpKey = keys.k("ebgpMultiHop");
    boolean ebgp = r.bool(m, ebgpKey, path).orElse(false);
    d.builder.ebgpMultiHop(ebgp);
    boolean sameAsn = myAsn.isPresent() && peerAsn.isPresent() && myAsn.get().equals(peerAsn.get());
    if (ebgp && sameAsn) {
      r.error(
          FieldReader.at(path, ebgpKey),
          "true",
          "eBGP multi-hop on an iBGP session (peer ASN equals my ASN) (expected: false, or a"
              + " different peer ASN)");
    } else if (ebgp && d.ibgp) {
      // MetalLB only compares peerASN with myASN
      r.warn(
          FieldReader.at(path, ebgpKey),
          "true",
          "has no effect on an iBGP session (dynamicASN internal) (expected: false)");
    }
    if (!legacy) {
      r.bool(m, "enableGracefulRestart", path).ifPresent(d.builder::enableGracefulRestart);
      r.nonEmptyStr(m, "vrf", path)
          .ifPresent(
              v -> {
                d.builder.vrf(v);
                r.warn(
                    FieldReader.at(path, "vrf"),
                    v,
                    "host VRFs are not supported by ferrolb's native speaker: the session opens in"
                        + " the default VRF (expected: remove vrf, peer from the default VRF)");
              });
      r.bool(m, "dualStackAddressFamily", path).ifPresent(d.builder::dualStackAddressFamily);
      Optional<Boolean> disableMp = r.bool(m, "disableMP", path);
      disableMp.ifPresent(d.builder::disableMp);
      if (disableMp.orElse(false)) {
        r.warn(
            FieldReader.at(path, "disableMP"),
            "true",
            "deprecated and ignored since MetalLB v0.15.0 (expected: remove it; use"
                + " dualStackAddressFamily to control address families)");
      }
    }
    String vrf = legacy ? "" : r.str(m, "vrf", path).orElse("");
    d.sessionField =
        addr.isPresent() ? FieldReader.at(path, addrKey) : FieldReader.at(path, "interface");
    // MetalLB's PeerIdentifier: the address (or interface) and the VRF; not the port
    d.sessionKey =
        addr.map(IpAddress::toString).orElse("interface " + nic.orElse(""))
            + (vrf.isEmpty() ? "" : " in VRF " + vrf);
    d.vrf = vrf;
    d.nodeSelectors = nodeSelectors;
    d.myAsn = myAsn.orElse(-1L);
    d.routerId = r.str(m, ridKey, path).orElse("");
    d.routerIdField = FieldReader.at(path, ridKey);
    d.myAsnField = FieldReader.at(path, myKey);
    peers.add(d);
  }

  private void timers(
      FieldReader r,
      PeerDraft d,
      Map<String, Object> m,
      String path,
      PeerKeys keys,
      boolean legacy) {
    String holdKey = keys.k("holdTime");
    String kaKey = keys.k("keepaliveTime");
    int before = problems.errorCount();
    Optional<Duration> hold = r.duration(m, holdKey, path);
    Optional<Duration> ka = r.duration(m, kaKey, path);
    if (problems.errorCount() != before) {
      return;
    }
    if (legacy && hold.isEmpty()) {
      hold = Optional.of(BgpPeer.DEFAULT_HOLD_TIME); // MetalLB v0.12 config.go: parseHoldTime("")
    }
    // MetalLB config.go parseTimers: the missing one is derived from the other
    if (hold.isPresent() && ka.isEmpty()) {
      ka = Optional.of(hold.get().dividedBy(3));
    } else if (hold.isEmpty() && ka.isPresent()) {
      hold = Optional.of(ka.get().multipliedBy(3));
    }
    if (hold.isEmpty()) {
      return;
    }
    long rounded = hold.get().getSeconds();
    String holdField = FieldReader.at(path, m.containsKey(holdKey) ? holdKey : kaKey);
    String holdText = FieldReader.render(m.getOrDefault(holdKey, m.get(kaKey)));
    boolean ok = true;
    // RFC 4271 §4.2: hold time 0, or at least 3 seconds; 16-bit field
    if (rounded != 0 && rounded < 3) {
      r.error(
          holdField,
          holdText,
          (m.containsKey(holdKey) ? "hold time " : "derived hold time (3 x keepalive) ")
              + GoDuration.format(hold.get())
              + " is too short (expected: 0 or >= 3s)");
      ok = false;
    }
    // MetalLB rounds only for the rule above and compares the keepalive with the exact hold time
    if (ok && ka.get().compareTo(hold.get()) > 0) {
      r.error(
          FieldReader.at(path, kaKey),
          FieldReader.render(m.get(kaKey)),
          "keepalive time "
              + GoDuration.format(ka.get())
              + " is longer than hold time "
              + GoDuration.format(hold.get())
              + " (expected: keepaliveTime <= holdTime)");
      ok = false;
    }
    if (ok && rounded > 65535) {
      // MetalLB accepts it; the OPEN message has 16 bits for it (RFC 4271 §4.2)
      r.warn(
          holdField,
          holdText,
          "hold time longer than BGP can carry: 65535s is sent (expected: <= 65535s)");
      Duration max = Duration.ofSeconds(65535);
      hold = Optional.of(max);
      if (ka.get().compareTo(max) > 0) {
        ka = Optional.of(max);
      }
    }
    if (ok) {
      d.builder.holdTime(hold.get()).keepaliveTime(ka.get());
    }
  }

  private void passwordSecret(FieldReader r, PeerDraft d, Map<String, Object> s, String path) {
    r.onlyKnown(s, path, "name", "namespace");
    Optional<String> name = r.nonEmptyStr(s, "name", path);
    Optional<String> ns = r.str(s, "namespace", path);
    if (name.isEmpty()) {
      if (!s.containsKey("name")) {
        r.error(FieldReader.at(path, "name"), null, "missing (expected: the name of a Secret)");
      }
      return;
    }
    if (ns.isPresent() && !ns.get().isEmpty() && !ns.get().equals(ctx.namespace())) {
      r.error(
          FieldReader.at(path, "namespace"),
          ns.get(),
          "Secret outside ferrolb's namespace (expected: " + ctx.namespace() + ")");
      return;
    }
    d.builder.passwordSecret(name.get());
    SecretData secret = secrets.get(name.get());
    if (secret == null && !ctx.secretsComplete()) {
      r.warn(
          FieldReader.at(path, "name"),
          name.get(),
          "not checked: Secret "
              + name.get()
              + " is not among the files (in the cluster it must exist in namespace "
              + ctx.namespace()
              + ", type "
              + SecretData.BASIC_AUTH
              + " with key \"password\"; --strict makes this an error)");
    } else if (secret == null) {
      r.error(
          FieldReader.at(path, "name"),
          name.get(),
          "no Secret of that name in namespace "
              + ctx.namespace()
              + " (expected: a Secret of type "
              + SecretData.BASIC_AUTH
              + " with key \"password\")");
    } else if (!secret.type().equals(SecretData.BASIC_AUTH)) {
      r.error(
          FieldReader.at(path, "name"),
          name.get(),
          "Secret has type " + secret.type() + " (expected: " + SecretData.BASIC_AUTH + ")");
    } else if (!secret.data().containsKey("password")) {
      r.error(
          FieldReader.at(path, "name"),
          name.get(),
          "Secret has no key \"password\" (expected: the TCP MD5 password under data.password)");
    } else {
      d.builder.password(secret.data().get("password"));
    }
  }

  Optional<IpAddress> ip(FieldReader r, String field, String text) {
    // MetalLB: net.ParseIP, which does not trim
    Optional<IpAddress> a = IpAddress.tryParse(text);
    if (a.isEmpty()) {
      r.error(field, text, "not an IP address (expected: IPv4 a.b.c.d or IPv6 text)");
    }
    return a;
  }

  // ------------------------------------------------------------------ BFD and communities

  private void readBfdCrd(FieldReader r, RawObject o) {
    r.onlyKnown(
        o.spec(),
        "spec",
        "receiveInterval",
        "transmitInterval",
        "echoInterval",
        "detectMultiplier",
        "echoMode",
        "passiveMode",
        "minimumTtl");
    if (!define("BFDProfile", o.name(), r, "metadata.name")) {
      return;
    }
    readBfd(r, o.name(), o.spec(), "spec", PeerKeys.CRD);
  }

  void readBfd(FieldReader r, String name, Map<String, Object> m, String path, PeerKeys keys) {
    boolean legacy = keys == PeerKeys.LEGACY;
    ImmutableBfdProfile.Builder b = ImmutableBfdProfile.builder().name(name);
    // MetalLB api/v1beta1/bfdprofile_types.go: intervals 10..60000 ms, multiplier 2..255, TTL
    // 1..254
    r.lng(m, legacy ? "receive-interval" : "receiveInterval", path, 10, 60000)
        .ifPresent(v -> b.receiveInterval((int) (long) v));
    r.lng(m, legacy ? "transmit-interval" : "transmitInterval", path, 10, 60000)
        .ifPresent(v -> b.transmitInterval((int) (long) v));
    r.lng(m, legacy ? "echo-interval" : "echoInterval", path, 10, 60000)
        .ifPresent(v -> b.echoInterval((int) (long) v));
    r.lng(m, legacy ? "detect-multiplier" : "detectMultiplier", path, 2, 255)
        .ifPresent(v -> b.detectMultiplier((int) (long) v));
    r.lng(m, legacy ? "minimum-ttl" : "minimumTtl", path, 1, 254)
        .ifPresent(v -> b.minimumTtl((int) (long) v));
    r.bool(m, legacy ? "echo-mode" : "echoMode", path).ifPresent(b::echoMode);
    r.bool(m, legacy ? "passive-mode" : "passiveMode", path).ifPresent(b::passiveMode);
    bfdProfiles.add(b.build());
  }

  private void readCommunityCrd(FieldReader r, RawObject o) {
    r.onlyKnown(o.spec(), "spec", "communities");
    if (!define("Community", o.name(), r, "metadata.name")) {
      return;
    }
    r.mapList(o.spec(), "communities", "spec")
        .forEach(
            (i, c) -> {
              String p = FieldReader.at("spec.communities", i);
              r.onlyKnown(c, p, "name", "value");
              Optional<String> name = r.nonEmptyStr(c, "name", p);
              Optional<String> value = r.nonEmptyStr(c, "value", p);
              if (!c.containsKey("name")) {
                r.error(FieldReader.at(p, "name"), null, "missing (expected: an alias name)");
              }
              if (!c.containsKey("value")) {
                r.error(FieldReader.at(p, "value"), null, "missing (expected: A:B or large:A:B:C)");
              }
              if (name.isPresent() && value.isPresent()) {
                addCommunity(
                    r,
                    name.get(),
                    FieldReader.at(p, "name"),
                    value.get(),
                    FieldReader.at(p, "value"));
              }
            });
  }

  void addCommunity(
      FieldReader r, String alias, String aliasField, String value, String valueField) {
    try {
      BgpCommunity.parse(value);
    } catch (IllegalArgumentException e) {
      r.error(valueField, value, e.getMessage());
      return;
    }
    if (define("community alias", alias, r, aliasField)) {
      communities.put(alias, value);
    }
  }

  // ------------------------------------------------------------------ cross-object checks

  private ParseResult finish() {
    checkOverlaps();
    Map<String, PoolDraft> poolsByName = new LinkedHashMap<>();
    for (PoolDraft p : pools) {
      poolsByName.put(p.name(), p);
    }
    Map<String, PeerDraft> peersByName = new LinkedHashMap<>();
    for (PeerDraft p : peers) {
      peersByName.put(p.name, p);
    }
    Set<String> advertised = new LinkedHashSet<>();
    List<L2Advertisement> l2 = new ArrayList<>();
    for (L2Draft d : l2Ads) {
      resolvePools(d.refs, poolsByName, "L2Advertisement");
      advertised.addAll(d.refs.resolvedPools);
      l2.add(d.builder.pools(d.refs.resolvedPools).build());
    }
    List<BgpAdvertisement> bgp = new ArrayList<>();
    for (BgpAdDraft d : bgpAds) {
      resolvePools(d.refs, poolsByName, "BGPAdvertisement");
      advertised.addAll(d.refs.resolvedPools);
      FieldReader r = new FieldReader(d.refs.src, problems, d.refs.legacy);
      checkAggregation(r, d, poolsByName);
      resolveCommunities(r, d);
      checkPeerRefs(r, d, peersByName);
      bgp.add(d.builder.pools(d.refs.resolvedPools).build());
    }
    for (PeerDraft p : peers) {
      checkBfdRef(p);
    }
    checkPeersSharingNodes();
    checkBfdEcho(poolsByName, peersByName);
    checkLocalPrefConflicts(poolsByName);
    for (PoolDraft p : pools) {
      if (!advertised.contains(p.name())) {
        problems.warn(
            p.src(),
            p.nameField(),
            p.name(),
            "no L2Advertisement or BGPAdvertisement selects this pool: its addresses are"
                + " assigned but never announced");
      }
    }
    if (!problems.errors.isEmpty()) {
      return new ParseResult.Invalid(problems.errors, problems.warnings);
    }
    Config config =
        ImmutableConfig.builder()
            .pools(pools.stream().map(p -> p.pool().orElseThrow()).toList())
            .l2Advertisements(l2)
            .bgpAdvertisements(bgp)
            .bgpPeers(peers.stream().map(p -> p.builder.build()).toList())
            .bfdProfiles(bfdProfiles)
            .communities(communities)
            .build();
    return new ParseResult.Valid(config, problems.warnings);
  }

  private void checkOverlaps() {
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

  private void resolvePools(AdRefs refs, Map<String, PoolDraft> poolsByName, String kind) {
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
  private void checkAggregation(FieldReader r, BgpAdDraft d, Map<String, PoolDraft> poolsByName) {
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

  private void resolveCommunities(FieldReader r, BgpAdDraft d) {
    Set<String> seen = new LinkedHashSet<>();
    d.communities.forEach(
        (i, text) -> {
          String f = FieldReader.at(d.communitiesField, i);
          try {
            BgpCommunity c = BgpCommunity.resolve(text, communities);
            if (seen.add(c.toString())) {
              d.builder.addCommunities(c);
            }
          } catch (IllegalArgumentException e) {
            r.error(f, text, e.getMessage());
          }
        });
  }

  private void checkPeerRefs(FieldReader r, BgpAdDraft d, Map<String, PeerDraft> peersByName) {
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
  private void checkLocalPrefConflicts(Map<String, PoolDraft> poolsByName) {
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
  private void checkPeersSharingNodes() {
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

  private void checkBfdRef(PeerDraft p) {
    if (p.bfdProfile.isEmpty()) {
      return;
    }
    Optional<BfdProfile> profile =
        bfdProfiles.stream().filter(b -> b.name().equals(p.bfdProfile.get())).findFirst();
    if (profile.isEmpty()) {
      problems.error(
          p.src,
          p.bfdField,
          p.bfdProfile.get(),
          "no BFDProfile of that name (expected one of: "
              + (bfdProfiles.isEmpty()
                  ? "none defined"
                  : String.join(", ", bfdProfiles.stream().map(BfdProfile::name).toList()))
              + ")");
    } else if (profile.get().echoMode() && p.ipv6Peer) {
      // MetalLB judges echo mode by the pools announced (checkBfdEcho), not the peer's family
      problems.warn(
          p.src,
          p.bfdField,
          p.bfdProfile.get(),
          "BFD echo mode does not work on the IPv6 session to "
              + p.peerAddressText
              + ": echo is not used there (expected: a profile with echoMode false)");
    }
  }

  /**
   * MetalLB's {@code validateConfig}: a pool with IPv6 addresses must not be advertised over BGP to
   * a peer whose BFD profile has echo mode (an empty peer list is every peer).
   */
  private void checkBfdEcho(
      Map<String, PoolDraft> poolsByName, Map<String, PeerDraft> peersByName) {
    Set<String> echo = new java.util.HashSet<>();
    for (BfdProfile b : bfdProfiles) {
      if (b.echoMode()) {
        echo.add(b.name());
      }
    }
    if (echo.isEmpty()) {
      return;
    }
    Set<String> reported = new java.util.HashSet<>();
    for (BgpAdDraft d : bgpAds) {
      Optional<String> v6Pool =
          d.refs.resolvedPools.stream()
              .filter(
                  name ->
                      poolsByName.containsKey(name)
                          && poolsByName.get(name).ranges().stream()
                              .anyMatch(x -> x.range().family() == IpFamily.IPV6))
              .findFirst();
      if (v6Pool.isEmpty()) {
        continue;
      }
      List<PeerDraft> targets =
          d.peers.isEmpty()
              ? peers
              : d.peers.values().stream().map(peersByName::get).filter(x -> x != null).toList();
      for (PeerDraft t : targets) {
        if (t.bfdProfile.isPresent() && echo.contains(t.bfdProfile.get()) && reported.add(t.name)) {
          problems.error(
              t.src,
              t.bfdField,
              t.bfdProfile.get(),
              "has echo mode, and "
                  + d.refs.src.object()
                  + " advertises pool \""
                  + v6Pool.get()
                  + "\", which has IPv6 addresses, to this peer: IPv6 cannot use BFD echo"
                  + " (expected: a profile with echoMode false, or no IPv6 pool advertised to"
                  + " this peer)");
        }
      }
    }
  }
}
