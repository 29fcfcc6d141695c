package io.ferrolb.app.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.ferrolb.app.demo.Demo;
import io.ferrolb.app.demo.Lab;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
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

  @Override
  public Integer call() throws Exception {
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
    Optional<String> missing = EmbeddedApi.Presence.missing("demo");
    if (missing.isPresent()) {
      System.err.println(missing.get());
      return 2;
    }
    try (EmbeddedApi server = EmbeddedApi.create()) {
      server.init(InetAddress.getLoopbackAddress(), 0);
      System.out.println(
          "embedded Kubernetes API on https://127.0.0.1:" + server.port() + " (in-memory)");
      try (KubernetesClient client = server.createClient()) {
        return new Demo(client, server::createClient, System.out, true).run();
      }
    }
  }

  private Integer runLab() throws Exception {
    if (kubeconfig != null) {
      System.err.println("demo --lab: runs on the embedded API only; drop --kubeconfig");
      return 2;
    }
    Optional<String> missing = EmbeddedApi.Presence.missing("demo").or(Lab::missingHere);
    if (missing.isPresent()) {
      System.err.println(missing.get());
      return 2;
    }
    System.out.println(
        "# the lab: network namespaces flbdemo-* (any left by an earlier run go first)");
    Lab network;
    try {
      network = Lab.start(System.out, labRouter);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    try (EmbeddedApi server = EmbeddedApi.create(); // closed last, after the lab's speaker
        network) {
      // the speaker in the node namespace reaches the API over the lab's link, not loopback
      server.init(InetAddress.getByName(Lab.API_ADDRESS), 0); // a literal: no name lookup
      System.out.println(
          "embedded Kubernetes API on http://" + Lab.API_ADDRESS + ":" + server.port());
      try (KubernetesClient client = server.createClient()) {
        return new Demo(client, server::createClient, System.out, true, Optional.of(network)).run();
      } catch (Exception | Error e) {
        System.out.println("demo --lab failed: " + e.getMessage());
        System.out.println("last lines of the speaker's log:\n" + network.speakerLogTail(20));
        throw e;
      }
    }
  }
}
