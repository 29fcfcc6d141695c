package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The speaker pods informer (read as generic objects) against the CRUD mock API server. */
@EnableKubernetesMockClient(crud = true)
class Fabric8SpeakerViewTest {
  KubernetesClient client;

  private Fabric8SpeakerView view;

  @AfterEach
  void close() {
    if (view != null) {
      view.close();
    }
  }

  @Test
  void expectedSpeakersAreTheNodesOfLiveSpeakerPodsInOwnNamespace() {
    create(pod("ferrolb-system", "speaker-a", "speaker", "node-a", "Running"));
    create(pod("ferrolb-system", "speaker-b", "speaker", "node-b", "Pending"));
    create(pod("ferrolb-system", "speaker-c", "speaker", "node-c", "Failed"));
    create(pod("ferrolb-system", "speaker-d", "speaker", "node-d", "Succeeded"));
    create(pod("ferrolb-system", "speaker-e", "speaker", null, "Pending")); // not scheduled
    create(pod("ferrolb-system", "controller-x", "controller", "node-x", "Running"));
    create(pod("elsewhere", "speaker-y", "speaker", "node-y", "Running"));

    start();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(view.expectedSpeakers()).containsExactly("node-a", "node-b"));
  }

  @Test
  void anEmptyClusterStillReportsOneChangeOnceSynced() {
    // nothing to list: no informer sends an event, yet the speaker's first pass waits for one
    AtomicInteger changes = new AtomicInteger();
    view = new Fabric8SpeakerView(client, "ferrolb-system", "");
    view.start(
        () -> {
          assertThat(view.synced()).isTrue();
          changes.incrementAndGet();
        });

    await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() == 1);
    assertThat(view.synced()).isTrue();
  }

  @Test
  void metallbsSpeakerPodLabelsSelectMetallbsPods() {
    // MetalLB's DaemonSet labels its pods app=metallb,component=speaker (its --ml-labels)
    Pod metallb = pod("metallb-system", "speaker-m", "speaker", "node-m", "Running");
    metallb.getMetadata().setLabels(Map.of("app", "metallb", "component", "speaker"));
    create(metallb);
    Pod other = pod("metallb-system", "speaker-o", "speaker", "node-o", "Running");
    other.getMetadata().setLabels(Map.of("app", "other", "component", "speaker"));
    create(other);
    create(pod("metallb-system", "speaker-f", "speaker", "node-f", "Running")); // ferrolb's label

    view =
        new Fabric8SpeakerView(
            client, "metallb-system", "", Map.of("app", "metallb", "component", "speaker"));
    view.start(() -> {});
    await().atMost(Duration.ofSeconds(10)).until(view::synced);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(view.expectedSpeakers()).containsExactly("node-m"));
  }

  @Test
  void aPodBeingDeletedOrGoneNoLongerCountsAndEachChangeTriggers() {
    create(pod("ferrolb-system", "speaker-a", "speaker", "node-a", "Running"));
    create(pod("ferrolb-system", "speaker-b", "speaker", "node-b", "Running"));
    AtomicInteger changes = new AtomicInteger();
    view = new Fabric8SpeakerView(client, "ferrolb-system", "");
    view.start(changes::incrementAndGet);
    await().atMost(Duration.ofSeconds(10)).until(view::synced);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(view.expectedSpeakers()).containsExactly("node-a", "node-b"));
    int before = changes.get();

    // a finalizer keeps speaker-a in the API after delete, with metadata.deletionTimestamp set
    client
        .pods()
        .inNamespace("ferrolb-system")
        .withName("speaker-a")
        .edit(
            p ->
                new PodBuilder(p)
                    .editMetadata()
                    .addToFinalizers("ferrolb.io/test")
                    .endMetadata()
                    .build());
    client.pods().inNamespace("ferrolb-system").withName("speaker-a").delete();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                client
                        .pods()
                        .inNamespace("ferrolb-system")
                        .withName("speaker-a")
                        .get()
                        .getMetadata()
                        .getDeletionTimestamp()
                    != null);
    client.pods().inNamespace("ferrolb-system").withName("speaker-b").delete();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(view.expectedSpeakers()).isEmpty());
    assertThat(changes.get()).isGreaterThan(before);
  }

  private void start() {
    view = new Fabric8SpeakerView(client, "ferrolb-system", "");
    view.start(() -> {});
    await().atMost(Duration.ofSeconds(10)).until(view::synced);
  }

  private void create(Pod p) {
    client.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).create();
  }

  private static Pod pod(String ns, String name, String component, String node, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .withLabels(Map.of(Fabric8SpeakerView.SPEAKER_POD_LABEL, component))
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("c")
        .withImage("ferrolb")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }
}
