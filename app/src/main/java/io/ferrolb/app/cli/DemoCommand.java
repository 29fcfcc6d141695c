package io.ferrolb.app.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.ferrolb.app.demo.Demo;
import io.ferrolb.app.demo.Lab;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Optional;
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

  @Option(
      names = "--lab",
      description =
          "Also build a network-namespace lab (root and iproute2): the speaker runs in a node"
              + " namespace, a client resolves the address by ARP, a router (FRR or BIRD, if"
              + " installed) learns it over BGP. Everything is removed at the end.")
  boolean lab;

  @Option(
      names = "--lab-router",
      defaultValue = "AUTO",
      hidden = true,
      description = "Router of the lab: AUTO (FRR, else BIRD), FRR, BIRD or NONE.")
  Lab.RouterChoice labRouter;

  /** The mock web server logs every request through java.util.logging; the demo shows none. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  @Override
  public Integer call() throws Exception {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    if (lab) {
      return runLab();
    }
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
    KubernetesMockServer server = mockServer();
    server.init(InetAddress.getLoopbackAddress(), 0);
    System.out.println(
        "embedded Kubernetes API on https://127.0.0.1:" + server.getPort() + " (in-memory)");
    try (KubernetesClient client = server.createClient()) {
      return new Demo(client, server::createClient, System.out, true).run();
    } finally {
      stop(server);
    }
  }

  private Integer runLab() throws Exception {
    if (kubeconfig != null) {
      System.err.println("demo --lab: runs on the embedded API only; drop --kubeconfig");
      return 2;
    }
    Optional<String> missing = Lab.missingHere();
    if (missing.isPresent()) {
      System.err.println(missing.get());
      return 2;
    }
    System.out.println(
        "# the lab: network namespaces flbdemo-* (any left by an earlier run go first)");
    KubernetesMockServer server = mockServer();
    Lab network;
    try {
      network = Lab.start(System.out, labRouter);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    try (network) {
      // the speaker in the node namespace reaches the API over the lab's link, not loopback
      server.init(InetAddress.getByName(Lab.API_ADDRESS), 0); // a literal: no name lookup
      System.out.println(
          "embedded Kubernetes API on http://" + Lab.API_ADDRESS + ":" + server.getPort());
      try (KubernetesClient client = server.createClient()) {
        return new Demo(client, server::createClient, System.out, true, Optional.of(network)).run();
      } catch (Exception | Error e) {
        System.out.println("demo --lab failed: " + e.getMessage());
        System.out.println("last lines of the speaker's log:\n" + network.speakerLogTail(20));
        throw e;
      }
    } finally {
      stop(server);
    }
  }

  /**
   * Stops the embedded API. Its mock server can take longer than its own 10 s limit to close the
   * watches the components had open (its event loop waits on each one) and then throws, after the
   * story has been told and checked: that is no failure of the demo, and the process exits anyway.
   */
  private static void stop(KubernetesMockServer server) {
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      System.err.println(
          "demo: the embedded API was slow to close its watches (" + e.getMessage() + ")");
    }
  }

  private static KubernetesMockServer mockServer() {
    return new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
  }
}
