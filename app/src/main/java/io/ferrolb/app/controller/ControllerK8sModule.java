package io.ferrolb.app.controller;

import dagger.Module;
import dagger.Provides;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ferrolb.adapters.k8s.Fabric8AnnouncementReports;
import io.ferrolb.adapters.k8s.Fabric8ClusterEvents;
import io.ferrolb.adapters.k8s.Fabric8ClusterView;
import io.ferrolb.adapters.k8s.Fabric8ConfigStatusWriter;
import io.ferrolb.adapters.k8s.Fabric8ServiceConditionWriter;
import io.ferrolb.adapters.k8s.Fabric8ServiceStatusWriter;
import io.ferrolb.adapters.k8s.Fabric8SpeakerView;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.adapters.k8s.PodOwner;
import io.ferrolb.ports.out.ClusterEvents;
import io.ferrolb.ports.out.ClusterView;
import io.ferrolb.ports.out.ConfigSource;
import io.ferrolb.ports.out.ConfigStatusWriter;
import io.ferrolb.ports.out.ServiceStatusWriter;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The controller's out-ports bound to a cluster through fabric8 ({@code adapters-k8s}). Building
 * these objects writes nothing; {@link Controller#start} starts them.
 */
@Module
final class ControllerK8sModule {
  private ControllerK8sModule() {}

  @Provides
  @LbClass
  static String lbClass(Controller.Options o) {
    return o.lbClass();
  }

  @Provides
  @Singleton
  static Fabric8ClusterView view(KubernetesClient client, Controller.Options o) {
    return new Fabric8ClusterView(client, o.namespace());
  }

  @Provides
  static ClusterView clusterView(Fabric8ClusterView view) {
    return view;
  }

  @Provides
  static ConfigSource configSource(Fabric8ClusterView view) {
    return view;
  }

  @Provides
  @Singleton
  static Fabric8ClusterEvents events(KubernetesClient client) {
    return new Fabric8ClusterEvents(client, "controller");
  }

  @Provides
  static ClusterEvents clusterEvents(Fabric8ClusterEvents events) {
    return events;
  }

  @Provides
  @Singleton
  static ServiceStatusWriter statusWriter(KubernetesClient client) {
    return new Fabric8ServiceStatusWriter(client);
  }

  /** Reads this replica's Pod once, to own the ConfigurationState it writes. */
  @Provides
  @Singleton
  static ConfigStatusWriter configStatus(
      KubernetesClient client, Fabric8ClusterView view, Controller.Options o) {
    return new Fabric8ConfigStatusWriter(
        client, view, PodOwner.lookup(client, o.namespace(), o.podName()));
  }

  @Provides
  @Singleton
  static LeaseLeadership leadership(KubernetesClient client, Controller.Options o) {
    return new LeaseLeadership(
        client, o.namespace(), Controller.LEASE_NAME, o.identity(), o.timing());
  }

  /** The ferrolb.io/Announced condition writer, when {@link Controller.Options} turn it on. */
  @Provides
  @Singleton
  static Optional<AnnouncedConditions> announcedConditions(
      KubernetesClient client,
      Controller.Options o,
      Fabric8ClusterView view,
      StatusPipeline pipeline) {
    if (!o.announcedCondition()) {
      return Optional.empty();
    }
    return Optional.of(
        new AnnouncedConditions(
            // the Services from the loop's cache: one copy of each in the heap, not two
            Fabric8SpeakerView.forController(
                client, o.namespace(), o.lbClass(), Fabric8SpeakerView.SPEAKER_PODS, view),
            new Fabric8AnnouncementReports(client, o.namespace()),
            new Fabric8ServiceConditionWriter(client, view),
            o.namespace(),
            // addresses before conditions: a new leader's backlog of assignments goes first
            pipeline::busy));
  }
}
