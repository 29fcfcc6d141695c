package io.ferrolb.app.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.controller.Controller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferrolb api-server}: an in-memory Kubernetes API (fabric8's CRUD mock server) with the
 * metallb.io CRDs, optionally preloaded with objects and running the controller. For labs and
 * benchmarks in network namespaces, where no real API server can run. Not for production.
 */
@Command(
    name = "api-server",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Serve an in-memory Kubernetes API for labs and benchmarks (not for production).")
public final class ApiServerCommand implements Callable<Integer> {

  @Option(names = "--listen", defaultValue = "127.0.0.1", description = "Address to bind.")
  String listen;

  @Option(names = "--port", defaultValue = "0", description = "Port (0 = any free port).")
  int port;

  @Option(
      names = "--kubeconfig-out",
      required = true,
      description = "Write a kubeconfig for clients of this server here.")
  Path kubeconfigOut;

  @Option(names = "--apply", description = "YAML files to create at start (repeatable).")
  List<Path> apply = new ArrayList<>();

  @Option(names = "--with-controller", description = "Also run the controller in this process.")
  boolean withController;

  @Option(names = "--namespace", defaultValue = "ferrolb-system")
  String namespace;

  @Override
  public Integer call() throws Exception {
    Optional<String> missing = EmbeddedApi.Presence.missing("api-server");
    if (missing.isPresent()) {
      System.err.println(missing.get());
      return 2;
    }
    EmbeddedApi server = EmbeddedApi.create();
    server.init(InetAddress.getByName(listen), port); // a literal address: no name lookup
    String url = "http://" + listen + ":" + server.port();
    ShutdownSignal shutdown = ShutdownSignal.install();
    try (KubernetesClient client = server.createClient()) {
      for (String plural : io.ferrolb.app.demo.Demo.crdPlurals()) {
        try (InputStream in =
            ApiServerCommand.class
                .getClassLoader()
                .getResourceAsStream("ferrolb/crds/metallb.io_" + plural + ".yaml")) {
          client.apiextensions().v1().customResourceDefinitions().load(in).create();
        }
      }
      for (Path f : apply) {
        try (InputStream in = Files.newInputStream(f)) {
          client.load(in).createOrReplace();
        }
      }
      Files.writeString(kubeconfigOut, kubeconfig(url));
      Controller controller =
          withController
              ? Controller.start(
                  server.createClient(),
                  new Controller.Options(
                      namespace,
                      "",
                      "api-server-controller",
                      LeaseLeadership.Timing.FAST,
                      true,
                      Optional.empty()),
                  new PrometheusRegistry())
              : null;
      System.out.println("api-server: serving " + url + "; kubeconfig " + kubeconfigOut);
      shutdown.awaitRequest();
      if (controller != null) {
        controller.close();
      }
    } finally {
      server.close();
      shutdown.closed();
    }
    return 0;
  }

  static String kubeconfig(String url) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: lab",
        "  cluster:",
        "    server: " + url,
        "contexts:",
        "- name: lab",
        "  context: {cluster: lab, user: lab, namespace: default}",
        "current-context: lab",
        "users:",
        "- name: lab",
        "  user: {token: lab}",
        "");
  }
}
