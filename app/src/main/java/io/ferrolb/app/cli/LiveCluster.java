package io.ferrolb.app.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.ferrolb.adapters.k8s.Fabric8AnnouncementReports;
import io.ferrolb.adapters.k8s.Fabric8ClusterView;
import io.ferrolb.adapters.k8s.Fabric8SpeakerView;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.config.ConfigLoader;
import io.ferrolb.domain.config.ParseContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The read-only view of a live cluster that {@code explain} and {@code diff} (the {@code kubectl
 * ferrolb} plugin) share: the controller's and the speakers' caches and the speakers' reports,
 * listed once. Options are a picocli mixin.
 */
final class LiveCluster implements AutoCloseable {

  /** The options every cluster-reading command takes. */
  static final class Options {
    @Option(
        names = "--kubeconfig",
        description = "Kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster).")
    Path kubeconfig;

    @Option(names = "--context", description = "Kubeconfig context (default: the current one).")
    String context;

    @Option(
        names = "--ferrolb-namespace",
        description =
            "Namespace of ferrolb's configuration and status objects (default:"
                + " $FERROLB_NAMESPACE, $METALLB_NAMESPACE, else ferrolb-system).")
    String ferrolbNamespace;

    @Option(
        names = "--lb-class",
        defaultValue = "",
        description = "The controller's --lb-class (default: Services without a class).")
    String lbClass = "";

    @Option(
        names = "--timeout",
        defaultValue = "30s",
        description = "How long each read of the cluster may take (default: ${DEFAULT-VALUE}).")
    String timeout = "30s";

    String namespace() {
      return MetallbFlags.namespace(
          Optional.ofNullable(ferrolbNamespace).orElse(System.getenv("FERROLB_NAMESPACE")),
          System::getenv,
          () -> null);
    }
  }

  final KubernetesClient client;
  final String namespace;
  final Fabric8ClusterView controllerView;
  final Fabric8SpeakerView speakerView;
  final Fabric8AnnouncementReports reports;

  private LiveCluster(KubernetesClient client, String namespace, String lbClass) {
    this.client = client;
    this.namespace = namespace;
    this.controllerView = new Fabric8ClusterView(client, namespace);
    this.speakerView =
        Fabric8SpeakerView.forController(
            client, namespace, lbClass, Fabric8SpeakerView.SPEAKER_PODS);
    this.reports = new Fabric8AnnouncementReports(client, namespace);
  }

  /** Connects and lists everything; fails with a message when the cluster cannot be read. */
  static LiveCluster open(Options o) throws IOException {
    Duration timeout = ExplainCommand.Durations.parse("--timeout", o.timeout);
    // a list that is refused or times out fails here with the API server's message
    io.fabric8.kubernetes.client.Config config =
        o.kubeconfig != null
            ? io.fabric8.kubernetes.client.Config.fromKubeconfig(
                o.context, Files.readString(o.kubeconfig), o.kubeconfig.toString())
            : io.fabric8.kubernetes.client.Config.autoConfigure(o.context);
    config.setRequestTimeout((int) timeout.toMillis());
    config.setConnectionTimeout((int) Math.min(timeout.toMillis(), 10_000));
    config.setRequestRetryBackoffLimit(0); // a command reports at once, it does not retry
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    LiveCluster c = new LiveCluster(client, o.namespace(), o.lbClass);
    try {
      // one list per kind, no watches: a one-shot read
      c.controllerView.listOnce();
      c.speakerView.listOnce();
      c.reports.listOnce();
      return c;
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      c.close();
      throw new IOException(
          "cannot read the cluster at "
              + config.getMasterUrl()
              + (e.getCode() > 0 ? " (HTTP " + e.getCode() + ")" : "")
              + ": "
              + (e.getStatus() != null && e.getStatus().getMessage() != null
                  ? e.getStatus().getMessage()
                  : String.valueOf(e.getCause() != null ? e.getCause() : e.getMessage())),
          e);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /**
   * The configuration in force, as the speakers read it; empty when none or invalid (a one-shot
   * read has no last good one to keep).
   */
  Optional<Config> currentConfig() {
    return new ConfigLoader()
        .load(speakerView.configObjects(), ParseContext.of(namespace))
        .config();
  }

  @Override
  public void close() {
    reports.close();
    speakerView.close();
    controllerView.close();
    client.close();
  }
}
