package io.ferrolb.adapters.k8s;

import static io.ferrolb.adapters.k8s.StatusFixtures.NS;
import static io.ferrolb.adapters.k8s.StatusFixtures.ownerOf;
import static io.ferrolb.adapters.k8s.StatusFixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class PodOwnerTest {
  KubernetesClient client;

  @Test
  void theOwnerIsThePodReadByNameWithItsUidAsMetallbWritesIt() {
    Pod p = pod(client, "speaker-x2k9q");

    OwnerReference r =
        PodOwner.lookup(client, NS, Optional.of("speaker-x2k9q")).reference().orElseThrow();

    assertThat(r).isEqualTo(ownerOf(p));
    assertThat(r.getController()).isNull(); // MetalLB: SetOwnerReference, not a controller ref
    assertThat(r.getBlockOwnerDeletion()).isNull();
  }

  @Test
  void withoutAPodNameThereIsNoOwnerAndOneWarningSaysWhy() {
    try (var logs = StatusFixtures.logs(PodOwner.class)) {
      assertThat(PodOwner.lookup(client, NS, Optional.empty()).reference()).isEmpty();

      assertThat(logs.warnings())
          .singleElement()
          .asString()
          .startsWith("event=statusOwnerUnknown")
          .contains("no pod name (--pod-name, $FERROLB_POD_NAME or $METALLB_POD_NAME)");
    }
  }

  @Test
  void aPodThatCannotBeFoundIsNamedInOneWarning() {
    pod(client, "speaker-elsewhere"); // exists, but not under the name given
    try (var logs = StatusFixtures.logs(PodOwner.class)) {
      assertThat(PodOwner.lookup(client, NS, Optional.of("speaker-gone")).reference()).isEmpty();

      assertThat(logs.warnings())
          .singleElement()
          .asString()
          .contains("Pod ferrolb-system/speaker-gone not found");
    }
  }

  @Test
  void anObjectWithoutOwnersGetsThePod() {
    PodOwner owner = PodOwner.of(podNamed("a", "uid-a"));

    assertThat(owner.replacing(null)).contains(List.of(ref("Pod", "a", "uid-a")));
    assertThat(owner.replacing(List.of())).contains(List.of(ref("Pod", "a", "uid-a")));
  }

  @Test
  void anObjectOwnedByThePodAlreadyNeedsNoWrite() {
    PodOwner owner = PodOwner.of(podNamed("a", "uid-a"));

    assertThat(owner.replacing(List.of(ref("Pod", "a", "uid-a")))).isEmpty();
  }

  @Test
  void theEarlierPodsReferenceIsReplacedAndOtherKindsAreKept() {
    PodOwner owner = PodOwner.of(podNamed("b", "uid-b"));
    OwnerReference daemonSet =
        new OwnerReferenceBuilder()
            .withApiVersion("apps/v1")
            .withKind("DaemonSet")
            .withName("speaker")
            .withUid("uid-ds")
            .build();

    assertThat(owner.replacing(List.of(daemonSet, ref("Pod", "a", "uid-a"))))
        .contains(List.of(daemonSet, ref("Pod", "b", "uid-b")));
    // the same name, a new uid: a pod recreated under its old name
    assertThat(owner.replacing(List.of(ref("Pod", "b", "uid-old"))))
        .contains(List.of(ref("Pod", "b", "uid-b")));
    // ours and a stale one: the stale one goes
    assertThat(owner.replacing(List.of(ref("Pod", "b", "uid-b"), ref("Pod", "a", "uid-a"))))
        .contains(List.of(ref("Pod", "b", "uid-b")));
  }

  @Test
  void withoutAnOwnerExistingOwnersAreLeftAlone() {
    assertThat(PodOwner.none().replacing(List.of(ref("Pod", "a", "uid-a")))).isEmpty();
    assertThat(PodOwner.none().forNewObject()).isEmpty();
  }

  private static Pod podNamed(String name, String uid) {
    Pod p = new Pod();
    p.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().build());
    p.getMetadata().setName(name);
    p.getMetadata().setUid(uid);
    return p;
  }

  private static OwnerReference ref(String kind, String name, String uid) {
    return new OwnerReferenceBuilder()
        .withApiVersion("v1")
        .withKind(kind)
        .withName(name)
        .withUid(uid)
        .build();
  }
}
