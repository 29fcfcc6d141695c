package io.ferrolb.domain.pool;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Kubernetes label selector with full semantics: every {@code matchLabels} entry and every {@code
 * matchExpressions} requirement must hold. An empty selector matches everything (as MetalLB's
 * conversion of {@code {}} to {@code labels.Everything()}).
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

  public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

  public LabelSelector {
    matchLabels = Map.copyOf(matchLabels);
    matchExpressions = List.copyOf(matchExpressions);
  }

  public static LabelSelector ofLabels(Map<String, String> labels) {
    return new LabelSelector(labels, List.of());
  }

  public boolean isEmpty() {
    return matchLabels.isEmpty() && matchExpressions.isEmpty();
  }

  /** True when {@code labels} satisfy every term of this selector. */
  public boolean matches(Map<String, String> labels) {
    for (Map.Entry<String, String> e : matchLabels.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    for (Requirement r : matchExpressions) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** True when any selector of the list matches (MetalLB ORs selector lists). */
  public static boolean anyMatches(List<LabelSelector> selectors, Map<String, String> labels) {
    for (LabelSelector s : selectors) {
      if (s.matches(labels)) {
        return true;
      }
    }
    return false;
  }

  /** Operators of {@code matchExpressions}. */
  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String k8sName;

    Operator(String k8sName) {
      this.k8sName = k8sName;
    }

    public String k8sName() {
      return k8sName;
    }

    /** The operator with this Kubernetes spelling, or null. */
    public static Operator fromK8sName(String name) {
      for (Operator o : values()) {
        if (o.k8sName.equals(name)) {
          return o;
        }
      }
      return null;
    }
  }

  /** One {@code matchExpressions} term. */
  public record Requirement(String key, Operator operator, List<String> values) {
    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operator, "operator");
      values = List.copyOf(values);
      boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
      if (needsValues && values.isEmpty()) {
        throw new IllegalArgumentException(
            "operator "
                + operator.k8sName()
                + " on key \""
                + key
                + "\": no values (expected: at least one)");
      }
      if (!needsValues && !values.isEmpty()) {
        throw new IllegalArgumentException(
            "operator "
                + operator.k8sName()
                + " on key \""
                + key
                + "\": has values (expected: none)");
      }
    }

    public boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case IN -> v != null && values.contains(v);
        case NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
      };
    }
  }
}
