package io.ferrolb.app.speaker;

import dagger.BindsInstance;
import dagger.Component;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Singleton;

/**
 * One speaker's object graph: the fabric8 adapters ({@link SpeakerK8sModule}), the announcers and
 * gossip found through the ports ({@link SpeakerAnnouncersModule}), the use case and its loop.
 * Building it starts nothing; {@link Speaker#start()} does, in order.
 */
@Singleton
@Component(modules = {SpeakerK8sModule.class, SpeakerAnnouncersModule.class})
interface SpeakerComponent {
  Speaker speaker();

  @Component.Factory
  interface Factory {
    SpeakerComponent create(
        @BindsInstance KubernetesClient client,
        @BindsInstance Speaker.Options options,
        @BindsInstance PrometheusRegistry registry);
  }
}
