package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.AdRefs;
import io.ferrolb.domain.config.Drafts.BgpAdDraft;
import io.ferrolb.domain.config.Drafts.PeerDraft;
import io.ferrolb.domain.config.Drafts.RangeAt;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the {@code config} key of a MetalLB v0.9–v0.12 ConfigMap onto the model: {@code peers}
 * become BGP peers named {@code legacy-peer-N}; a {@code layer2} pool gets an L2Advertisement named
 * like the pool; a {@code bgp} pool gets its {@code bgp-advertisements} (named {@code pool-N}), or
 * one default advertisement named like the pool; {@code bgp-communities} become community aliases;
 * {@code bfd-profiles} become BFD profiles. Field paths in errors are the ConfigMap's own keys
 * ({@code address-pools[0].addresses[1]}).
 */
final class LegacyReader {

  private final ParseState state;
  private final PoolRules poolRules;
  private final AdvertisementRules adRules;
  private final PeerRules peerRules;
  private final BfdRules bfdRules;
  private final CommunityRules communityRules;
  private final FieldReader r;

  LegacyReader(ParseState state, FieldReader r) {
    this.state = state;
    this.poolRules = new PoolRules(state);
    this.adRules = new AdvertisementRules(state);
    this.peerRules = new PeerRules(state);
    this.bfdRules = new BfdRules(state);
    this.communityRules = new CommunityRules(state);
    this.r = r;
  }

  void read(RawObject legacy) {
    Optional<RawObject.NotAMapping> notAMapping = legacy.notAMapping();
    if (notAMapping.isPresent()) {
      r.error(
          "data.config",
          notAMapping.get().value(),
          "is a "
              + notAMapping.get().type()
              + ", not a mapping (expected: MetalLB's configuration with address-pools, peers,"
              + " bgp-communities, bfd-profiles)");
      return;
    }
    Map<String, Object> config = legacy.spec();
    r.onlyKnown(config, "", "peers", "bgp-communities", "address-pools", "bfd-profiles");
    r.map(config, "bgp-communities", "")
        .ifPresent(
            m ->
                m.forEach(
                    (alias, v) ->
                        r.str(v, FieldReader.at("bgp-communities", alias))
                            .ifPresent(
                                value ->
                                    communityRules.addCommunity(
                                        r,
                                        alias,
                                        FieldReader.at("bgp-communities", alias),
                                        value,
                                        FieldReader.at("bgp-communities", alias)))));
    r.mapList(config, "bfd-profiles", "").forEach(this::bfdProfile);
    r.mapList(config, "peers", "").forEach(this::peer);
    r.mapList(config, "address-pools", "").forEach(this::pool);
  }

  private void bfdProfile(int i, Map<String, Object> m) {
    String path = FieldReader.at("bfd-profiles", i);
    r.onlyKnown(
        m,
        path,
        "name",
        "receive-interval",
        "transmit-interval",
        "echo-interval",
        "echo-mode",
        "passive-mode",
        "minimum-ttl",
        "detect-multiplier");
    Optional<String> name = r.nonEmptyStr(m, "name", path);
    if (name.isEmpty()) {
      if (!m.containsKey("name")) {
        r.error(FieldReader.at(path, "name"), null, "missing (expected: a profile name)");
      }
      return;
    }
    if (state.define("BFDProfile", name.get(), r, FieldReader.at(path, "name"))) {
      bfdRules.readBfd(r, name.get(), m, path, PeerKeys.LEGACY);
    }
  }

  private void peer(int i, Map<String, Object> m) {
    String path = FieldReader.at("peers", i);
    r.onlyKnown(
        m,
        path,
        "peer-address",
        "peer-asn",
        "my-asn",
        "peer-port",
        "source-address",
        "hold-time",
        "keepalive-time",
        "router-id",
        "password",
        "bfd-profile",
        "ebgp-multihop",
        "node-selectors");
    String name = "legacy-peer-" + (i + 1);
    if (!state.define("BGPPeer", name, r, path)) {
      return;
    }
    PeerDraft d = new PeerDraft(r.src, name, path, ImmutableBgpPeer.builder());
    d.builder.name(name).sourceVersion("legacy");
    peerRules.readPeer(r, d, m, path, PeerKeys.LEGACY, true);
  }

