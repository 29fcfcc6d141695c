package io.ferrolb.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigParser;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.ParseResult;
import io.ferrolb.domain.config.RawObject;
import io.ferrolb.it.compat.CrdSchema.Rejection;
import io.ferrolb.it.compat.CrdSchema.Rule;
import io.ferrolb.it.compat.VerdictCorpus.Case;
import io.ferrolb.it.compat.VerdictCorpus.ExpectedVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The checks of deploy/crds that the API server makes at {@code kubectl apply}: the OpenAPI bounds
 * and the {@code x-kubernetes-validations} CEL rules, read from the YAML files as shipped and run
 * by a real CEL engine (cel-java) against MetalLB's verdict corpus and against ferrolb's own
 * parser.
 *
 * <p>The property that matters most: nothing MetalLB and ferrolb accept is rejected at apply
 * (MetalLB users apply their objects unchanged). Then: every invalid case whose error lies in the
 * object itself is rejected at apply, and the few that are not are listed here with the reason.
 */
class CrdValidationRulesTest {

  private static final String CROSS = "needs other objects";
  private static final String ALIAS =
      "a community entry may be the name of an alias, and any string may name one: whether it is"
          + " valid depends on the Community objects";
  private static final String NAMESPACE =
      "the namespace is not part of the object's schema: the webhook and the controller check it";
  private static final String COST =
      "overlaps within a pool compare every pair of entries: too costly for CEL";
  private static final String SORTED =
      "duplicate selectors or expressions once their values are sorted: too costly for CEL";

  /**
   * Invalid corpus cases the CRDs cannot reject, and why: the error needs other objects (which only
   * the controller and {@code ferrolb validate} see), or it lies where a CRD cannot look.
   */
  static final Map<String, String> NOT_AT_APPLY =
      new TreeMap<>(
          Map.ofEntries(
              // other objects
              Map.entry("pool-overlap-across-pools", CROSS),
              Map.entry("pool-same-cidr-in-two-pools", CROSS),
              Map.entry("pool-ranges-share-one-address", CROSS),
              Map.entry("pool-overlap-v6-across-pools", CROSS),
              Map.entry("pool-later-pool-is-wider", CROSS),
              Map.entry("pool-duplicate-name", CROSS),
              Map.entry("peer-duplicate-name", CROSS),
              Map.entry("bfd-duplicate-name", CROSS),
              Map.entry("bgp-same-name-same-spec", CROSS),
              Map.entry("community-cr-duplicate-alias-two-crs", CROSS),
              Map.entry("peer-bfd-profile-missing", CROSS),
              Map.entry("bfd-echo-ipv4-peer-ipv6-pool", CROSS),
              Map.entry("peer-password-secret-wrong-type", CROSS),
              Map.entry("peer-password-secret-without-password-key", CROSS),
              Map.entry("peers-same-address-both-all-nodes", CROSS),
              Map.entry("peers-same-address-different-port", CROSS),
              Map.entry("peers-same-address-identical-node-selectors", CROSS),
              Map.entry("peers-same-interface-both-all-nodes", CROSS),
              Map.entry("bgp-agg-shorter-than-cidr-prefix", CROSS),
              Map.entry("bgp-agg-one-entry-too-specific", CROSS),
              Map.entry("bgp-agg-range-below-lowest-mask", CROSS),
              Map.entry("bgp-agg-short-range-below-lowest-mask", CROSS),
              Map.entry("bgp-agg-unaligned-range-of-two-24s", CROSS),
              Map.entry("bgp-agg-v6-cidr-too-short", CROSS),
              Map.entry("bgp-agg-v6-range-below-lowest-mask", CROSS),
              Map.entry("bgp-agg-checked-on-selector-matched-pool", CROSS),
              Map.entry("bgp-agg-checked-on-all-pools", CROSS),
              Map.entry("bgp-agg-range-and-cidr-range-fails", CROSS),
              Map.entry("localpref-conflict-same-pool", CROSS),
              Map.entry("localpref-conflict-unset-is-zero", CROSS),
              Map.entry("localpref-shared-peer", CROSS),
              Map.entry("localpref-one-peer-list-one-all-peers", CROSS),
              Map.entry("localpref-dual-stack-only-v4-aggregation-differs", CROSS),
              Map.entry("localpref-v6-pool-only-v4-aggregation-differs", CROSS),
              Map.entry("localpref-conflict-via-pool-selector", CROSS),
              Map.entry("localpref-conflict-all-pools-advertisement", CROSS),
              Map.entry("bgp-community-alias-unknown", ALIAS),
              Map.entry("bgp-community-asn-part-too-big", ALIAS),
              Map.entry("bgp-community-value-part-too-big", ALIAS),
              Map.entry("bgp-community-three-fields", ALIAS),
              Map.entry("bgp-community-large-bad-marker", ALIAS),
              Map.entry("bgp-community-large-field-too-big", ALIAS),
              // within the object, but out of the CRD's reach
              Map.entry("pool-missing-name", "metadata.name: checked by the API server itself"),
              Map.entry("pool-outside-metallb-namespace", NAMESPACE),
              Map.entry("peer-outside-metallb-namespace", NAMESPACE),
              Map.entry("bgp-outside-metallb-namespace", NAMESPACE),
              Map.entry("pool-overlap-within-pool", COST),
              Map.entry("pool-duplicate-address-within-pool", COST),
              Map.entry("pool-range-overlaps-cidr-within-pool", COST),
              Map.entry(
                  "pool-range-v6-start-after-end",
                  "comparing IPv6 addresses needs their hex groups parsed, which CEL cannot do"
                      + " within the API server's cost estimate"),
              Map.entry("pool-allocation-duplicate-namespace-selectors", SORTED),
              Map.entry("pool-allocation-duplicate-service-selectors", SORTED),
              Map.entry("pool-allocation-expressions-equal-after-sort", SORTED),
              Map.entry("peer-duplicate-node-selectors", SORTED),
              Map.entry("peer-node-selector-expressions-equal-after-sort", SORTED),
              Map.entry("l2-duplicate-pool-selectors", SORTED),
              Map.entry("l2-duplicate-node-selectors", SORTED),
              Map.entry("l2-duplicate-service-selectors", SORTED),
              Map.entry("l2-pool-selector-expressions-equal-after-sort", SORTED),
              Map.entry("bgp-duplicate-node-selectors", SORTED),
              Map.entry("bgp-duplicate-pool-selectors", SORTED),
              Map.entry("bgp-duplicate-service-selectors", SORTED),
              Map.entry("bgp-node-expressions-equal-after-sort", SORTED),
              Map.entry(
                  "l2-node-selector-bad-label-value",
                  "label key and value syntax: left to the controller (MetalLB checks it there"
                      + " too)"),
              Map.entry(
                  "community-cr-duplicate-alias-same-cr",
                  "duplicate alias names in one Community: a pairwise comparison of the whole"
                      + " list, too costly for CEL")));

