package io.ferrolb.app.controller;

import dagger.BindsInstance;
import dagger.Component;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Singleton;

/**
 * One controller replica's object graph: the fabric8 adapters ({@link ControllerK8sModule}), the
 * loop and its use cases ({@link ControllerLoopModule} and constructor injection). Building it
 * starts nothing; {@link Controller#start()} does, in order.
 */
@Singleton
@Component(modules = {ControllerK8sModule.class, ControllerLoopModule.class})
interface ControllerComponent {
  Controller controller();

  @Component.Factory
  interface Factory {
    ControllerComponent create(
        @BindsInstance KubernetesClient client,
        @BindsInstance Controller.Options options,
        @BindsInstance PrometheusRegistry registry);
  }
}
