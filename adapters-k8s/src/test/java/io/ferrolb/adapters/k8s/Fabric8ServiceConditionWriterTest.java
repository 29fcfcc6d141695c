package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.AnnouncedCondition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class Fabric8ServiceConditionWriterTest {
  KubernetesClient client;

  static final ServiceKey WEB = new ServiceKey("default", "web");
  static final AnnouncedCondition UP =
      new AnnouncedCondition(true, "Layer2", "198.51.100.10 answered in Layer 2 by node \"n1\"");

  void createService(Condition... existing) {
    Service s =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .endSpec()
            .build();
    Service created = client.services().resource(s).create();
    if (existing.length > 0) {
      created.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatus(List.of(existing), null));
      client.services().resource(created).updateStatus();
    }
  }

  List<Condition> conditions() {
    Service s = client.services().inNamespace("default").withName("web").get();
    return s.getStatus() == null || s.getStatus().getConditions() == null
        ? List.of()
        : s.getStatus().getConditions();
  }

  Fabric8ServiceConditionWriter writerAt(String instant) {
    return new Fabric8ServiceConditionWriter(
        client, Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
  }

  @Test
  void theConditionIsAddedBesideOthersAndNotRewrittenWhenUnchanged() {
    createService(
        new ConditionBuilder()
            .withType("example.com/Other")
            .withStatus("True")
            .withReason("Fine")
            .withMessage("kept")
            .withLastTransitionTime("2026-01-01T00:00:00Z")
            .build());
    var writer = writerAt("2026-12-06T10:00:00Z");

    assertThat(writer.write(WEB, UP)).isTrue();
    assertThat(writer.write(WEB, UP)).isFalse();

    assertThat(conditions())
        .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("example.com/Other", "True", "Fine"),
            org.assertj.core.groups.Tuple.tuple(AnnouncedCondition.TYPE, "True", "Layer2"));
    assertThat(conditions().get(1).getMessage()).isEqualTo(UP.message());
    assertThat(conditions().get(1).getLastTransitionTime()).isEqualTo("2026-12-06T10:00:00Z");
  }

  @Test
  void theTransitionTimeMovesOnlyWhenTheStatusFlips() {
    createService();
    writerAt("2026-12-06T10:00:00Z").write(WEB, UP);

    writerAt("2026-12-06T11:00:00Z")
        .write(WEB, new AnnouncedCondition(true, "BGP", "advertised over BGP"));
    assertThat(conditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getReason()).isEqualTo("BGP");
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-12-06T10:00:00Z");
            });

    writerAt("2026-12-06T12:00:00Z")
        .write(WEB, new AnnouncedCondition(false, "NoServingEndpoints", "no endpoint"));
    assertThat(conditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-12-06T12:00:00Z");
            });
  }

  @Test
  void aStatusWithIngressButNoConditionsKeepsItsIngressAndGetsAList() {
    createService();
    client
        .services()
        .inNamespace("default")
        .withName("web")
        .subresource("status")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
            "[{\"op\":\"add\",\"path\":\"/status\",\"value\":"
                + "{\"loadBalancer\":{\"ingress\":[{\"ip\":\"198.51.100.10\"}]}}}]");

    writerAt("2026-12-06T10:00:00Z").write(WEB, UP);

    Service s = client.services().inNamespace("default").withName("web").get();
    assertThat(s.getStatus().getLoadBalancer().getIngress()).hasSize(1);
    assertThat(conditions())
        .extracting(Condition::getType)
        .containsExactly(AnnouncedCondition.TYPE);
  }

  @Test
  void aServiceThatIsGoneIsNotAnError() {
    assertThat(writerAt("2026-12-06T10:00:00Z").write(WEB, UP)).isFalse();
  }

  @Test
  void theReportsAreWhatTheSpeakersStatusObjectsSay() {
    var reports = new Fabric8AnnouncementReports(client, "ferrolb-system");
    reports.start(() -> {});
    try {
      var speaker = new Fabric8AnnouncementStatusWriter(client, "ferrolb-system", PodOwner.none());
      speaker.layer2("n1", Map.of(WEB, Set.of("eth0")));
      new Fabric8AnnouncementStatusWriter(client, "ferrolb-system", PodOwner.none())
          .bgp("n2", Map.of(WEB, Set.of("tor", "spine")));

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(reports.snapshot())
                      .containsEntry(
                          WEB,
                          new AnnouncedCondition.Reports(
                              Map.of("n1", Set.of("eth0")), Map.of("n2", Set.of("tor", "spine")))));
      assertThat(reports.synced()).isTrue();

      speaker.layer2("n1", Map.of());
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(reports.snapshot().get(WEB).layer2()).isEmpty());
    } finally {
      reports.close();
    }
  }

  @Test
  void aCachedServiceThatAlreadySaysItIsNeitherReadNorWritten() {
    createService();
    var writer = writerAt("2026-12-06T10:00:00Z");
    assertThat(writer.write(WEB, UP)).isTrue();
    Service cached = client.services().inNamespace("default").withName("web").get();
    client.services().inNamespace("default").withName("web").delete();

    // the cache holds the condition already: no request at all (a read would find no Service)
    var fromCache =
        new Fabric8ServiceConditionWriter(
            client,
            Clock.fixed(Instant.parse("2026-12-06T11:00:00Z"), ZoneOffset.UTC),
            k -> java.util.Optional.of(cached));
    assertThat(fromCache.write(WEB, UP)).isFalse();
    assertThat(
            fromCache.write(WEB, new AnnouncedCondition(false, "NoEligibleNode", "not announced")))
        .isFalse(); // differs from the cache: read, and the Service is gone
  }
}
