package io.ferrolb.app.cli;

import io.ferrolb.adapters.k8s.Fabric8SpeakerView;
import io.ferrolb.app.speaker.Speaker;
import io.ferrolb.domain.ownership.SplitBrainPolicy;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ferrolb speaker}: announce the service addresses of this node (L2 and/or BGP). */
@Command(
    name = "speaker",
    mixinStandardHelpOptions = true,
    description = "Announce service addresses from this node: ARP/NDP (layer2) and/or BGP.")
public final class SpeakerCommand implements Callable<Integer> {

  @Option(
      names = "--node-name",
      defaultValue = "${env:FERROLB_NODE_NAME:-${env:METALLB_NODE_NAME}}",
      required = true,
      description =
          "This node's Kubernetes name (default: $FERROLB_NODE_NAME, $METALLB_NODE_NAME).")
  String node;

  @Option(
      names = "--namespace",
      defaultValue = "${env:FERROLB_NAMESPACE}",
      description =
          "Namespace of the configuration and the memberlist Secret (default: $FERROLB_NAMESPACE,"
              + " $METALLB_NAMESPACE, the pod's own namespace, else ferrolb-system).")
  String namespace;

  @Option(
      names = "--lb-class",
      defaultValue = "",
      description = "Announce only Services of this loadBalancerClass; empty: those without one.")
  String lbClass;

  @Option(
      names = "--announcers",
      split = ",",
      defaultValue = "layer2,bgp",
      description = "Protocols to run (default: ${DEFAULT-VALUE}).")
  List<String> announcers;

  @Option(
      names = "--l2-announcer",
      defaultValue = "layer2",
      description = "Provider that answers for Layer 2 claims: layer2, or a plugin's name.")
  String l2Announcer;

  @Option(
      names = "--announcer-setting",
      description = "A setting for announcer plugins, key=value (repeatable).")
  Map<String, String> announcerSettings = new LinkedHashMap<>();

  @Option(
      names = "--host-ip",
      defaultValue = "${env:FERROLB_HOST_IP}",
      description =
          "This node's address for gossip and the BGP router ID (default: $FERROLB_HOST_IP,"
              + " MetalLB's --ml-bindaddr/$METALLB_ML_BIND_ADDR or --host/$METALLB_HOST, else the"
              + " Node's InternalIP).")
  String hostIp;

  @Option(
      names = "--ml-bindport",
      defaultValue = "${env:METALLB_ML_BIND_PORT:-7946}",
      description =
          "Gossip port, TCP and UDP (MetalLB's memberlist port, $METALLB_ML_BIND_PORT; default"
              + " 7946; 0 disables gossip).")
  int gossipPort;

  @Option(
      names = "--ignore-exclude-lb",
      description =
          "Announce from nodes labelled node.kubernetes.io/exclude-from-external-load-balancers.")
  boolean ignoreExcludeLb;

  @Option(
      names = "--split-brain",
      defaultValue = "QUORUM",
      description =
          "QUORUM (announce only from the majority side of a partition) or ANNOUNCE_ALWAYS (MetalLB's behaviour).")
  SplitBrainPolicy.Mode splitBrain;

  @Option(
      names = "--metrics-port",
      description = "Port of /metrics, /healthz and /readyz (default: 7472; 0 = any free port).")
  Integer metricsPort;

  @Mixin MetallbFlags.Speaker metallb = new MetallbFlags.Speaker();

  @Mixin KubeApiFlags kubeApi = new KubeApiFlags();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    MetallbFlags.Ports ports;
    io.ferrolb.adapters.k8s.RequestRateLimit.Settings apiLimit;
    Map<String, String> speakerPods;
    try {
      ports = MetallbFlags.prepare(metallb, metricsPort, 7472, System::getenv);
      apiLimit = kubeApi.settings();
      speakerPods =
          MetallbFlags.flagOrEnv(metallb.mlLabels, "METALLB_ML_LABELS", System::getenv)
              .map(MetallbFlags::labels)
              .orElse(Fabric8SpeakerView.SPEAKER_PODS);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Optional<String> host =
        Optional.ofNullable(hostIp)
            .filter(s -> !s.isBlank())
            .or(
                () ->
                    MetallbFlags.flagOrEnv(
                        metallb.mlBindAddr, "METALLB_ML_BIND_ADDR", System::getenv))
            .or(() -> MetallbFlags.flagOrEnv(metallb.host, "METALLB_HOST", System::getenv));
    PrometheusRegistry registry = new PrometheusRegistry();
    Serve.untilStopped(
        ports,
        apiLimit,
        registry,
        client ->
            Speaker.start(
                client,
                new Speaker.Options(
                    node,
                    MetallbFlags.namespace(namespace, System::getenv, client::getNamespace),
                    lbClass,
                    new LinkedHashSet<>(announcers),
                    l2Announcer,
                    host,
                    gossipPort,
                    ignoreExcludeLb,
                    splitBrain,
                    announcerSettings,
                    Duration.ofSeconds(30),
                    speakerPods,
                    MetallbFlags.podName(metallb, System::getenv)),
                registry),
        Speaker::notReady);
    return 0;
  }
}
