package io.ferrolb.app.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.ferrolb.adapters.k8s.Fabric8ClusterEvents;
import io.ferrolb.adapters.k8s.Fabric8ClusterView;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.ports.out.Leadership;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One controller replica wired to a cluster: watches, the loop, events, status writers and the
 * Lease election, built by {@link ControllerComponent} and started by {@link #start(
 * KubernetesClient, Options, PrometheusRegistry)}. {@link #close()} releases the Lease so a standby
 * takes over at once.
 */
@Singleton
public final class Controller implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

  /** The Lease the replicas compete for, in the controller's namespace. */
  public static final String LEASE_NAME = "ferrolb-controller";

  /**
   * @param namespace where the configuration, the Lease and the memberlist Secret live
   * @param lbClass {@code --lb-class}; "" handles Services without a class (MetalLB)
   * @param identity this replica's name in the Lease (the pod name)
   * @param podName this replica's Pod, the owner of the ConfigurationState it writes; empty outside
   *     a cluster
   * @param announcedCondition write the ferrolb.io/Announced condition on Services ({@link
   *     AnnouncedConditions})
   */
  public record Options(
      String namespace,
      String lbClass,
      String identity,
      LeaseLeadership.Timing timing,
      boolean createMemberlistSecret,
      Optional<String> podName,
      boolean announcedCondition) {
    public Options {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(lbClass, "lbClass");
      Objects.requireNonNull(identity, "identity");
      Objects.requireNonNull(timing, "timing");
      Objects.requireNonNull(podName, "podName");
    }

    /** With the Announced condition on, as the {@code controller} command runs by default. */
    public Options(
        String namespace,
        String lbClass,
        String identity,
        LeaseLeadership.Timing timing,
        boolean createMemberlistSecret,
        Optional<String> podName) {
      this(namespace, lbClass, identity, timing, createMemberlistSecret, podName, true);
    }

    public static Options of(String namespace, String identity) {
      return new Options(
          namespace, "", identity, LeaseLeadership.Timing.FAST, true, Optional.empty());
    }
  }

  private final Options options;
  private final Fabric8ClusterView view;
  private final Fabric8ClusterEvents events;
  private final LeaseLeadership leadership;
  private final ControllerLoop loop;
  private final ControllerMetrics metrics;
  private final Optional<AnnouncedConditions> conditions;
  private final EnsureMemberlistSecret memberlistSecret;

  @Inject
  Controller(
      Options options,
      Fabric8ClusterView view,
      Fabric8ClusterEvents events,
      LeaseLeadership leadership,
      ControllerLoop loop,
      ControllerMetrics metrics,
      Optional<AnnouncedConditions> conditions,
      EnsureMemberlistSecret memberlistSecret) {
    this.options = options;
    this.view = view;
    this.events = events;
    this.leadership = leadership;
    this.loop = loop;
    this.metrics = metrics;
    this.conditions = conditions;
    this.memberlistSecret = memberlistSecret;
  }

  /**
   * Builds a replica's graph ({@link ControllerComponent}) and starts it: the memberlist Secret,
   * the loop, the watches, the Announced conditions and the election; returns at once.
   */
  public static Controller start(KubernetesClient client, Options o, PrometheusRegistry registry) {
    Controller c = DaggerControllerComponent.factory().create(client, o, registry).controller();
    c.start();
    return c;
  }

  private void start() {
    if (options.createMemberlistSecret()) {
      memberlistSecret.run();
    }
    loop.start();
    view.start(loop);
    conditions.ifPresent(AnnouncedConditions::start);
    leadership.start(listeners());
    LOG.info(
        "event=controllerStarted namespace={} identity={} lbClass=\"{}\"",
        options.namespace(),
        options.identity(),
        options.lbClass());
  }

  /** The loop, and the Announced conditions when on, hear about leadership. */
  private Leadership.Listener listeners() {
    return new Leadership.Listener() {
      @Override
      public void startedLeading() {
        loop.startedLeading();
        conditions.ifPresent(AnnouncedConditions::startedLeading);
      }

      @Override
      public void resumedLeading() {
        loop.resumedLeading();
        conditions.ifPresent(AnnouncedConditions::startedLeading);
      }

      @Override
      public void stoppedLeading() {
        loop.stoppedLeading();
        conditions.ifPresent(AnnouncedConditions::stoppedLeading);
      }

      @Override
      public void newLeader(String identity) {
        loop.newLeader(identity);
      }
    };
  }

  /** The configuration objects in the controller's cache (the webhook judges changes to them). */
  public java.util.List<io.ferrolb.domain.config.DecodedObject> configObjects() {
    return view.configObjects();
  }

  public ControllerLoop loop() {
    return loop;
  }

  public ControllerMetrics metrics() {
    return metrics;
  }

  /** Stops campaigning (releasing the Lease), the loop, the watches and the event writer. */
  @Override
  public void close() {
    leadership.close();
    loop.stoppedLeading();
    conditions.ifPresent(AnnouncedConditions::close);
    loop.stop();
    view.close();
    events.close();
  }
}
