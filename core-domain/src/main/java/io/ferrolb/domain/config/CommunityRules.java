package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.BgpAdDraft;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * BGP community aliases (Community CRDs and the legacy {@code bgp-communities}), and the resolution
 * of a BGP advertisement's communities against them.
 */
final class CommunityRules {

  private final ParseState state;
  private final Map<String, String> communities;

  CommunityRules(ParseState state) {
    this.state = state;
    this.communities = state.communities;
  }

  void readCommunityCrd(FieldReader r, RawObject o) {
    r.onlyKnown(o.spec(), "spec", "communities");
    if (!state.define("Community", o.name(), r, "metadata.name")) {
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
    if (state.define("community alias", alias, r, aliasField)) {
      communities.put(alias, value);
    }
  }

  void resolveCommunities(FieldReader r, BgpAdDraft d) {
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
}
