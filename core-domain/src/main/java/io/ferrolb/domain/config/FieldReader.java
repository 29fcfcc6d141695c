package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Problems.Src;
import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.LabelSelector.Operator;
import io.ferrolb.domain.pool.LabelSelector.Requirement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Typed, path-tracking access to the generic tree of one object. Every problem is reported to
 * {@link Problems} with the object, the field path and the value; the accessors then return empty
 * results, so parsing goes on and every error of the object is found.
 */
final class FieldReader {

  // Kubernetes: apimachinery validation.IsQualifiedName / IsValidLabelValue
  private static final Pattern NAME_PART =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  final Src src;
  final Problems problems;
  private final boolean legacy;

  /**
   * @param legacy the legacy ConfigMap: keys are kebab-case, and (as Go's yaml.v2 does) an integer
   *     scalar is accepted where a string is expected
   */
  FieldReader(Src src, Problems problems, boolean legacy) {
    this.src = src;
    this.problems = problems;
    this.legacy = legacy;
  }

  static String at(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  static String at(String path, int index) {
    return path + "[" + index + "]";
  }

  void error(String field, Object value, String message) {
    problems.error(src, field, render(value), message);
  }

  void warn(String field, Object value, String message) {
    problems.warn(src, field, render(value), message);
  }

  static String render(Object value) {
    if (value == null) {
      return "";
    }
    String s = String.valueOf(value);
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  static String typeName(Object v) {
    if (v instanceof String) {
      return "string";
    }
    if (v instanceof Long) {
      return "integer";
    }
    if (v instanceof Double) {
      return "number";
    }
    if (v instanceof Boolean) {
      return "boolean";
    }
    if (v instanceof List) {
      return "list";
    }
    if (v instanceof Map) {
      return "map";
    }
    return v.getClass().getSimpleName();
  }

  private void wrongType(String path, Object v, String expected) {
    error(path, v, "wrong type " + typeName(v) + " (expected: " + expected + ")");
  }

  /** Reports every key of {@code m} not in {@code known} as an unknown field. */
  void onlyKnown(Map<String, Object> m, String path, Set<String> known, String hint) {
    for (String k : new TreeSet<>(m.keySet())) { // sorted: spec maps may be unordered
      if (!known.contains(k)) {
        error(
            at(path, k),
            null,
            "unknown field (expected one of: "
                + String.join(", ", new TreeSet<>(known))
                + ")"
                + hint);
      }
    }
  }

  void onlyKnown(Map<String, Object> m, String path, String... known) {
    onlyKnown(m, path, Set.of(known), "");
  }

  // --- scalars ---

  Optional<String> str(Map<String, Object> m, String key, String path) {
    return str(m.get(key), at(path, key));
  }

  Optional<String> str(Object v, String path) {
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof String s) {
      return Optional.of(s);
    }
    if (legacy && v instanceof Long l) {
      return Optional.of(String.valueOf(l));
    }
    wrongType(path, v, "string");
    return Optional.empty();
  }

  /** A non-empty string; reports an empty one. */
  Optional<String> nonEmptyStr(Map<String, Object> m, String key, String path) {
    Optional<String> s = str(m, key, path);
    if (s.isPresent() && s.get().isEmpty()) {
      error(at(path, key), null, "empty (expected: a non-empty string)");
      return Optional.empty();
    }
    return s;
  }

  Optional<Long> lng(Map<String, Object> m, String key, String path, long min, long max) {
    Object v = m.get(key);
    String p = at(path, key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Long l) {
      if (l < min || l > max) {
        error(p, l, "out of range (expected: " + min + ".." + max + ")");
        return Optional.empty();
      }
      return Optional.of(l);
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      // 1e3 or 64512.0: an integral number written as a float, accepted like JSON integers
      return lng(Map.of(key, (Object) (long) (double) d), key, path, min, max);
    }
    wrongType(p, v, "integer " + min + ".." + max);
    return Optional.empty();
  }

  Optional<Boolean> bool(Map<String, Object> m, String key, String path) {
    Object v = m.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Boolean b) {
      return Optional.of(b);
    }
    wrongType(at(path, key), v, "boolean true or false");
    return Optional.empty();
  }

