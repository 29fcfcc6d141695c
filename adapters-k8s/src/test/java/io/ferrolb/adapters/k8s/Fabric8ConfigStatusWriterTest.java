package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Fabric8ConfigStatusWriterTest {

  @Test
  void warningsAreOneLineEachInATrueCondition() {
    Map<String, Object> c =
        Fabric8ConfigStatusWriter.warningsCondition(List.of("a: first", "b: second"), null);

    assertThat(c)
        .containsEntry("type", "ConfigurationWarnings")
        .containsEntry("status", "True")
        .containsEntry("reason", "Warnings")
        .containsEntry("message", "a: first\nb: second")
        .containsKey("lastTransitionTime");
  }

  @Test
  void noWarningsIsAFalseCondition() {
    assertThat(Fabric8ConfigStatusWriter.warningsCondition(List.of(), null))
        .containsEntry("status", "False")
        .containsEntry("reason", "NoWarnings");
  }

  @Test
  void theTransitionTimeIsKeptWhileTheStatusStaysSoAnUnchangedStateIsNotRewritten() {
    Map<String, Object> stored =
        Map.of(
            "conditions",
            List.of(
                Map.of(
                    "type", "ConfigurationWarnings",
                    "status", "True",
                    "lastTransitionTime", "2026-01-01T00:00:00Z")));

    assertThat(Fabric8ConfigStatusWriter.warningsCondition(List.of("x"), stored))
        .containsEntry("lastTransitionTime", "2026-01-01T00:00:00Z");
    assertThat(
            Fabric8ConfigStatusWriter.warningsCondition(List.of(), stored)
                .get("lastTransitionTime"))
        .isNotEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void aVeryLongListIsCutAndCounted() {
    List<String> many = Collections.nCopies(1000, "w".repeat(100));

    String message =
        (String) Fabric8ConfigStatusWriter.warningsCondition(many, null).get("message");

    assertThat(message.length()).isLessThan(Fabric8ConfigStatusWriter.MAX_WARNINGS_MESSAGE + 40);
    assertThat(message).endsWith("more");
  }

  @Test
  void metallbsConditionNamesTheReconcilerAsMetallbDoes() {
    assertThat(Fabric8ConfigStatusWriter.metallbCondition("controller", true, "", null))
        .containsEntry("type", "poolReconcilerValid")
        .containsEntry("status", "True")
        .containsEntry("reason", "Reconciled")
        .containsEntry("message", "");
    assertThat(
            Fabric8ConfigStatusWriter.metallbCondition(
                "speaker-node-a", false, "BGPPeer \"p\": spec.peerASN: missing", null))
        .containsEntry("type", "configReconcilerValid")
        .containsEntry("status", "False")
        .containsEntry("reason", "ConfigurationError")
        .containsEntry("message", "configuration error: BGPPeer \"p\": spec.peerASN: missing");
  }

  @Test
  void metallbsConditionKeepsItsTransitionTimeWhileItsStatusStays() {
    Map<String, Object> stored =
        Map.of(
            "conditions",
            List.of(
                Map.of(
                    "type", "poolReconcilerValid",
                    "status", "True",
                    "lastTransitionTime", "2026-01-01T00:00:00Z")));
    assertThat(Fabric8ConfigStatusWriter.metallbCondition("controller", true, "", stored))
        .containsEntry("lastTransitionTime", "2026-01-01T00:00:00Z");
    assertThat(
            Fabric8ConfigStatusWriter.metallbCondition("controller", false, "x", stored)
                .get("lastTransitionTime"))
        .isNotEqualTo("2026-01-01T00:00:00Z");
  }
}
