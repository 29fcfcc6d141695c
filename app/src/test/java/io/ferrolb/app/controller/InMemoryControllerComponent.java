package io.ferrolb.app.controller;

import dagger.BindsInstance;
import dagger.Component;
import io.ferrolb.ports.out.ClusterEvents;
import io.ferrolb.ports.out.ClusterView;
import io.ferrolb.ports.out.ConfigSource;
import io.ferrolb.ports.out.ConfigStatusWriter;
import io.ferrolb.ports.out.ServiceStatusWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Singleton;

/** The production loop graph ({@link ControllerLoopModule}) over in-memory fakes of the ports. */
@Singleton
@Component(modules = ControllerLoopModule.class)
interface InMemoryControllerComponent {
  ControllerLoop loop();

  ControllerMetrics metrics();

  @Component.Factory
  interface Factory {
    InMemoryControllerComponent create(
        @BindsInstance ClusterView view,
        @BindsInstance ConfigSource config,
        @BindsInstance ServiceStatusWriter statusWriter,
        @BindsInstance ClusterEvents events,
        @BindsInstance ConfigStatusWriter configStatus,
        @BindsInstance PrometheusRegistry registry,
        @BindsInstance @LbClass String lbClass);
  }
}