  /**
   * A Go duration string. A bare number is rejected, as Go's {@code time.ParseDuration} (behind
   * both metav1.Duration and the legacy ConfigMap) rejects it.
   */
  Optional<Duration> duration(Map<String, Object> m, String key, String path) {
    String p = at(path, key);
    Object v = m.get(key);
    if (v instanceof Long || v instanceof Double) {
      error(p, v, "number without unit (expected: Go duration like 90s, 1m30s, 500ms)");
      return Optional.empty();
    }
    Optional<String> s = str(v, p);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      Duration d = GoDuration.parse(s.get().strip());
      if (d.isNegative()) {
        error(p, s.get(), "negative duration (expected: >= 0)");
        return Optional.empty();
      }
      return Optional.of(d);
    } catch (IllegalArgumentException e) {
      error(p, s.get(), e.getMessage());
      return Optional.empty();
    }
  }

  // --- collections ---

  Optional<Map<String, Object>> map(Map<String, Object> m, String key, String path) {
    return map(m.get(key), at(path, key));
  }

  @SuppressWarnings("unchecked")
  Optional<Map<String, Object>> map(Object v, String path) {
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Map<?, ?> mm) {
      return Optional.of((Map<String, Object>) mm);
    }
    wrongType(path, v, "map");
    return Optional.empty();
  }

  /** The list at {@code key}; absent: empty; not a list: reported, empty. */
  List<Object> list(Map<String, Object> m, String key, String path, String expected) {
    Object v = m.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    wrongType(at(path, key), v, expected);
    return List.of();
  }

  /** Strings of the list at {@code key}, with wrong elements reported and skipped. */
  List<String> strList(Map<String, Object> m, String key, String path) {
    String p = at(path, key);
    List<Object> raw = list(m, key, path, "list of strings");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      str(raw.get(i), at(p, i)).ifPresent(out::add);
    }
    return out;
  }

  /** Index-keyed strings of the list, so callers can name the exact element. */
  Map<Integer, String> indexedStrList(Map<String, Object> m, String key, String path) {
    String p = at(path, key);
    List<Object> raw = list(m, key, path, "list of strings");
    Map<Integer, String> out = new LinkedHashMap<>();
    for (int i = 0; i < raw.size(); i++) {
      final int idx = i;
      str(raw.get(i), at(p, i)).ifPresent(s -> out.put(idx, s));
    }
    return out;
  }

  /** Maps of the list at {@code key}, with index; wrong elements reported and skipped. */
  Map<Integer, Map<String, Object>> mapList(Map<String, Object> m, String key, String path) {
    String p = at(path, key);
    List<Object> raw = list(m, key, path, "list of maps");
    Map<Integer, Map<String, Object>> out = new LinkedHashMap<>();
    for (int i = 0; i < raw.size(); i++) {
      final int idx = i;
      map(raw.get(i), at(p, i)).ifPresent(x -> out.put(idx, x));
    }
    return out;
  }

  Map<String, String> strMap(Map<String, Object> m, String key, String path) {
    Optional<Map<String, Object>> mm = map(m, key, path);
    Map<String, String> out = new LinkedHashMap<>();
    mm.ifPresent(
        x -> x.forEach((k, v) -> str(v, at(at(path, key), k)).ifPresent(s -> out.put(k, s))));
    return out;
  }

  // --- label selectors ---

  /** A list of label selectors at {@code key}; invalid ones reported and skipped. */
  List<LabelSelector> selectors(Map<String, Object> m, String key, String path) {
    List<LabelSelector> out = new ArrayList<>();
    Map<LabelSelector, Integer> seen = new HashMap<>();
    mapList(m, key, path)
        .forEach(
            (i, sel) -> {
              String p = at(at(path, key), i);
              selector(sel, p)
                  .filter(s -> noDuplicateParts(s, p))
                  .ifPresent(
                      s -> {
                        Integer first = seen.putIfAbsent(sorted(s), i);
                        if (first != null) {
                          error(
                              p,
                              null,
                              "duplicate label selector: equal to "
                                  + at(at(path, key), first)
                                  + " once values are sorted, as MetalLB compares them"
                                  + " (expected: each selector once)");
                        } else {
                          out.add(s);
                        }
                      });
            });
    return out;
  }

  /** The selector with each requirement's values sorted: how MetalLB compares selectors. */
  private static LabelSelector sorted(LabelSelector s) {
    return new LabelSelector(
        s.matchLabels(), s.matchExpressions().stream().map(FieldReader::sorted).toList());
  }

  /** The requirement with its values sorted. */
  private static Requirement sorted(Requirement q) {
    return new Requirement(q.key(), q.operator(), q.values().stream().sorted().toList());
  }

  /**
   * MetalLB ({@code validateLabelSelectorMatchExpressions}) rejects a value given twice in one
   * requirement and two requirements that are equal once their values are sorted.
   */
  private boolean noDuplicateParts(LabelSelector s, String path) {
    String exprKey = legacy ? "match-expressions" : "matchExpressions";
    boolean ok = true;
    List<Requirement> reqs = s.matchExpressions();
    Map<Requirement, Integer> seen = new HashMap<>();
    for (int i = 0; i < reqs.size(); i++) {
      Requirement q = reqs.get(i);
      String p = at(at(path, exprKey), i);
      Set<String> values = new HashSet<>();
      for (int j = 0; j < q.values().size(); j++) {
        if (!values.add(q.values().get(j))) {
          error(
              at(at(p, "values"), j),
              q.values().get(j),
              "duplicate value in a match expression (expected: each value once)");
          ok = false;
        }
      }
      Integer first = seen.putIfAbsent(sorted(q), i);
      if (first != null) {
        error(
            p,
            q.key(),
            "duplicate match expression: equal to "
                + at(at(path, exprKey), first)
                + " once values are sorted (expected: each expression once)");
        ok = false;
      }
    }
    return ok;
  }

  /** One label selector ({@code matchLabels}/{@code matchExpressions}, or kebab-case legacy). */
  Optional<LabelSelector> selector(Map<String, Object> sel, String path) {
    String labelsKey = legacy ? "match-labels" : "matchLabels";
    String exprKey = legacy ? "match-expressions" : "matchExpressions";
    int before = problems.errorCount();
    onlyKnown(sel, path, labelsKey, exprKey);
    Map<String, String> labels = strMap(sel, labelsKey, path);
    labels.forEach(
        (k, v) -> {
          String p = at(at(path, labelsKey), k);
          checkLabelKey(p, k);
          checkLabelValue(p, v);
        });
    List<Requirement> reqs = new ArrayList<>();
    mapList(sel, exprKey, path)
        .forEach(
            (i, e) -> {
              String p = at(at(path, exprKey), i);
              onlyKnown(e, p, "key", "operator", "values");
              Optional<String> k = str(e, "key", p);
              Optional<String> op = str(e, "operator", p);
              List<String> values = strList(e, "values", p);
              if (k.isEmpty()) {
                error(at(p, "key"), null, "missing (expected: a label key)");
              } else {
                checkLabelKey(at(p, "key"), k.get());
              }
              for (int j = 0; j < values.size(); j++) {
                checkLabelValue(at(at(p, "values"), j), values.get(j));
              }
              Operator o = op.map(Operator::fromK8sName).orElse(null);
              if (op.isEmpty()) {
                error(
                    at(p, "operator"), null, "missing (expected: In, NotIn, Exists, DoesNotExist)");
              } else if (o == null) {
                error(
                    at(p, "operator"),
                    op.get(),
                    "unknown operator (expected: In, NotIn, Exists, DoesNotExist)");
              } else {
                boolean needsValues = o == Operator.IN || o == Operator.NOT_IN;
                if (needsValues && values.isEmpty()) {
                  error(
                      at(p, "values"),
                      null,
                      "operator " + o.k8sName() + " needs values (expected: at least one)");
                } else if (!needsValues && !values.isEmpty()) {
                  error(
                      at(p, "values"),
                      String.join(",", values),
                      "operator " + o.k8sName() + " takes no values (expected: none)");
                } else if (k.isPresent()) {
                  reqs.add(new Requirement(k.get(), o, values));
                }
              }
            });
    if (problems.errorCount() != before) {
      return Optional.empty();
    }
    return Optional.of(new LabelSelector(labels, reqs));
  }

  private void checkLabelKey(String path, String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        error(
            path,
            key,
            "invalid label key prefix (expected: a DNS subdomain of at most 253 characters)");
        return;
      }
    }
    if (name.isEmpty() || name.length() > 63 || !NAME_PART.matcher(name).matches()) {
      error(
          path,
          key,
          "invalid label key (expected: [prefix/]name, name of at most 63 characters of"
              + " [A-Za-z0-9-_.], beginning and ending alphanumeric)");
    }
  }

  private void checkLabelValue(String path, String value) {
    if (!value.isEmpty() && (value.length() > 63 || !NAME_PART.matcher(value).matches())) {
      error(
          path,
          value,
          "invalid label value (expected: at most 63 characters of [A-Za-z0-9-_.], beginning"
              + " and ending alphanumeric, or empty)");
    }
  }

  /** True when {@code name} is a valid Kubernetes object name (DNS-1123 subdomain). */
  static boolean isDnsSubdomain(String name) {
    return name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
  }

  static Set<String> setOf(String... names) {
    return new TreeSet<>(Arrays.asList(names));
  }
}
