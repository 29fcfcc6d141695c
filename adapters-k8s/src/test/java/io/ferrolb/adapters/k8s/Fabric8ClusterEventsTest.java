package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.ferrolb.ports.out.ClusterEvents;
import io.ferrolb.ports.out.ObjectRef;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class Fabric8ClusterEventsTest {
  private static final ObjectRef WEB = new ObjectRef("v1", "Service", "apps", "web", "uid-1");

  KubernetesClient client;

  /** The live event writer threads of this JVM (other tests' may be ending). */
  private static Set<Thread> writers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("ferrolb-events"))
        .collect(Collectors.toSet());
  }

  private List<Event> events() {
    return client.v1().events().inNamespace("apps").list().getItems();
  }

  @Test
  void constructingStartsNoThreadAndCloseWorksWithoutOne() {
    Set<Thread> before = writers();

    Fabric8ClusterEvents events = new Fabric8ClusterEvents(client, "controller");

    assertThat(writers()).isSubsetOf(before);
    events.close();
    events.emit(WEB, ClusterEvents.Type.NORMAL, "IPAllocated", "Assigned IP [192.0.2.1]");
    assertThat(writers()).isSubsetOf(before); // closed: the first emit starts nothing
  }

  @Test
  void theFirstEmitStartsTheWriterWhichCreatesTheEvent() {
    try (Fabric8ClusterEvents events = new Fabric8ClusterEvents(client, "controller")) {
      events.emit(WEB, ClusterEvents.Type.WARNING, "AllocationFailed", "no available IPs");

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(events())
                      .singleElement()
                      .satisfies(
                          e -> {
                            assertThat(e.getReason()).isEqualTo("AllocationFailed");
                            assertThat(e.getType()).isEqualTo("Warning");
                            assertThat(e.getInvolvedObject().getName()).isEqualTo("web");
                          }));
    }
  }
}
