package io.ferrolb.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.ferrolb.adapters.k8s.Fabric8AnnouncementStatusWriter;
import io.ferrolb.adapters.k8s.PodOwner;
import io.ferrolb.app.Main;
import io.ferrolb.domain.allocation.ServiceKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code explain} and {@code diff}, the {@code kubectl ferrolb} plugin's cluster commands, against
 * a mock API server over HTTP: a cluster with a pool, an L2Advertisement, three nodes and two
 * Services, one announced by n2 and one without endpoints.
 */
@EnableKubernetesMockClient(crud = true)
class KubectlFerrolbTest {
  static final String NS = "ferrolb-system";
  KubernetesClient client;
  @TempDir Path dir;
  Path kubeconfig;

  record Run(int exit, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--kubeconfig";
    all[args.length + 1] = kubeconfig.toString();
    int exit = cl.execute(all);
    return new Run(exit, out.toString(), err.toString());
  }

  static ResourceDefinitionContext crd(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("metallb.io")
        .withVersion("v1beta1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  void cr(String kind, String plural, String name, Map<String, Object> spec) {
    client
        .genericKubernetesResources(crd(kind, plural))
        .inNamespace(NS)
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("metallb.io/v1beta1")
                .withKind(kind)
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .addToAdditionalProperties("spec", spec)
                .build())
        .create();
  }

  void service(String name, String ip, String... endpointNodes) {
    var svc =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("shop")
            .withAnnotations(Map.of("metallb.io/ip-allocated-from-pool", "lan"))
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withClusterIP("10.96.0." + (10 + name.length()))
            .withClusterIPs("10.96.0." + (10 + name.length()))
            .withIpFamilies("IPv4")
            .addNewPort()
            .withProtocol("TCP")
            .withPort(80)
            .endPort()
            .endSpec()
            .withNewStatus()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp(ip)
            .endIngress()
            .endLoadBalancer()
            .endStatus()
            .build();
    client.services().inNamespace("shop").resource(svc).create();
    var slice =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(name + "-1")
            .withNamespace("shop")
            .withLabels(Map.of("kubernetes.io/service-name", name))
            .endMetadata()
            .withAddressType("IPv4");
    int i = 1;
    for (String n : endpointNodes) {
      slice
          .addNewEndpoint()
          .withAddresses("10.244.0." + i++)
          .withNodeName(n)
          .withNewConditions()
          .withReady(true)
          .endConditions()
          .endEndpoint();
    }
    client.resource(slice.build()).create();
  }

  @BeforeEach
  void cluster() throws IOException {
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters: [{name: m, cluster: {server: '"
                + client.getConfiguration().getMasterUrl()
                + "', insecure-skip-tls-verify: true}}]",
            "contexts: [{name: m, context: {cluster: m, user: m, namespace: shop}}]",
            "current-context: m",
            "users: [{name: m, user: {token: t}}]",
            ""));
    for (String n : List.of("n1", "n2", "n3")) {
      client
          .nodes()
          .resource(new NodeBuilder().withNewMetadata().withName(n).endMetadata().build())
          .create();
    }
    cr("IPAddressPool", "ipaddresspools", "lan", Map.of("addresses", List.of("203.0.113.0/28")));
    cr("L2Advertisement", "l2advertisements", "lan", Map.of());
    service("web", "203.0.113.10", "n1", "n2", "n3");
    service("idle", "203.0.113.11");
    new Fabric8AnnouncementStatusWriter(client, NS, PodOwner.none())
        .layer2("n2", Map.of(new ServiceKey("shop", "web"), Set.of("eth0")));
  }

  Path file(String name, String yaml) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, yaml);
    return f;
  }

  static String pool(String addresses) {
    return "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: lan, namespace: "
        + NS
        + "}\nspec:\n  addresses: ["
        + addresses
        + "]\n";
  }

  @Test
  void explainNamesPoolNodeAndInterface() {
    Run r = run("explain", "svc/web");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains(
            "Service shop/web",
            "EXTERNAL-IP:   203.0.113.10 (pool \"lan\")",
            "Layer 2:       node n2 answers ARP/NDP on eth0",
            "Announced:     yes (Layer2): 203.0.113.10 answered in Layer 2 by node \"n2\" on eth0");
  }

  @Test
  void explainSaysWhyAServiceIsNotAnnounced() {
    Run r = run("explain", "idle", "-n", "shop");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            "Announced:     no (NoServingEndpoints): 203.0.113.11 is not announced: no ready or"
                + " serving endpoint in the cluster");
  }

  @Test
  void explainOfAMissingServiceOrABadNameFails() {
    assertThat(run("explain", "svc/nope").out()).contains("Service shop/nope not found");
    assertThat(run("explain", "deploy/web").exit()).isEqualTo(2);
  }

  @Test
  void theSameConfigurationChangesNothing() throws IOException {
    Run r = run("diff", file("same.yaml", pool("203.0.113.0/28")).toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("no Service would change (2 LoadBalancer Services)");
  }

  @Test
  void aShrunkPoolMovesTheServicesOutsideIt() throws IOException {
    Run r = run("diff", file("shrink.yaml", pool("203.0.113.0-203.0.113.10")).toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .containsPattern(
            "Service shop/idle: 203.0.113.11 -> 203.0.113.\\d+ \\(no pool holds 203.0.113.11 any"
                + " more; new address from pool \"lan\"\\)")
        .doesNotContain("shop/web")
        .contains("1 of 2 LoadBalancer Services would change");
  }

  @Test
  void aFullPoolStrandsAndLosingTheAdvertisementUnannounces() throws IOException {
    Run stranded = run("diff", file("tiny.yaml", pool("203.0.113.10/32")).toString());
    Run unannounced =
        run("diff", "--replace", file("pool-only.yaml", pool("203.0.113.0/28")).toString());

    assertThat(stranded.out())
        .contains("Service shop/idle: loses 203.0.113.11 and stays pending: ");
    assertThat(unannounced.exit()).isEqualTo(1);
    assertThat(unannounced.out())
        .contains(
            "Service shop/web: keeps 203.0.113.10 but is no longer announced: NoAdvertisement: ")
        .doesNotContain("shop/idle"); // it was not announced before either
  }

  @Test
  void anInvalidFileIsRefusedWithItsErrors() throws IOException {
    Run r = run("diff", file("bad.yaml", pool("203.0.113.300/32")).toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).contains("203.0.113.300", "would keep the current one");
  }
}
