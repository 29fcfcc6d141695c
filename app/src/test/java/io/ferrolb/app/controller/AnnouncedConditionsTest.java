package io.ferrolb.app.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.announce.AnnouncedCondition;
import io.ferrolb.domain.announce.Endpoint;
import io.ferrolb.domain.announce.NodeState;
import io.ferrolb.domain.announce.ServiceState;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.RawObject;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.AnnouncementReports;
import io.ferrolb.ports.out.ClusterWriteException;
import io.ferrolb.ports.out.ServiceConditionWriter;
import io.ferrolb.ports.out.SpeakerView;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnnouncedConditionsTest {
  static final ServiceKey WEB = new ServiceKey("default", "web");

  SpeakerView view = mock(SpeakerView.class);
  AnnouncementReports reports = mock(AnnouncementReports.class);
  ServiceConditionWriter writer = mock(ServiceConditionWriter.class);
  AnnouncedConditions conditions = new AnnouncedConditions(view, reports, writer, "ferrolb-system");

  static DecodedObject crd(String kind, String name, Map<String, Object> spec) {
    return DecodedObject.of(
        new RawObject(
            "metallb.io/v1beta1", kind, "ferrolb-system", name, Map.of(), spec, kind + " " + name));
  }

  @BeforeEach
  void cluster() {
    when(view.synced()).thenReturn(true);
    when(reports.synced()).thenReturn(true);
    when(view.nodes()).thenReturn(List.of(new NodeState("n1", Map.of(), false)));
    when(view.expectedSpeakers()).thenReturn(Set.of("n1"));
    when(view.configObjects())
        .thenReturn(
            List.of(
                crd("IPAddressPool", "lan", Map.of("addresses", List.of("198.51.100.0/24"))),
                crd("L2Advertisement", "l2", Map.of())));
    when(view.services())
        .thenReturn(
            List.of(
                new ServiceState(
                    WEB,
                    List.of(IpAddress.parse("198.51.100.10")),
                    Map.of(),
                    Map.of(),
                    TrafficPolicy.CLUSTER,
                    List.of(Endpoint.readyOn("n1")))));
    when(reports.snapshot()).thenReturn(Map.of());
    when(writer.write(any(), any())).thenReturn(true);
  }

  @Test
  void onlyTheLeaderWrites() {
    assertThat(conditions.pass()).isEqualTo(new AnnouncedConditions.Outcome(0, 0));
    verify(writer, never()).write(any(), any());

    conditions.startedLeading();
    conditions.pass();
    conditions.stoppedLeading();
    conditions.pass();

    verify(writer, times(1)).write(eq(WEB), any());
  }

  @Test
  void aConditionIsWrittenWhenItChangesAndOnlyThen() {
    conditions.startedLeading();

    conditions.pass();
    conditions.pass();
    when(reports.snapshot())
        .thenReturn(
            Map.of(WEB, new AnnouncedCondition.Reports(Map.of("n1", Set.of("eth0")), Map.of())));
    conditions.pass();

    verify(writer)
        .write(
            WEB,
            new AnnouncedCondition(
                false,
                AnnouncedCondition.NOT_REPORTED,
                "198.51.100.10 should be announced in Layer 2 by node \"n1\", but its speaker does"
                    + " not report it (is the speaker on that node running and its interface up?"
                    + " see its log)"));
    verify(writer)
        .write(
            WEB,
            new AnnouncedCondition(
                true, "Layer2", "198.51.100.10 answered in Layer 2 by node \"n1\" on eth0"));
    verify(writer, times(2)).write(any(), any());
  }

  @Test
  void aChangeOfTheMessageAloneIsWritten() {
    conditions.startedLeading();
    when(reports.snapshot())
        .thenReturn(
            Map.of(WEB, new AnnouncedCondition.Reports(Map.of("n1", Set.of("eth0")), Map.of())));
    conditions.pass();
    when(reports.snapshot())
        .thenReturn(
            Map.of(WEB, new AnnouncedCondition.Reports(Map.of("n1", Set.of("eth1")), Map.of())));
    conditions.pass();
    conditions.pass();

    verify(writer)
        .write(
            WEB,
            new AnnouncedCondition(
                true, "Layer2", "198.51.100.10 answered in Layer 2 by node \"n1\" on eth1"));
    verify(writer, times(2)).write(any(), any());
  }

  @Test
  void theFingerprintTellsStatusReasonAndMessageApart() {
    AnnouncedCondition c = new AnnouncedCondition(true, "Layer2", "by n1");
    assertThat(AnnouncedConditions.fingerprint(c))
        .isEqualTo(AnnouncedConditions.fingerprint(new AnnouncedCondition(true, "Layer2", "by n1")))
        .isNotEqualTo(
            AnnouncedConditions.fingerprint(new AnnouncedCondition(false, "Layer2", "by n1")))
        .isNotEqualTo(AnnouncedConditions.fingerprint(new AnnouncedCondition(true, "BGP", "by n1")))
        .isNotEqualTo(
            AnnouncedConditions.fingerprint(new AnnouncedCondition(true, "Layer2", "by n2")));
  }

  @Test
  void aFailedWriteIsTriedAgainOnTheNextPass() {
    conditions.startedLeading();
    when(writer.write(any(), any()))
        .thenThrow(new ClusterWriteException("HTTP 500", null))
        .thenReturn(true);

    assertThat(conditions.pass()).isEqualTo(new AnnouncedConditions.Outcome(0, 1));
    assertThat(conditions.pass()).isEqualTo(new AnnouncedConditions.Outcome(1, 0));
    assertThat(conditions.pass()).isEqualTo(new AnnouncedConditions.Outcome(0, 0));
  }

  @Test
  void aNewTermComparesWithTheClusterAgain() {
    conditions.startedLeading();
    conditions.pass();
    conditions.stoppedLeading();

    conditions.startedLeading();
    conditions.pass();

    verify(writer, times(2)).write(eq(WEB), any());
  }

  @Test
  void anInvalidConfigurationKeepsTheLastGoodOne() {
    conditions.startedLeading();
    conditions.pass();
    when(view.configObjects())
        .thenReturn(List.of(crd("IPAddressPool", "lan", Map.of("addresses", "nope"))));

    conditions.pass();

    verify(writer, times(1)).write(eq(WEB), any()); // same verdict: nothing new to write
  }
}
