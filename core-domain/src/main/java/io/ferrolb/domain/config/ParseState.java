package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.BgpAdDraft;
import io.ferrolb.domain.config.Drafts.Defined;
import io.ferrolb.domain.config.Drafts.L2Draft;
import io.ferrolb.domain.config.Drafts.PeerDraft;
import io.ferrolb.domain.config.Drafts.PoolDraft;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@link ConfigParser#parse} collects while it reads the objects: the problems, the known
 * Secrets, the defined names, and a draft of every object for the cross-object checks. The rule
 * classes ({@link PoolRules}, {@link AdvertisementRules}, {@link PeerRules}, {@link BfdRules},
 * {@link CommunityRules}) add to it; {@link CrossObjectChecks} reads it once every object is read.
 */
final class ParseState {

  final ParseContext ctx;
  final Problems problems = new Problems();
  final Map<String, SecretData> secrets;
  final List<PoolDraft> pools = new ArrayList<>();
  final List<L2Draft> l2Ads = new ArrayList<>();
  final List<BgpAdDraft> bgpAds = new ArrayList<>();
  final List<PeerDraft> peers = new ArrayList<>();
  final List<BfdProfile> bfdProfiles = new ArrayList<>();
  final Map<String, String> communities = new LinkedHashMap<>();
  private final Map<String, Map<String, Defined>> names = new HashMap<>();

  ParseState(ParseContext ctx) {
    this.ctx = ctx;
    this.secrets = new HashMap<>(ctx.secrets());
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
}