  static List<CrdSchema> schemas;

  @BeforeAll
  static void load() {
    schemas = CrdSchema.loadAll();
  }

  static List<Rule> rules() {
    return schemas.stream().flatMap(s -> s.rules.stream()).toList();
  }

  @Test
  void everyRuleCompilesToABooleanAndHasAMessage() throws CelValidationException {
    assertThat(rules()).hasSizeGreaterThan(20);
    for (Rule r : rules()) {
      assertThat(r.compiled().hasError())
          .as(r.where() + "\n" + r.compiled().getErrorString())
          .isFalse();
      assertThat(r.compiled().getAst().getResultType()).as(r.where()).isEqualTo(SimpleType.BOOL);
      assertThat(r.message()).as(r.where()).isNotBlank();
      if (r.compiledMessage() != null) {
        assertThat(r.compiledMessage().hasError())
            .as(r.where() + " messageExpression\n" + r.compiledMessage().getErrorString())
            .isFalse();
        assertThat(r.compiledMessage().getAst().getResultType())
            .as(r.where())
            .isEqualTo(SimpleType.STRING);
      }
      if (r.fieldPath() != null) {
        String field = r.fieldPath().substring(1);
        assertThat(r.fieldPath()).as(r.where()).startsWith(".");
        assertThat(CrdSchema.properties(r.scope())).as(r.where()).containsKey(field);
      }
    }
  }

