package io.ferrolb.app.cli;

import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.controller.Controller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferrolb controller}: the cluster-wide address allocator. */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    description = "Give LoadBalancer Services addresses from the configured pools, and keep them.")
public final class ControllerCommand implements Callable<Integer> {

  @Option(
      names = "--namespace",
      defaultValue = "${env:FERROLB_NAMESPACE:-ferrolb-system}",
      description =
          "Namespace of the configuration, the Lease and the memberlist Secret (default:"
              + " ${DEFAULT-VALUE}); metallb-system adopts a MetalLB setup as it stands.")
  String namespace;

  @Option(
      names = "--lb-class",
      defaultValue = "",
      description =
          "Handle only Services of this spec.loadBalancerClass; empty: only Services without one.")
  String lbClass;

  @Option(
      names = "--metrics-port",
      defaultValue = "7472",
      description = "Port of /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--identity",
      defaultValue = "${env:FERROLB_POD_NAME}",
      description = "This replica's name in the Lease (default: the pod name, else the host).")
  String identity;

  @Option(
      names = "--lease-duration",
      defaultValue = "2s",
      description = "Lease duration; a standby takes over this long after a leader dies.")
  String leaseDuration;

  @Override
  public Integer call() throws Exception {
    String id =
        identity == null || identity.isBlank()
            ? InetAddress.getLocalHost().getHostName()
            : identity;
    Duration lease = Duration.parse("PT" + leaseDuration.toUpperCase());
    // renew at 3/4 of the lease, retry at 1/10 (2 s / 1.5 s / 200 ms by default, issue 3)
    LeaseLeadership.Timing timing =
        new LeaseLeadership.Timing(lease, lease.multipliedBy(3).dividedBy(4), lease.dividedBy(10));
    PrometheusRegistry registry = new PrometheusRegistry();
    Serve.untilStopped(
        metricsPort,
        registry,
        client ->
            Controller.start(
                client, new Controller.Options(namespace, lbClass, id, timing, true), registry),
        ControllerCommand::notReady);
    return 0;
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
}
