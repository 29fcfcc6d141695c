package io.ferrolb.app.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.ferrolb.app.demo.Demo;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferrolb demo}: the tutorial as one command, on an embedded Kubernetes API by default. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the MetalLB tutorial with ferrolb: pool, LoadBalancer Service, EXTERNAL-IP, cleanup."
            + " Without --kubeconfig it starts an embedded Kubernetes API (no cluster needed).")
public final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--kubeconfig",
      description =
          "Run against this cluster instead of the embedded API (needs the CRDs installed).")
  Path kubeconfig;

  /** The mock web server logs every request through java.util.logging; the demo shows none. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  @Override
  public Integer call() throws Exception {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    if (kubeconfig != null) {
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
      try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
        return new Demo(
                client,
                () -> new KubernetesClientBuilder().withConfig(config).build(),
                System.out,
                false)
            .run();
      }
    }
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    System.out.println(
        "embedded Kubernetes API on https://127.0.0.1:" + server.getPort() + " (in-memory)");
    try (KubernetesClient client = server.createClient()) {
      return new Demo(client, server::createClient, System.out, true).run();
    } finally {
      server.destroy();
    }
  }
}
