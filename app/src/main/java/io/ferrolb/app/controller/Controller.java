package io.ferrolb.app.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.ferrolb.adapters.k8s.Fabric8AnnouncementReports;
import io.ferrolb.adapters.k8s.Fabric8ClusterEvents;
import io.ferrolb.adapters.k8s.Fabric8ClusterView;
import io.ferrolb.adapters.k8s.Fabric8ConfigStatusWriter;
import io.ferrolb.adapters.k8s.Fabric8ServiceConditionWriter;
import io.ferrolb.adapters.k8s.Fabric8ServiceStatusWriter;
import io.ferrolb.adapters.k8s.Fabric8SpeakerView;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.adapters.k8s.MemberlistSecret;
import io.ferrolb.adapters.k8s.PodOwner;
import io.ferrolb.ports.out.Leadership;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One controller replica wired to a cluster: watches, the loop, events, status writers and the
 * Lease election. {@link #close()} releases the Lease so a standby takes over at once.
 */
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

  private final Fabric8ClusterView view;
  private final Fabric8ClusterEvents events;
  private final LeaseLeadership leadership;
  private final ControllerLoop loop;
  private final ControllerMetrics metrics;
  private final Optional<AnnouncedConditions> conditions;

  private Controller(KubernetesClient client, Options o, PrometheusRegistry registry) {
    view = new Fabric8ClusterView(client, o.namespace());
    events = new Fabric8ClusterEvents(client, "controller");
    metrics = new ControllerMetrics(registry);
    loop =
        new ControllerLoop(
            view,
            view,
            new Fabric8ServiceStatusWriter(client),
            events,
            new Fabric8ConfigStatusWriter(
                client, view, PodOwner.lookup(client, o.namespace(), o.podName())),
            metrics,
            o.lbClass());
    conditions =
        o.announcedCondition()
            ? Optional.of(
                new AnnouncedConditions(
                    Fabric8SpeakerView.forController(
                        client, o.namespace(), o.lbClass(), Fabric8SpeakerView.SPEAKER_PODS),
                    new Fabric8AnnouncementReports(client, o.namespace()),
                    new Fabric8ServiceConditionWriter(client),
                    o.namespace()))
            : Optional.empty();
    leadership = new LeaseLeadership(client, o.namespace(), LEASE_NAME, o.identity(), o.timing());
    if (o.createMemberlistSecret()) {
      try {
        if (MemberlistSecret.ensure(client, o.namespace(), new SecureRandom())) {
          LOG.info(
              "event=secretCreated secret={}/{} key={}",
              o.namespace(),
              MemberlistSecret.NAME,
              MemberlistSecret.KEY);
        }
      } catch (KubernetesClientException e) {
        LOG.warn(
            "event=secretCreateFailed secret={}/{}: {}",
            o.namespace(),
            MemberlistSecret.NAME,
            e.getMessage());
      }
    }
  }

  /** Starts watches, the loop and the election; returns at once. */
  public static Controller start(KubernetesClient client, Options o, PrometheusRegistry registry) {
    Controller c = new Controller(client, o, registry);
    c.loop.start();
    c.view.start(c.loop);
    c.conditions.ifPresent(AnnouncedConditions::start);
    c.leadership.start(c.listeners());
    LOG.info(
        "event=controllerStarted namespace={} identity={} lbClass=\"{}\"",
        o.namespace(),
        o.identity(),
        o.lbClass());
    return c;
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
