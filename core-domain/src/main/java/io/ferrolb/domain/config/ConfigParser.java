package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.BgpAdDraft;
import io.ferrolb.domain.config.Drafts.L2Draft;
import io.ferrolb.domain.config.Drafts.PeerDraft;
import io.ferrolb.domain.config.Drafts.PoolDraft;
import io.ferrolb.domain.config.Problems.Src;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates MetalLB configuration objects (CRDs and the legacy ConfigMap) into one
 * {@link Config}. Pure: no I/O; every error of every object is collected in one pass.
 *
 * <p>Unknown fields are errors, not warnings: MetalLB reads the legacy ConfigMap with strict YAML
 * decoding (an unknown key fails the whole config), and for CRDs the API server's strict field
 * validation rejects them too; a silently ignored typo ({@code autoassign: false}) would hand out
 * addresses the operator meant to reserve.
 *
 * <p>This class dispatches each object by kind and builds the {@link Config}; the rules live by
 * concern: {@code PoolRules}, {@code AdvertisementRules}, {@code PeerRules} (with {@code
 * PeerTimers} and {@code PeerPasswords}), {@code BfdRules} and {@code CommunityRules} read one
 * object each, {@code LegacyReader} maps the legacy ConfigMap onto them, and {@code
 * CrossObjectChecks} runs once every object is read. They share one {@code ParseState}.
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
  private final ParseState state;
  private final Problems problems;
  private final PoolRules poolRules;
  private final AdvertisementRules adRules;
  private final PeerRules peerRules;
  private final BfdRules bfdRules;
  private final CommunityRules communityRules;
  private final CrossObjectChecks crossChecks;

  private ConfigParser(ParseContext ctx) {
    this.ctx = ctx;
    this.state = new ParseState(ctx);
    this.problems = state.problems;
    this.poolRules = new PoolRules(state);
    this.adRules = new AdvertisementRules(state);
    this.peerRules = new PeerRules(state);
    this.bfdRules = new BfdRules(state);
    this.communityRules = new CommunityRules(state);
    this.crossChecks = new CrossObjectChecks(state);
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
    state.secrets.put(o.name(), new SecretData(type instanceof String s ? s : "Opaque", values));
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
      case "IPAddressPool" -> poolRules.readPool(r, o);
      case "L2Advertisement" -> adRules.readL2(r, o);
      case "BGPAdvertisement" -> adRules.readBgpAdCrd(r, o);
      case "BGPPeer" -> peerRules.readPeerCrd(r, o);
      case "BFDProfile" -> bfdRules.readBfdCrd(r, o);
      case "Community" -> communityRules.readCommunityCrd(r, o);
      default -> new LegacyReader(state, r).read(o);
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

  // ------------------------------------------------------------------ cross-object checks

  private ParseResult finish() {
    crossChecks.checkOverlaps();
    Map<String, PoolDraft> poolsByName = new LinkedHashMap<>();
    for (PoolDraft p : state.pools) {
      poolsByName.put(p.name(), p);
    }
    Map<String, PeerDraft> peersByName = new LinkedHashMap<>();
    for (PeerDraft p : state.peers) {
      peersByName.put(p.name, p);
    }
    Set<String> advertised = new LinkedHashSet<>();
    List<L2Advertisement> l2 = new ArrayList<>();
    for (L2Draft d : state.l2Ads) {
      crossChecks.resolvePools(d.refs, poolsByName, "L2Advertisement");
      advertised.addAll(d.refs.resolvedPools);
      l2.add(d.builder.pools(d.refs.resolvedPools).build());
    }
    List<BgpAdvertisement> bgp = new ArrayList<>();
    for (BgpAdDraft d : state.bgpAds) {
      crossChecks.resolvePools(d.refs, poolsByName, "BGPAdvertisement");
      advertised.addAll(d.refs.resolvedPools);
      FieldReader r = new FieldReader(d.refs.src, problems, d.refs.legacy);
      crossChecks.checkAggregation(r, d, poolsByName);
      communityRules.resolveCommunities(r, d);
      crossChecks.checkPeerRefs(r, d, peersByName);
      bgp.add(d.builder.pools(d.refs.resolvedPools).build());
    }
    for (PeerDraft p : state.peers) {
      bfdRules.checkBfdRef(p);
    }
    crossChecks.checkPeersSharingNodes();
    bfdRules.checkBfdEcho(poolsByName, peersByName);
    crossChecks.checkLocalPrefConflicts(poolsByName);
    for (PoolDraft p : state.pools) {
      if (ctx.advertisementsIncluded() && !advertised.contains(p.name())) {
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
            .pools(state.pools.stream().map(p -> p.pool().orElseThrow()).toList())
            .l2Advertisements(l2)
            .bgpAdvertisements(bgp)
            .bgpPeers(state.peers.stream().map(p -> p.builder.build()).toList())
            .bfdProfiles(state.bfdProfiles)
            .communities(state.communities)
            .build();
    return new ParseResult.Valid(config, problems.warnings);
  }
}
