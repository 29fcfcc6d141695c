package io.ferrolb.domain.config;

import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.LabelSelector.Operator;
import io.ferrolb.domain.pool.LabelSelector.Requirement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether two node selector lists (an empty list selects every node) can choose the same node,
 * judged from the selectors alone so that a configuration's verdict does not change when a node's
 * labels do. MetalLB asks the cluster's Nodes instead; {@link #CERTAIN} is an overlap in any
 * cluster where the selectors select a node at all, {@link #DISJOINT} one in none.
 */
enum NodeOverlap {
  /** Every list empty, or one empty, or a selector in both: the same node is chosen. */
  CERTAIN,
  /** No node can match a selector of each list (a key both pin to disjoint values, ...). */
  DISJOINT,
  /** It depends on the nodes' labels. */
  POSSIBLE;

  static NodeOverlap of(List<LabelSelector> a, List<LabelSelector> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return CERTAIN;
    }
    boolean allDisjoint = true;
    for (LabelSelector x : a) {
      for (LabelSelector y : b) {
        if (sameSelector(x, y)) {
          return CERTAIN;
        }
        if (!disjoint(x, y)) {
          allDisjoint = false;
        }
      }
    }
    return allDisjoint ? DISJOINT : POSSIBLE;
  }

  private static boolean sameSelector(LabelSelector x, LabelSelector y) {
    return x.matchLabels().equals(y.matchLabels())
        && Set.copyOf(normalized(x)).equals(Set.copyOf(normalized(y)));
  }

  private static List<Requirement> normalized(LabelSelector s) {
    return s.matchExpressions().stream()
        .map(q -> new Requirement(q.key(), q.operator(), q.values().stream().sorted().toList()))
        .toList();
  }

  /** True when no label set satisfies both selectors. */
  private static boolean disjoint(LabelSelector x, LabelSelector y) {
    Terms tx = Terms.of(x);
    Terms ty = Terms.of(y);
    for (Map.Entry<String, Set<String>> e : tx.allowed.entrySet()) {
      Set<String> other = ty.allowed.get(e.getKey());
      if (other != null && e.getValue().stream().noneMatch(other::contains)) {
        return true;
      }
      if (ty.absent.contains(e.getKey()) || ty.forbids(e.getKey(), e.getValue())) {
        return true;
      }
    }
    for (Map.Entry<String, Set<String>> e : ty.allowed.entrySet()) {
      if (tx.absent.contains(e.getKey()) || tx.forbids(e.getKey(), e.getValue())) {
        return true;
      }
    }
    return tx.present.stream().anyMatch(ty.absent::contains)
        || ty.present.stream().anyMatch(tx.absent::contains);
  }

  /** A selector as: keys with the values they may take, keys that must exist or be absent. */
  private record Terms(
      Map<String, Set<String>> allowed,
      Set<String> present,
      Set<String> absent,
      Map<String, Set<String>> excluded) {

    static Terms of(LabelSelector s) {
      Terms t = new Terms(new HashMap<>(), new HashSet<>(), new HashSet<>(), new HashMap<>());
      s.matchLabels().forEach((k, v) -> t.allow(k, Set.of(v)));
      for (Requirement q : s.matchExpressions()) {
        if (q.operator() == Operator.IN) {
          t.allow(q.key(), Set.copyOf(q.values()));
        } else if (q.operator() == Operator.NOT_IN) {
          t.excluded.computeIfAbsent(q.key(), k -> new HashSet<>()).addAll(q.values());
        } else if (q.operator() == Operator.EXISTS) {
          t.present.add(q.key());
        } else {
          t.absent.add(q.key());
        }
      }
      return t;
    }

    private void allow(String key, Set<String> values) {
      present.add(key);
      allowed.merge(
          key,
          new HashSet<>(values),
          (old, add) -> {
            old.retainAll(add);
            return old;
          });
    }

    /** True when every value in {@code values} is excluded for {@code key} (NotIn). */
    boolean forbids(String key, Set<String> values) {
      Set<String> ex = excluded.get(key);
      return ex != null && ex.containsAll(values);
    }
  }
}