  @Test
  void everyRuleFitsTheApiServersCostBudget() throws CelValidationException {
    Map<String, Long> perCrd = new TreeMap<>();
    StringBuilder table = new StringBuilder();
    for (Rule r : rules()) {
      long cost = CelCost.estimate(r.compiled().getAst(), r.scope());
      if (r.compiledMessage() != null) {
        long messageCost = CelCost.estimate(r.compiledMessage().getAst(), r.scope());
        perCrd.merge(r.crd() + " " + r.version(), messageCost * r.cardinality(), Long::sum);
        assertThat(
                Math.multiplyHigh(messageCost, r.cardinality()) == 0
                    ? messageCost * r.cardinality()
                    : Long.MAX_VALUE)
            .as(r.where() + " messageExpression")
            .isLessThanOrEqualTo(CelCost.RULE_LIMIT);
      }
      long total = cost * r.cardinality();
      table.append(
          String.format("%10d x %7d = %10d  %s%n", cost, r.cardinality(), total, r.where()));
      assertThat(total)
          .as(r.where() + " (cost " + cost + ")")
          .isLessThanOrEqualTo(CelCost.RULE_LIMIT);
      perCrd.merge(r.crd() + " " + r.version(), total, Long::sum);
    }
    System.out.print(table);
    System.out.println("estimated cost per CRD version: " + perCrd);
    perCrd.forEach(
        (crd, total) -> assertThat(total).as(crd).isLessThanOrEqualTo(CelCost.CRD_LIMIT));
  }

  @Test
  void everySchemaStaysStructural() {
    for (CrdSchema s : schemas) {
      assertThat(CrdSchema.structuralProblems(s.root, "")).as(s.crd + " " + s.version).isEmpty();
    }
  }

  /** The cost model refuses what the API server refuses: unbounded strings and lists. */
  @Test
  void theCostModelRefusesUnboundedRules() throws CelValidationException {
    String longRegex = "'^(" + "ab|".repeat(100) + "c)$'";
    assertThat(cost(Map.of("type", "string"), "self.matches(" + longRegex + ")"))
        .as("a long regex over a string without maxLength")
        .isGreaterThan(CelCost.RULE_LIMIT);
    assertThat(cost(Map.of("type", "string", "maxLength", 128), "self.matches(" + longRegex + ")"))
        .isLessThan(10_000);
    assertThat(cost(Map.of("type", "string", "maxLength", 64), "self.matches('^[a-z]+$')"))
        .isLessThan(1000);
    assertThat(
            cost(
                Map.of("type", "string", "maxLength", 64),
                "self.split(',').all(x, x.matches('^[a-z]+$'))"))
        .as("a string op on an element of split(): cel-go cannot size it")
        .isGreaterThan(CelCost.RULE_LIMIT);
    assertThat(
            cost(Map.of("type", "string", "maxLength", 64), "self.split(',').all(x, int(x) > 0)"))
        .as("int() of an element costs 1 whatever its size")
        .isLessThan(1000);
    Map<String, Object> unboundedList =
        Map.of("type", "array", "items", Map.of("type", "string", "maxLength", 64));
    assertThat(cost(unboundedList, "self.all(x, x.matches('^[a-z]+$'))"))
        .as("a list without maxItems is sized by the request limit")
        .isGreaterThan(CelCost.RULE_LIMIT);
  }

  private static long cost(Map<String, Object> scope, String rule) throws CelValidationException {
    Map<String, Object> node = new LinkedHashMap<>(scope);
    node.put("x-kubernetes-validations", List.of(Map.of("rule", rule, "message", "m")));
    Rule r = CrdSchema.of("Test", node).rules.get(0);
    assertThat(r.compiled().hasError()).as(r.compiled().getErrorString()).isFalse();
    return CelCost.estimate(r.compiled().getAst(), r.scope()) * r.cardinality();
  }

  @Test
  void rulesPerCrd() {
    Map<String, Long> count = new TreeMap<>();
    for (CrdSchema s : schemas) {
      count.merge(s.crd, (long) s.rules.size(), Long::sum);
    }
    System.out.println("x-kubernetes-validations per CRD (all versions): " + count);
    assertThat(count).containsKeys("metallb.io_ipaddresspools.yaml", "metallb.io_bgppeers.yaml");
  }

  // ------------------------------------------------------------------ corpus

