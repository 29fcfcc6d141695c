package io.ferrolb.adapters.k8s;

import static io.ferrolb.adapters.k8s.StatusFixtures.NS;
import static io.ferrolb.adapters.k8s.StatusFixtures.ownerOf;
import static io.ferrolb.adapters.k8s.StatusFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class Fabric8ConfigStatusWriterTest {
  KubernetesClient client;

  @BeforeEach
  void crds() {
    StatusFixtures.installStatusCrds(client);
  }

  private Fabric8ConfigStatusWriter writer(Optional<String> podName) {
    return new Fabric8ConfigStatusWriter(
        client, new Fabric8ClusterView(client, NS), PodOwner.lookup(client, NS, podName));
  }

  private GenericKubernetesResource state(String component) {
    return client
        .genericKubernetesResources(MetallbKind.CONFIGURATION_STATE.context())
        .inNamespace(NS)
        .withName(component)
        .get();
  }

  private List<OwnerReference> owners(String component) {
    return state(component).getMetadata().getOwnerReferences();
  }

  @Test
  void aNewConfigurationStateIsOwnedByTheWritersPod() {
    Pod controller = pod(client, "controller-7d4c8b9f5-abcde");

    writer(Optional.of("controller-7d4c8b9f5-abcde")).configurationState("controller", true, "");

    assertThat(owners("controller")).containsExactly(ownerOf(controller));
    assertThat(state("controller").getAdditionalProperties().get("status"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("result", "Valid");
  }

  @Test
  void aStateWithoutOwnerGetsItAndARestartedPodReplacesTheEarlierOne() {
    writer(Optional.empty()).configurationState("speaker-node-a", true, "");
    assertThat(owners("speaker-node-a")).isEmpty();
    Pod first = pod(client, "speaker-a1");

    Fabric8ConfigStatusWriter w = writer(Optional.of("speaker-a1"));
    w.configurationState("speaker-node-a", true, ""); // nothing changed but the owner
    assertThat(owners("speaker-node-a")).containsExactly(ownerOf(first));

    client.pods().inNamespace(NS).withName("speaker-a1").delete();
    Pod restarted = pod(client, "speaker-b7");
    writer(Optional.of("speaker-b7")).configurationState("speaker-node-a", false, "bad pool");

    assertThat(owners("speaker-node-a")).containsExactly(ownerOf(restarted));
    assertThat(state("speaker-node-a").getAdditionalProperties().get("status"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("result", "Invalid");
  }

  @Test
  void aDeletedStateIsCreatedAgainByTheNextWrite() {
    Pod speaker = pod(client, "speaker-a1");
    Fabric8ConfigStatusWriter w = writer(Optional.of("speaker-a1"));
    w.configurationState("speaker-node-a", true, "");
    client
        .genericKubernetesResources(MetallbKind.CONFIGURATION_STATE.context())
        .inNamespace(NS)
        .withName("speaker-node-a")
        .delete(); // the garbage collector, when the Pod goes

    w.configurationState("speaker-node-a", true, "");

    assertThat(owners("speaker-node-a")).containsExactly(ownerOf(speaker));
  }

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
