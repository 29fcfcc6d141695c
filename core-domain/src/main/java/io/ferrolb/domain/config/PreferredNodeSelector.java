package io.ferrolb.domain.config;

import io.ferrolb.domain.pool.LabelSelector;
import java.util.Objects;

/**
 * A soft preference of an L2Advertisement for its announcing node: nodes matching {@code
 * preference} gain {@code weight} (1..100) in the election; weights add up across selectors.
 */
public record PreferredNodeSelector(int weight, LabelSelector preference) {

  public PreferredNodeSelector {
    // MetalLB: api/v1beta1/l2advertisement_types.go, kubebuilder Minimum=1 Maximum=100
    if (weight < 1 || weight > 100) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: 1..100)");
    }
    Objects.requireNonNull(preference, "preference");
  }
}