  private void pool(int i, Map<String, Object> m) {
    String path = FieldReader.at("address-pools", i);
    r.onlyKnown(
        m,
        path,
        "name",
        "protocol",
        "addresses",
        "avoid-buggy-ips",
        "auto-assign",
        "bgp-advertisements");
    String nameField = FieldReader.at(path, "name");
    Optional<String> name = r.nonEmptyStr(m, "name", path);
    if (!m.containsKey("name")) {
      r.error(nameField, null, "missing (expected: a unique pool name)");
    }
    boolean fresh = name.isPresent() && state.define("IPAddressPool", name.get(), r, nameField);
    Optional<String> protocol = r.str(m, "protocol", path);
    String protoField = FieldReader.at(path, "protocol");
    boolean layer2 = false;
    boolean bgp = false;
    if (protocol.isEmpty()) {
      if (!m.containsKey("protocol")) {
        r.error(protoField, null, "missing (expected: layer2 or bgp)");
      }
    } else if (protocol.get().equals("layer2")) {
      layer2 = true;
    } else if (protocol.get().equals("bgp")) {
      bgp = true;
    } else {
      r.error(protoField, protocol.get(), "unknown protocol (expected: layer2 or bgp)");
    }
    List<RangeAt> ranges = poolRules.addresses(r, m, "addresses", path);
    boolean avoidBuggy = r.bool(m, "avoid-buggy-ips", path).orElse(false);
    boolean autoAssign = r.bool(m, "auto-assign", path).orElse(true);
    Object ads = m.get("bgp-advertisements");
    boolean hasAds = ads != null && !(ads instanceof List<?> l && l.isEmpty());
    if (hasAds && layer2) {
      r.error(
          FieldReader.at(path, "bgp-advertisements"),
          null,
          "only allowed in a pool with protocol bgp (this pool has protocol layer2)");
    }
    if (name.isEmpty()) {
      return;
    }
    poolRules.addPool(
        r,
        name.get(),
        nameField,
        FieldReader.at(path, "addresses"),
        FieldReader.at(path, "avoid-buggy-ips"),
        fresh,
        ranges,
        autoAssign,
        avoidBuggy,
        Optional.empty(),
        Map.of());
    if (!fresh) {
      return;
    }
    if (layer2) {
      adRules.addLegacyL2(new AdRefs(r.src, name.get(), path, true), name.get());
    } else if (bgp) {
      Map<Integer, Map<String, Object>> list = r.mapList(m, "bgp-advertisements", path);
      if (list.isEmpty() && !hasAds) {
        AdRefs refs = new AdRefs(r.src, name.get(), path, true);
        BgpAdDraft d = adRules.bgpAd(r, refs, Map.of(), path, "-", "-", "-", "-");
        adRules.addLegacyBgp(d, name.get());
      }
      Map<Map<String, Object>, Integer> seen = new java.util.HashMap<>();
      list.forEach(
          (j, ad) -> {
            String p = FieldReader.at(FieldReader.at(path, "bgp-advertisements"), j);
            Integer same = seen.putIfAbsent(ad, j);
            if (same != null) {
              // MetalLB v0.12 validateDuplicateAdvertisements
              r.error(
                  p,
                  null,
                  "identical to "
                      + FieldReader.at(FieldReader.at(path, "bgp-advertisements"), same)
                      + " (expected: each advertisement once)");
              return;
            }
            r.onlyKnown(
                ad, p, "aggregation-length", "aggregation-length-v6", "localpref", "communities");
            AdRefs refs = new AdRefs(r.src, name.get() + "-" + (j + 1), p, true);
            BgpAdDraft d =
                adRules.bgpAd(
                    r,
                    refs,
                    ad,
                    p,
                    "aggregation-length",
                    "aggregation-length-v6",
                    "localpref",
                    "communities");
            adRules.addLegacyBgp(d, name.get());
          });
    }
  }
}
