package io.ferrolb.app.cli;

import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.admission.Webhook;
import io.ferrolb.app.admission.WebhookCertRotation;
import io.ferrolb.app.controller.Controller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ferrolb controller}: the cluster-wide address allocator. */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    description = "Give LoadBalancer Services addresses from the configured pools, and keep them.")
public final class ControllerCommand implements Callable<Integer> {

  @Option(
      names = "--namespace",
      defaultValue = "${env:FERROLB_NAMESPACE}",
      description =
          "Namespace of the configuration, the Lease and the memberlist Secret (default:"
              + " $FERROLB_NAMESPACE, $METALLB_NAMESPACE, the pod's own namespace, else"
              + " ferrolb-system); metallb-system adopts a MetalLB setup as it stands.")
  String namespace;

  @Option(
      names = "--lb-class",
      defaultValue = "",
      description =
          "Handle only Services of this spec.loadBalancerClass; empty: only Services without one.")
  String lbClass;

  @Option(
      names = "--metrics-port",
      description = "Port of /metrics, /healthz and /readyz (default: 7472).")
  Integer metricsPort;

  @Mixin MetallbFlags.Controller metallb = new MetallbFlags.Controller();

  @Mixin KubeApiFlags kubeApi = new KubeApiFlags();

  @Spec CommandSpec spec;

  @Option(
      names = "--identity",
      defaultValue = "${env:FERROLB_POD_NAME}",
      description =
          "This replica's name in the Lease (default: $FERROLB_POD_NAME, --pod-name or"
              + " $METALLB_POD_NAME, else the host name).")
  String identity;

  @Option(
      names = "--lease-duration",
      defaultValue = "2s",
      description = "Lease duration; a standby takes over this long after a leader dies.")
  String leaseDuration;

  @Option(
      names = "--announced-condition",
      defaultValue = "true",
      arity = "1",
      description =
          "Write the ferrolb.io/Announced condition on every LoadBalancer Service (default: true;"
              + " needs list/watch of nodes, endpointslices, speaker pods and the status objects).")
  boolean announcedCondition;

  @Option(
      names = "--webhook-port",
      defaultValue = "0",
      description =
          "Serve the validating webhook (AdmissionReview v1 over HTTPS, path /validate) on this"
              + " port on every replica; 0 (default) serves none. deploy/overlays/webhook sets 9443.")
  int webhookPort;

  @Option(
      names = "--webhook-service",
      defaultValue = "ferrolb-webhook-service",
      description =
          "The webhook Service, named in the serving certificate (default: ${DEFAULT-VALUE}).")
  String webhookService;

  @Option(
      names = "--webhook-configuration",
      defaultValue = "ferrolb-webhook-configuration",
      description =
          "The ValidatingWebhookConfiguration whose caBundle is kept current (default:"
              + " ${DEFAULT-VALUE}).")
  String webhookConfiguration;

  @Option(
      names = "--webhook-cert-secret",
      defaultValue = "ferrolb-webhook-cert",
      description =
          "The Secret holding the webhook's CA and serving certificate, created and rotated by the"
              + " controller (default: ${DEFAULT-VALUE}).")
  String webhookSecret;

  @Override
  public Integer call() throws Exception {
    MetallbFlags.Ports ports;
    io.ferrolb.adapters.k8s.RequestRateLimit.Settings apiLimit;
    try {
      ports = MetallbFlags.prepare(metallb, metricsPort, 7472, System::getenv);
      apiLimit = kubeApi.settings();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    String id =
        Optional.ofNullable(identity)
            .filter(s -> !s.isBlank())
            .or(() -> MetallbFlags.flagOrEnv(metallb.podName, "METALLB_POD_NAME", System::getenv))
            .orElseGet(ControllerCommand::hostName);
    Duration lease = Duration.parse("PT" + leaseDuration.toUpperCase());
    // renew at 3/4 of the lease, retry at 1/10 (2 s / 1.5 s / 200 ms by default, issue 3)
    LeaseLeadership.Timing timing =
        new LeaseLeadership.Timing(lease, lease.multipliedBy(3).dividedBy(4), lease.dividedBy(10));
    PrometheusRegistry registry = new PrometheusRegistry();
    Serve.untilStopped(
        ports,
        apiLimit,
        registry,
        client -> {
          String ns = MetallbFlags.namespace(namespace, System::getenv, client::getNamespace);
          Controller c =
              Controller.start(
                  client,
                  new Controller.Options(
                      ns,
                      lbClass,
                      id,
                      timing,
                      true,
                      MetallbFlags.podName(metallb, System::getenv),
                      announcedCondition),
                  registry);
          try {
            return new Running(
                c,
                webhookPort > 0
                    ? Optional.of(
                        Webhook.start(
                            client,
                            ns,
                            new Webhook.Options(
                                webhookPort,
                                webhookService,
                                webhookConfiguration,
                                webhookSecret,
                                WebhookCertRotation.Lifetimes.DEFAULT,
                                Duration.ofMinutes(1)),
                            c::configObjects))
                    : Optional.empty());
          } catch (java.io.IOException | RuntimeException e) {
            c.close();
            throw e;
          }
        },
        r -> notReady(r.controller()));
    return 0;
  }

  /** The controller and, with --webhook-port, this replica's webhook. */
  record Running(Controller controller, Optional<Webhook> webhook) implements AutoCloseable {
    @Override
    public void close() {
      webhook.ifPresent(Webhook::close);
      controller.close();
    }
  }

  static String notReady(Controller c) {
    var loop = c.loop();
    if (loop.ready()) {
      return "";
    }
    return "not ready: leader=\""
        + loop.leaderIdentity()
        + "\" configLoaded="
        + loop.configLoaded();
  }

  /**
   * This machine's name, without a DNS lookup: a container's host name need not resolve (a pod's
   * does through /etc/hosts, a podman container on another network's namespace does not), and the
   * Lease only needs a name.
   */
  static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname"))
          .strip();
    } catch (java.io.IOException e) {
      return "ferrolb-controller";
    }
  }
}
