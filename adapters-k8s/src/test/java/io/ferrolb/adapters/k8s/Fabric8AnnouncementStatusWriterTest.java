package io.ferrolb.adapters.k8s;

import static io.ferrolb.adapters.k8s.StatusFixtures.NS;
import static io.ferrolb.adapters.k8s.StatusFixtures.ownerOf;
import static io.ferrolb.adapters.k8s.StatusFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.ferrolb.domain.allocation.ServiceKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ServiceL2Status and ServiceBGPStatus against the CRUD mock API: owned by the speaker's Pod, and
 * created again when deleted (the mock does not garbage-collect; a test deletes in its place).
 */
@EnableKubernetesMockClient(crud = true)
class Fabric8AnnouncementStatusWriterTest {
  static final ServiceKey WEB = new ServiceKey("default", "web");

  KubernetesClient client;

  @BeforeEach
  void crds() {
    StatusFixtures.installStatusCrds(client);
  }

  private Fabric8AnnouncementStatusWriter writer(PodOwner owner) {
    return new Fabric8AnnouncementStatusWriter(client, NS, owner);
  }

  private PodOwner owner(String podName) {
    return PodOwner.lookup(client, NS, Optional.of(podName));
  }

  private List<GenericKubernetesResource> objects(ResourceDefinitionContext ctx) {
    return client
        .genericKubernetesResources(ctx)
        .inNamespace(NS)
        .withLabel(Fabric8AnnouncementStatusWriter.NODE_LABEL, "node-a")
        .list()
        .getItems();
  }

  private static Object status(GenericKubernetesResource r, String field) {
    return ((Map<?, ?>) r.getAdditionalProperties().get("status")).get(field);
  }

  private static List<OwnerReference> owners(GenericKubernetesResource r) {
    return r.getMetadata().getOwnerReferences();
  }

  @Test
  void aNewObjectIsOwnedByTheSpeakersPod() {
    Pod speaker = pod(client, "speaker-a1");

    writer(owner("speaker-a1")).layer2("node-a", Map.of(WEB, Set.of("eth0")));
    writer(owner("speaker-a1")).bgp("node-a", Map.of(WEB, Set.of("peer1")));

    GenericKubernetesResource l2 = objects(Fabric8AnnouncementStatusWriter.L2).get(0);
    assertThat(owners(l2)).containsExactly(ownerOf(speaker));
    assertThat(status(l2, "interfaces")).isEqualTo(List.of(Map.of("name", "eth0")));
    assertThat(owners(objects(Fabric8AnnouncementStatusWriter.BGP).get(0)))
        .containsExactly(ownerOf(speaker));
  }

  @Test
  void anObjectAnOlderVersionWroteWithoutOwnerGetsTheOwnerOnTheNextWrite() {
    Pod speaker = pod(client, "speaker-a1");
    writer(PodOwner.none()).layer2("node-a", Map.of(WEB, Set.of()));
    assertThat(owners(objects(Fabric8AnnouncementStatusWriter.L2).get(0))).isEmpty();

    writer(owner("speaker-a1")).layer2("node-a", Map.of(WEB, Set.of())); // same status

    GenericKubernetesResource l2 = objects(Fabric8AnnouncementStatusWriter.L2).get(0);
    assertThat(owners(l2)).containsExactly(ownerOf(speaker));
    assertThat(status(l2, "serviceName")).isEqualTo("web"); // the status is kept
  }

  @Test
  void aRestartedSpeakersPodReplacesTheEarlierOne() {
    pod(client, "speaker-a1");
    writer(owner("speaker-a1")).layer2("node-a", Map.of(WEB, Set.of()));
    client.pods().inNamespace(NS).withName("speaker-a1").delete();
    Pod restarted = pod(client, "speaker-b7");

    writer(owner("speaker-b7")).layer2("node-a", Map.of(WEB, Set.of("eth1")));

    List<GenericKubernetesResource> l2 = objects(Fabric8AnnouncementStatusWriter.L2);
    assertThat(l2).hasSize(1);
    assertThat(owners(l2.get(0))).containsExactly(ownerOf(restarted));
    assertThat(status(l2.get(0), "interfaces")).isEqualTo(List.of(Map.of("name", "eth1")));
  }

  @Test
  void withoutAKnownPodTheObjectsHaveNoOwner() {
    writer(owner("speaker-unknown")).layer2("node-a", Map.of(WEB, Set.of()));

    assertThat(owners(objects(Fabric8AnnouncementStatusWriter.L2).get(0))).isEmpty();
  }

  @Test
  void anObjectDeletedUnderTheSpeakerIsCreatedAgainByTheNextWrite() {
    Pod speaker = pod(client, "speaker-a1");
    Fabric8AnnouncementStatusWriter w = writer(owner("speaker-a1"));
    w.layer2("node-a", Map.of(WEB, Set.of()));
    w.bgp("node-a", Map.of(WEB, Set.of("peer1")));
    // what the garbage collector does when it deletes the objects of a Pod
    client.genericKubernetesResources(Fabric8AnnouncementStatusWriter.L2).inNamespace(NS).delete();
    client.genericKubernetesResources(Fabric8AnnouncementStatusWriter.BGP).inNamespace(NS).delete();
    assertThat(objects(Fabric8AnnouncementStatusWriter.L2)).isEmpty();

    w.layer2("node-a", Map.of(WEB, Set.of()));
    w.bgp("node-a", Map.of(WEB, Set.of("peer1")));

    GenericKubernetesResource l2 = objects(Fabric8AnnouncementStatusWriter.L2).get(0);
    assertThat(owners(l2)).containsExactly(ownerOf(speaker));
    assertThat(status(l2, "serviceName")).isEqualTo("web");
    assertThat(status(objects(Fabric8AnnouncementStatusWriter.BGP).get(0), "peers"))
        .isEqualTo(List.of("peer1"));
  }

  @Test
  void manyServicesAreWrittenAndTheNextWriteChangesOnlyWhatChanged() {
    Fabric8AnnouncementStatusWriter w = writer(owner("speaker-unknown"));
    Map<ServiceKey, Set<String>> desired = new HashMap<>();
    for (int i = 0; i < 120; i++) {
      desired.put(new ServiceKey("default", "svc-" + i), Set.of("eth0"));
    }
    w.layer2("node-a", desired);
    Map<String, String> versions = new HashMap<>();
    for (GenericKubernetesResource r : objects(Fabric8AnnouncementStatusWriter.L2)) {
      versions.put(r.getMetadata().getName(), r.getMetadata().getResourceVersion());
      assertThat(status(r, "interfaces")).isEqualTo(List.of(Map.of("name", "eth0")));
    }
    assertThat(versions).hasSize(120);

    desired.put(new ServiceKey("default", "svc-7"), Set.of("eth1"));
    desired.remove(new ServiceKey("default", "svc-9"));
    w.layer2("node-a", desired);

    List<GenericKubernetesResource> after = objects(Fabric8AnnouncementStatusWriter.L2);
    assertThat(after).hasSize(119);
    assertThat(after)
        .filteredOn(
            r ->
                !r.getMetadata()
                    .getResourceVersion()
                    .equals(versions.get(r.getMetadata().getName())))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(status(r, "serviceName")).isEqualTo("svc-7");
              assertThat(status(r, "interfaces")).isEqualTo(List.of(Map.of("name", "eth1")));
            });
    assertThat(after).noneMatch(r -> "svc-9".equals(status(r, "serviceName")));
  }
}
