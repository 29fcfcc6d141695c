package io.ferrolb.domain.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrolb.domain.ownership.SplitBrainPolicy.Mode;
import io.ferrolb.domain.ownership.SplitBrainPolicy.QuorumVerdict;
import io.ferrolb.domain.ownership.SplitBrainPolicy.Reason;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SplitBrainPolicyTest {

  private static Set<String> set(String list) {
    if (list == null || list.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(list.split(" ")).collect(Collectors.toSet());
  }

  @ParameterizedTest(name = "{0}: self={1} alive=[{2}] expected=[{3}] -> {4} {5}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # case                                         | self | alive   | expected    | may   | reason
          single-node cluster announces                  | a    | a       | a           | true  | MAJORITY
          single node, Kubernetes list still empty       | a    | a       | -           | true  | MAJORITY
          not started yet, nothing known                 | a    | -       | -           | true  | MAJORITY
          healthy three-node cluster                     | a    | a b c   | a b c       | true  | MAJORITY
          one of three dead: survivors keep announcing   | a    | a b     | a b c       | true  | MAJORITY
          isolated speaker withdraws                     | c    | c       | a b c       | false | MINORITY
          restarting speaker waits until it joins         | c    | -       | a b c       | false | MINORITY
          two of three dead, Kubernetes not yet aware    | a    | a       | a b c       | false | MINORITY
          two of three dead, Kubernetes marked NotReady  | a    | a       | a           | true  | MAJORITY
          two-node split: smallest name wins             | a    | a       | a b         | true  | HALF_WITH_TIE_BREAKER
          two-node split: other side waits               | b    | b       | a b         | false | HALF_WITHOUT_TIE_BREAKER
          four-node 2/2 split, side with smallest        | b    | a b     | a b c d     | true  | HALF_WITH_TIE_BREAKER
          four-node 2/2 split, other side                | c    | c d     | a b c d     | false | HALF_WITHOUT_TIE_BREAKER
          five-node 3/2 split, majority                  | c    | c d e   | a b c d e   | true  | MAJORITY
          five-node 3/2 split, minority                  | a    | a b     | a b c d e   | false | MINORITY
          member Kubernetes does not list yet counts     | a    | a b c   | a           | true  | MAJORITY
          self missing from alive is added               | a    | b       | a b c       | true  | MAJORITY
          """)
  void quorumRuleDecidesWhoMayAnnounce(
      String description, String self, String alive, String expected, boolean may, Reason reason) {
    QuorumVerdict verdict = SplitBrainPolicy.decide(self, set(alive), set(expected), Mode.QUORUM);

    assertThat(verdict.mayAnnounce()).as(description).isEqualTo(may);
    assertThat(verdict.reason()).as(description).isEqualTo(reason);
  }

  @Test
  void candidatesAreTheViewPlusSelfWhenAllowed() {
    QuorumVerdict verdict =
        SplitBrainPolicy.decide("a", Set.of("b"), Set.of("a", "b", "c"), Mode.QUORUM);

    assertThat(verdict.candidates()).containsExactlyInAnyOrder("a", "b");
    assertThat(verdict.visible()).isEqualTo(2);
    assertThat(verdict.quorumBase()).isEqualTo(3);
    assertThat(verdict.degraded()).isTrue();
  }

  @Test
  void minorityGetsNoCandidatesSoItClaimsNothing() {
    QuorumVerdict verdict =
        SplitBrainPolicy.decide("c", Set.of("c"), Set.of("a", "b", "c"), Mode.QUORUM);

    assertThat(verdict.candidates()).isEmpty();
    assertThat(verdict.mayAnnounce()).isFalse();
  }

  @Test
  void healthyClusterIsNotDegraded() {
    QuorumVerdict verdict =
        SplitBrainPolicy.decide("a", Set.of("a", "b"), Set.of("a", "b"), Mode.QUORUM);

    assertThat(verdict.degraded()).isFalse();
  }

  @Test
  void announceAlwaysModeKeepsMetalLbBehaviourForAnIsolatedSpeaker() {
    QuorumVerdict verdict =
        SplitBrainPolicy.decide("c", Set.of("c"), Set.of("a", "b", "c"), Mode.ANNOUNCE_ALWAYS);

    assertThat(verdict.mayAnnounce()).isTrue();
    assertThat(verdict.candidates()).containsExactly("c");
    assertThat(verdict.reason()).isEqualTo(Reason.QUORUM_NOT_REQUIRED);
    assertThat(verdict.degraded()).isTrue();
  }

  @Test
  void bothHalvesOfAnEvenSplitNeverAnnounceTogether() {
    Set<String> expected = Set.of("n1", "n2", "n3", "n4");

    QuorumVerdict left = SplitBrainPolicy.decide("n1", Set.of("n1", "n3"), expected, Mode.QUORUM);
    QuorumVerdict right = SplitBrainPolicy.decide("n2", Set.of("n2", "n4"), expected, Mode.QUORUM);

    assertThat(left.mayAnnounce() && right.mayAnnounce()).isFalse();
    assertThat(left.mayAnnounce() || right.mayAnnounce()).isTrue();
  }

  @Test
  void emptySelfIsRejected() {
    assertThatThrownBy(() -> SplitBrainPolicy.decide("", Set.of(), Set.of(), Mode.QUORUM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("self: \"\" (expected: a node name)");
  }
}
