package io.ferrolb.app.speaker;

import dagger.Module;
import dagger.Provides;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.ferrolb.adapters.k8s.Fabric8AnnouncementStatusWriter;
import io.ferrolb.adapters.k8s.Fabric8ClusterEvents;
import io.ferrolb.adapters.k8s.Fabric8ClusterView;
import io.ferrolb.adapters.k8s.Fabric8ConfigStatusWriter;
import io.ferrolb.adapters.k8s.Fabric8SpeakerView;
import io.ferrolb.adapters.k8s.PodOwner;
import io.ferrolb.ports.out.AnnouncementStatusWriter;
import io.ferrolb.ports.out.ClusterEvents;
import io.ferrolb.ports.out.ConfigStatusWriter;
import io.ferrolb.ports.out.SpeakerView;
import jakarta.inject.Singleton;

/**
 * The speaker's out-ports bound to a cluster through fabric8 ({@code adapters-k8s}). Building them
 * watches and writes nothing; {@link Speaker#start} starts the view.
 */
@Module
final class SpeakerK8sModule {
  private SpeakerK8sModule() {}

  @Provides
  @Singleton
  static Fabric8SpeakerView fabric8View(KubernetesClient client, Speaker.Options o) {
    return new Fabric8SpeakerView(client, o.namespace(), o.lbClass(), o.speakerPods());
  }

  @Provides
  static SpeakerView view(Fabric8SpeakerView view) {
    return view;
  }

  @Provides
  @Singleton
  static Fabric8ClusterEvents fabric8Events(KubernetesClient client) {
    return new Fabric8ClusterEvents(client, "ferrolb-speaker");
  }

  @Provides
  static ClusterEvents events(Fabric8ClusterEvents events) {
    return events;
  }

  /** Reads this speaker's Pod once, to own the status objects it writes. */
  @Provides
  @Singleton
  static PodOwner owner(KubernetesClient client, Speaker.Options o) {
    return PodOwner.lookup(client, o.namespace(), o.podName());
  }

  /** The status objects, written off the loop thread ({@link BackgroundStatusWrites}). */
  @Provides
  @Singleton
  static BackgroundStatusWrites statusWrites(
      KubernetesClient client, Speaker.Options o, PodOwner owner) {
    return new BackgroundStatusWrites(
        new Fabric8AnnouncementStatusWriter(client, o.namespace(), owner));
  }

  @Provides
  static AnnouncementStatusWriter status(BackgroundStatusWrites writes) {
    return writes;
  }

  @Provides
  @Singleton
  static ConfigStatusWriter configStatus(
      KubernetesClient client, Speaker.Options o, PodOwner owner) {
    return new Fabric8ConfigStatusWriter(
        client, new Fabric8ClusterView(client, o.namespace()), owner);
  }
}
