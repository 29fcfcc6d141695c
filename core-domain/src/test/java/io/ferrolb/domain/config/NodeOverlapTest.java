package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.LabelSelector.Operator;
import io.ferrolb.domain.pool.LabelSelector.Requirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeOverlapTest {

  static LabelSelector labels(String k, String v) {
    return LabelSelector.ofLabels(Map.of(k, v));
  }

  static LabelSelector expr(String k, Operator op, String... values) {
    return new LabelSelector(Map.of(), List.of(new Requirement(k, op, List.of(values))));
  }

  @Test
  void anEmptyListSelectsEveryNodeSoItOverlapsAnything() {
    assertThat(NodeOverlap.of(List.of(), List.of())).isEqualTo(NodeOverlap.CERTAIN);
    assertThat(NodeOverlap.of(List.of(), List.of(labels("rack", "a"))))
        .isEqualTo(NodeOverlap.CERTAIN);
  }

  @Test
  void aSelectorInBothListsIsACertainOverlapWhateverTheOrderOfValues() {
    assertThat(
            NodeOverlap.of(
                List.of(expr("zone", Operator.IN, "a", "b")),
                List.of(labels("x", "y"), expr("zone", Operator.IN, "b", "a"))))
        .isEqualTo(NodeOverlap.CERTAIN);
  }

  @Test
  void aKeyPinnedToDisjointValuesCannotMatchOneNode() {
    assertThat(NodeOverlap.of(List.of(labels("rack", "a")), List.of(labels("rack", "b"))))
        .isEqualTo(NodeOverlap.DISJOINT);
    assertThat(
            NodeOverlap.of(
                List.of(expr("rack", Operator.IN, "a", "b")),
                List.of(expr("rack", Operator.IN, "c"))))
        .isEqualTo(NodeOverlap.DISJOINT);
    assertThat(
            NodeOverlap.of(
                List.of(labels("rack", "a")), List.of(expr("rack", Operator.DOES_NOT_EXIST))))
        .isEqualTo(NodeOverlap.DISJOINT);
    assertThat(
            NodeOverlap.of(
                List.of(expr("rack", Operator.EXISTS)),
                List.of(expr("rack", Operator.DOES_NOT_EXIST))))
        .isEqualTo(NodeOverlap.DISJOINT);
    assertThat(
            NodeOverlap.of(
                List.of(labels("rack", "a")), List.of(expr("rack", Operator.NOT_IN, "a"))))
        .isEqualTo(NodeOverlap.DISJOINT);
  }

  @Test
  void differentKeysMayMatchOneNode() {
    assertThat(NodeOverlap.of(List.of(labels("rack", "a")), List.of(labels("zone", "x"))))
        .isEqualTo(NodeOverlap.POSSIBLE);
    assertThat(
            NodeOverlap.of(
                List.of(labels("rack", "a")), List.of(expr("rack", Operator.NOT_IN, "b"))))
        .isEqualTo(NodeOverlap.POSSIBLE);
  }

  @Test
  void everyPairMustBeDisjointForTheListsToBe() {
    assertThat(
            NodeOverlap.of(
                List.of(labels("rack", "a"), labels("rack", "b")),
                List.of(labels("rack", "c"), labels("zone", "x"))))
        .isEqualTo(NodeOverlap.POSSIBLE);
    assertThat(
            NodeOverlap.of(
                List.of(labels("rack", "a"), labels("rack", "b")), List.of(labels("rack", "c"))))
        .isEqualTo(NodeOverlap.DISJOINT);
  }
}