  /** What the API server says of each object of a case (kind and name, then the rejections). */
  static Map<String, List<Rejection>> apply(Case c) {
    Map<String, List<Rejection>> out = new LinkedHashMap<>();
    int n = 0;
    for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(c.yaml())) {
      n++;
      if (!(doc instanceof Map<?, ?> m) || !(m.get("apiVersion") instanceof String av)) {
        continue;
      }
      String kind = String.valueOf(m.get("kind"));
      for (CrdSchema s : schemas) {
        if (av.equals("metallb.io/" + s.version) && s.kind.equals(kind)) {
          @SuppressWarnings("unchecked")
          Map<String, Object> object = (Map<String, Object>) m;
          out.put(kind + " #" + n, s.validate(object));
        }
      }
    }
    return out;
  }

  static List<Case> crdCases() {
    return VerdictCorpus.load().stream().filter(c -> c.file().startsWith("crd-")).toList();
  }

  @Test
  void nothingMetallbAcceptsIsRejectedAtApply() {
    List<String> falseRejects = new ArrayList<>();
    int checked = 0;
    for (Case c : crdCases()) {
      if (c.verdict() == ExpectedVerdict.INVALID) {
        continue;
      }
      checked++;
      apply(c)
          .forEach(
              (object, rejections) -> {
                if (!rejections.isEmpty()) {
                  falseRejects.add(c + " " + object + ": " + rejections);
                }
              });
    }
    System.out.println(
        "valid and warning cases applied: " + checked + ", rejected: " + falseRejects.size());
    assertThat(falseRejects).isEmpty();
    assertThat(checked).isGreaterThan(100);
  }

  @Test
  void invalidObjectsAreRejectedAtApplyUnlessTheErrorNeedsOtherObjects() {
    List<String> missed = new ArrayList<>();
    List<String> unexpectedlyCaught = new ArrayList<>();
    List<String> wrongField = new ArrayList<>();
    int invalid = 0;
    int caught = 0;
    for (Case c : crdCases()) {
      if (c.verdict() != ExpectedVerdict.INVALID) {
        continue;
      }
      invalid++;
      Map<String, List<Rejection>> result = apply(c);
      boolean rejected = result.values().stream().anyMatch(l -> !l.isEmpty());
      if (rejected) {
        caught++;
      }
      if (rejected) {
        // the rejection names the field the corpus names (where it names one)
        List<String> paths =
            result.values().stream().flatMap(List::stream).map(Rejection::path).toList();
        for (String token : c.names()) {
          if (token.startsWith("spec.")
              && paths.stream().noneMatch(p -> p.startsWith(token) || token.startsWith(p))) {
            wrongField.add(c.id() + ": expected " + token + ", got " + result);
          }
        }
      }
      if (NOT_AT_APPLY.containsKey(c.id())) {
        if (rejected) {
          unexpectedlyCaught.add(c.id() + ": " + result);
        }
      } else if (!rejected) {
        missed.add(c.id() + " (from " + c.from() + ")");
      }
    }
    System.out.printf(
        "invalid CRD cases: %d, rejected at apply: %d, left to the controller: %d%n",
        invalid, caught, invalid - caught);
    NOT_AT_APPLY.forEach((id, why) -> System.out.println("  not at apply: " + id + ": " + why));
    assertThat(missed).as("invalid cases the CRDs should reject").isEmpty();
    assertThat(wrongField).as("rejected, but not for the field the corpus names").isEmpty();
    assertThat(unexpectedlyCaught)
        .as("cases listed as not rejected at apply that are (update NOT_AT_APPLY)")
        .isEmpty();
    assertThat(NOT_AT_APPLY.keySet())
        .as("every listed case is in the corpus")
        .allMatch(id -> crdCases().stream().anyMatch(c -> c.id().equals(id)));
  }

  // ------------------------------------------------------------------ against ferrolb's parser

  private static CrdSchema schema(String kind, String version) {
    return schemas.stream()
        .filter(s -> s.kind.equals(kind) && s.version.equals(version))
        .findFirst()
        .orElseThrow();
  }

  /** ferrolb's errors for one object alone, by field. */
  private static List<ConfigError> ferrolbErrors(
      String apiVersion, String kind, Map<String, Object> spec) {
    RawObject o = new RawObject(apiVersion, kind, "metallb-system", "x", Map.of(), spec, "gen");
    ParseResult r = ConfigParser.parse(List.of(o), ParseContext.of("metallb-system"));
    return r instanceof ParseResult.Invalid inv ? inv.errors() : List.of();
  }

  private record Tally(int total, int bothReject, int onlyFerrolb) {}

  /**
   * For each generated spec: if the CRD rejects it, ferrolb rejects it too (for a reason in the
   * same field). Returns how often each side rejected.
   */
  private static Tally differential(
      String kind,
      String version,
      List<Map<String, Object>> specs,
      Function<ConfigError, Boolean> relevant) {
    CrdSchema s = schema(kind, version);
    int both = 0;
    int onlyFerrolb = 0;
    List<String> falseRejects = new ArrayList<>();
    for (Map<String, Object> spec : specs) {
      Map<String, Object> object = new LinkedHashMap<>();
      object.put("apiVersion", "metallb.io/" + version);
      object.put("kind", kind);
      object.put("spec", spec);
      List<Rejection> crd = s.validate(object);
      boolean ferrolb =
          ferrolbErrors("metallb.io/" + version, kind, spec).stream().anyMatch(relevant::apply);
      if (!crd.isEmpty() && !ferrolb) {
        falseRejects.add(spec + " -> " + crd);
      } else if (!crd.isEmpty()) {
        both++;
      } else if (ferrolb) {
        onlyFerrolb++;
      }
    }
    assertThat(falseRejects).as("rejected at apply but accepted by ferrolb").isEmpty();
    System.out.printf(
        "%s %s: %d generated, rejected by both %d, by ferrolb only %d%n",
        kind, version, specs.size(), both, onlyFerrolb);
    return new Tally(specs.size(), both, onlyFerrolb);
  }

  @Test
  void poolAddressesRejectedAtApplyAreRejectedByFerrolb() {
    Random rnd = new Random(17);
    List<Map<String, Object>> specs = new ArrayList<>();
    for (String a : Gen.addressEntries(rnd, 6000)) {
      specs.add(Map.of("addresses", List.of(a)));
    }
    Tally t =
        differential(
            "IPAddressPool", "v1beta1", specs, e -> e.field().startsWith("spec.addresses"));
    assertThat(t.bothReject()).as("the rules reject something").isGreaterThan(1000);
  }

  @Test
  void peerFieldsRejectedAtApplyAreRejectedByFerrolb() {
    Random rnd = new Random(18);
    List<Map<String, Object>> specs = new ArrayList<>();
    List<String> durations = Gen.durations();
    for (String h : durations) {
      for (String k : durations) {
        Map<String, Object> spec = Gen.peer();
        if (!h.isEmpty()) {
          spec.put("holdTime", h);
        }
        if (!k.isEmpty()) {
          spec.put("keepaliveTime", k);
        }
        specs.add(spec);
      }
      Map<String, Object> spec = Gen.peer();
      if (!h.isEmpty()) {
        spec.put("connectTime", h);
      }
      specs.add(spec);
    }
    for (String ip : Gen.addresses(rnd, 1500)) {
      for (String field : List.of("peerAddress", "sourceAddress", "routerID")) {
        Map<String, Object> spec = Gen.peer();
        spec.put(field, ip);
        specs.add(spec);
      }
    }
    for (long asn : List.of(0L, 1L, 64512L, 4294967295L)) {
      for (long peer : List.of(0L, 1L, 64512L)) {
        for (boolean multihop : List.of(false, true)) {
          Map<String, Object> spec = Gen.peer();
          spec.put("myASN", asn);
          spec.put("peerASN", peer);
          spec.put("ebgpMultiHop", multihop);
          specs.add(spec);
          Map<String, Object> dynamic = new LinkedHashMap<>(spec);
          dynamic.put("dynamicASN", "external");
          specs.add(dynamic);
        }
      }
    }
    differential("BGPPeer", "v1beta2", specs, e -> e.field().startsWith("spec."));
  }

  @Test
  void communityValuesRejectedAtApplyAreRejectedByFerrolb() {
    Random rnd = new Random(19);
    List<Map<String, Object>> specs = new ArrayList<>();
    for (String v : Gen.communities(rnd, 3000)) {
      specs.add(Map.of("communities", List.of(Map.of("name", "c", "value", v))));
    }
    Tally t =
        differential("Community", "v1beta1", specs, e -> e.field().startsWith("spec.communities"));
    assertThat(t.bothReject()).isGreaterThan(300);
  }
}
