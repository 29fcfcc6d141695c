package io.ferrolb.it.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * charts/ferrolb, linted and rendered by Helm itself (its Go library through helm-java), against
 * what {@code kubectl kustomize} renders from deploy/. Objects are compared parsed, keyed by
 * apiVersion, kind, namespace and name; Helm's own labels are dropped first. The chart's defaults
 * are deploy/base (both announcers, plain-HTTP metrics); ci/l2-values.yaml, ci/bgp-values.yaml,
 * ci/secure-metrics-values.yaml and ci/webhook-values.yaml are the four overlays. Every other
 * difference is one of the {@link Known} adjustments below, each with its reason.
 */
class HelmChartTest {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path CHART = REPO.resolve("charts/ferrolb");
  private static final Path DEPLOY = REPO.resolve("deploy");
  private static final String NS = "ferrolb-system";

  /** Labels Helm charts put on everything, which kustomize has no counterpart for. */
  private static final Set<String> HELM_LABELS =
      Set.of(
          "helm.sh/chart",
          "app.kubernetes.io/managed-by",
          "app.kubernetes.io/instance",
          "app.kubernetes.io/version");

  private static final String PART_OF = "app.kubernetes.io/part-of";

  /** The kinds without a namespace among those rendered here. */
  private static final Set<String> CLUSTER_SCOPED =
      Set.of(
          "Namespace",
          "CustomResourceDefinition",
          "ClusterRole",
          "ClusterRoleBinding",
          "ValidatingWebhookConfiguration",
          "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding");

  record Key(String apiVersion, String kind, String namespace, String name) {
    @Override
    public String toString() {
      return kind + " " + (namespace == null ? "" : namespace + "/") + name;
    }
  }

  /**
   * A difference between the chart and kustomize, applied to kustomize's objects before they are
   * compared: what it changes, and why the chart differs there.
   */
  record Known(String what, String reason, Predicate<Key> applies, Adjust adjust) {}

  interface Adjust {
    /** Returns the kustomize object as the chart renders it, or null when the chart has none. */
    Map<String, Object> apply(Map<String, Object> kustomized);
  }

  private static final Known CRDS_IN_CRDS_DIR =
      new Known(
          "CustomResourceDefinitions: not in the rendered templates",
          "Helm 3 installs charts/ferrolb/crds/ before the templates and `helm template` leaves"
              + " them out; crdsAreDeployCrdsByteForByte and kustomizedCrdsAreDeployCrds check them",
          k -> k.kind().equals("CustomResourceDefinition"),
          o -> null);

  private static final Known NO_NAMESPACE_BY_DEFAULT =
      new Known(
          "Namespace: only with namespace.create=true",
          "`helm install -n ferrolb-system --create-namespace` creates it, and Helm refuses to"
              + " install a Namespace it has already created; namespaceCreateIsBasesNamespace checks"
              + " it with namespace.create=true",
          k -> k.kind().equals("Namespace"),
          o -> null);

  /** Objects an overlay adds, which deploy/base's labels transformer does not reach. */
  private static Known partOfOnOverlayObjects(String overlay, Set<String> names) {
    return new Known(
        PART_OF + " on " + overlay + "'s own objects " + names,
        "deploy/base's `labels:` puts it on base's resources only; the chart labels every object"
            + " alike",
        k -> names.contains(k.name()),
        o -> {
          labels(o).put(PART_OF, "ferrolb");
          return o;
        });
  }

  private static final Load YAML = new Load(LoadSettings.builder().build());

  // ---------------------------------------------------------------------------------------------
  // helm lint

  @Test
  void lintReportsNoErrorsAndNoWarnings() {
    LintResult lint = new Helm(CHART).lint().call();
    List<String> problems =
        lint.getMessages().stream().filter(m -> !m.startsWith("[INFO]")).toList();
    assertThat(lint.isFailed()).as("helm lint: %s", lint.getMessages()).isFalse();
    assertThat(problems).as("helm lint warnings and errors, all: %s", lint.getMessages()).isEmpty();
  }

  @Test
  void eachCiValuesFileRenders() throws IOException {
    try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
      List<Path> ci = files.sorted().toList();
      assertThat(ci)
          .extracting(p -> p.getFileName().toString())
          .containsExactly(
              "bgp-values.yaml",
              "l2-values.yaml",
              "secure-metrics-values.yaml",
              "webhook-values.yaml");
      for (Path values : ci) {
        // helm-java's lint takes no values file; lint renders the chart too, so render each here
        assertThat(objects(template().withValuesFile(values).call())).isNotEmpty();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the chart against deploy/

  @Test
  void defaultsAreDeployBase() {
    assertSameObjects(
        objects(template().call()),
        kustomize("base"),
        List.of(CRDS_IN_CRDS_DIR, NO_NAMESPACE_BY_DEFAULT));
  }

  @Test
  void namespaceCreateIsBasesNamespace() {
    Map<Key, Map<String, Object>> chart =
        objects(template().set("namespace.create", "true").call());
    assertSameObjects(chart, kustomize("base"), List.of(CRDS_IN_CRDS_DIR));
  }

  @Test
  void l2ValuesAreTheL2Overlay() {
    assertSameObjects(
        objects(template().withValuesFile(CHART.resolve("ci/l2-values.yaml")).call()),
        kustomize("overlays/l2"),
        List.of(CRDS_IN_CRDS_DIR, NO_NAMESPACE_BY_DEFAULT));
  }

  @Test
  void bgpValuesAreTheBgpOverlay() {
    assertSameObjects(
        objects(template().withValuesFile(CHART.resolve("ci/bgp-values.yaml")).call()),
        kustomize("overlays/bgp"),
        List.of(
            CRDS_IN_CRDS_DIR,
            NO_NAMESPACE_BY_DEFAULT,
            partOfOnOverlayObjects("overlays/bgp", Set.of("speaker-bgp-passwords"))));
  }

  @Test
  void secureMetricsValuesAreTheSecureMetricsOverlay() {
    assertSameObjects(
        objects(template().withValuesFile(CHART.resolve("ci/secure-metrics-values.yaml")).call()),
        kustomize("overlays/secure-metrics"),
        List.of(
            CRDS_IN_CRDS_DIR,
            NO_NAMESPACE_BY_DEFAULT,
            partOfOnOverlayObjects(
                "overlays/secure-metrics",
                Set.of("ferrolb-system:metrics-auth", "ferrolb-system:metrics-reader"))));
  }

  @Test
  void webhookValuesAreTheWebhookOverlay() {
    assertSameObjects(
        objects(template().withValuesFile(CHART.resolve("ci/webhook-values.yaml")).call()),
        kustomize("overlays/webhook"),
        List.of(
            CRDS_IN_CRDS_DIR,
            NO_NAMESPACE_BY_DEFAULT,
            partOfOnOverlayObjects(
                "overlays/webhook",
                Set.of(
                    "ferrolb-webhook-service",
                    "ferrolb-webhook-configuration",
                    "controller-webhook",
                    "ferrolb-system:controller-webhook",
                    "ferrolb-bfdprofile-in-use",
                    "ferrolb-config-namespace"))));
  }

  /** One source of truth: charts/ferrolb/crds is a copy of deploy/crds, checked here. */
  @Test
  void crdsAreDeployCrdsByteForByte() throws IOException {
    Map<String, String> deploy = filesIn(DEPLOY.resolve("crds"), n -> n.startsWith("metallb.io_"));
    Map<String, String> chart = filesIn(CHART.resolve("crds"), n -> true);
    assertThat(chart.keySet())
        .as(
            "charts/ferrolb/crds against deploy/crds (copy them: cp deploy/crds/metallb.io_*.yaml"
                + " charts/ferrolb/crds/)")
        .isEqualTo(deploy.keySet());
    for (String name : deploy.keySet()) {
      assertThat(chart.get(name))
          .as("charts/ferrolb/crds/%s differs from deploy/crds/%s", name, name)
          .isEqualTo(deploy.get(name));
    }
  }

  @Test
  void kustomizedCrdsAreDeployCrds() throws IOException {
    Map<Key, Map<String, Object>> files = new TreeMap<>(BY_KEY);
    for (String text : filesIn(CHART.resolve("crds"), n -> true).values()) {
      files.putAll(objects(text));
    }
    Map<Key, Map<String, Object>> kustomized = new TreeMap<>(BY_KEY);
    kustomize("base")
        .forEach(
            (k, o) -> {
              if (k.kind().equals("CustomResourceDefinition")) {
                kustomized.put(k, o);
              }
            });
    assertThat(files).hasSize(9);
    List<String> differences = new ArrayList<>();
    for (Key key : union(files.keySet(), kustomized.keySet())) {
      diff(key + " ", kustomized.get(key), files.get(key), differences);
    }
    assertThat(differences).as("the CRDs kustomize renders against charts/ferrolb/crds").isEmpty();
  }

  @Test
  void monitoringFilesAreDeployMonitoringByteForByte() throws IOException {
    for (String name : List.of("prometheusrule.yaml", "grafana-dashboard.json")) {
      assertThat(Files.readString(CHART.resolve("files").resolve(name)))
          .as("charts/ferrolb/files/%s differs from deploy/monitoring/%s", name, name)
          .isEqualTo(Files.readString(DEPLOY.resolve("monitoring").resolve(name)));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // values

  @Test
  void imageRepositoryTagAndPullPolicy() {
    Map<Key, Map<String, Object>> chart =
        objects(
            template()
                .set("image.repository", "registry.example/ferrolb")
                .set("image.tag", "1.2.3")
                .set("image.pullPolicy", "Always")
                .call());
    for (Map<String, Object> c : List.of(controller(chart), speaker(chart))) {
      assertThat(c).containsEntry("image", "registry.example/ferrolb:1.2.3");
      assertThat(c).containsEntry("imagePullPolicy", "Always");
    }
    Map<Key, Map<String, Object>> defaults = objects(template().call());
    assertThat(controller(defaults))
        .as("tag: the chart's appVersion; no pull policy")
        .containsEntry("image", "ghcr.io/ferrolb/ferrolb:" + chartYaml().get("appVersion"))
        .doesNotContainKey("imagePullPolicy");
  }

  @Test
  void schedulingOfBothComponents() {
    TemplateCommand t = template();
    for (String c : List.of("controller", "speaker")) {
      t.set(c + ".nodeSelector.node-role\\.example/lb", "yes")
          .set(c + ".tolerations[0].key", "dedicated")
          .set(c + ".tolerations[0].operator", "Equal")
          .set(c + ".tolerations[0].value", c)
          .set(c + ".tolerations[0].effect", "NoSchedule")
          .set(c + ".priorityClassName", "system-node-critical")
          .set(
              c
                  + ".affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                  + ".nodeSelectorTerms[0].matchExpressions[0].key",
              "zone")
          .set(
              c
                  + ".affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                  + ".nodeSelectorTerms[0].matchExpressions[0].operator",
              "Exists");
    }
    Map<Key, Map<String, Object>> chart = objects(t.call());
    for (Map.Entry<String, Map<String, Object>> e :
        Map.of("controller", podSpec(deployment(chart)), "speaker", podSpec(daemonSet(chart)))
            .entrySet()) {
      Map<String, Object> spec = e.getValue();
      assertThat(spec.get("nodeSelector")).isEqualTo(Map.of("node-role.example/lb", "yes"));
      assertThat(spec.get("tolerations"))
          .as("%s: the list replaces the default", e.getKey())
          .isEqualTo(
              List.of(
                  Map.of(
                      "key", "dedicated",
                      "operator", "Equal",
                      "value", e.getKey(),
                      "effect", "NoSchedule")));
      assertThat(spec).containsEntry("priorityClassName", "system-node-critical");
      assertThat(map(spec.get("affinity"))).containsKey("nodeAffinity");
    }
    assertThat(map(podSpec(deployment(chart)).get("affinity")))
        .as("the controller's default anti-affinity stays, merged")
        .containsKey("podAntiAffinity");
  }

  @Test
  void resourcesOfBothComponents() {
    Map<Key, Map<String, Object>> chart =
        objects(
            template()
                .set("controller.resources.requests.cpu", "200m")
                .set("controller.resources.limits.memory", "1Gi")
                .set("speaker.resources.requests.memory", "300Mi")
                .call());
    assertThat(controller(chart).get("resources"))
        .isEqualTo(
            Map.of(
                "requests", Map.of("cpu", "200m", "memory", "136Mi"),
                "limits", Map.of("memory", "1Gi")));
    assertThat(speaker(chart).get("resources"))
        .isEqualTo(
            Map.of(
                "requests", Map.of("cpu", "50m", "memory", "300Mi"),
                "limits", Map.of("memory", "256Mi")));
  }

  /**
   * Installed into metallb-system with every optional object on: each namespaced object, each
   * subject and each namespace reference follows; the components get their namespace from the pod.
   * Only cluster-scoped names keep the ferrolb-system: prefix, as kustomize's namespace transformer
   * keeps them.
   */
  @Test
  void anotherNamespaceReachesEveryObject() {
    String ns = "metallb-system";
    Map<Key, Map<String, Object>> chart =
        objects(
            new Helm(CHART)
                .template()
                .withName("ferrolb")
                .withNamespace(ns)
                .withValuesFile(CHART.resolve("ci/bgp-values.yaml"))
                .set("namespace.create", "true")
                .set("metrics.secure.enabled", "true")
                .set("metrics.secure.prometheusServiceAccount.name", "prometheus-k8s")
                .set("metrics.secure.prometheusServiceAccount.namespace", "monitoring")
                .set("metrics.serviceMonitor.enabled", "true")
                .set("metrics.prometheusRule.enabled", "true")
                .set("metrics.grafanaDashboard.enabled", "true")
                .set("webhook.enabled", "true")
                .call());
    assertThat(chart.keySet())
        .extracting(Key::kind)
        .contains(
            "Namespace",
            "ServiceMonitor",
            "PrometheusRule",
            "ConfigMap",
            "Service",
            "ValidatingWebhookConfiguration",
            "ValidatingAdmissionPolicyBinding");
    for (Key k : chart.keySet()) {
      if (CLUSTER_SCOPED.contains(k.kind())) {
        assertThat(k.namespace()).as("%s", k).isNull();
      } else {
        assertThat(k.namespace()).as("%s", k).isEqualTo(ns);
      }
    }
    assertThat(chart).containsKey(new Key("v1", "Namespace", null, ns));
    List<String> stray = new ArrayList<>();
    chart.forEach((k, o) -> findString(k + " ", o, NS, stray));
    assertThat(stray)
        .as("ferrolb-system, outside the cluster-scoped names")
        .allMatch(s -> s.matches(".*(metadata\\.name|roleRef\\.name)=ferrolb-system:[a-z-]+"));
    for (Map<String, Object> o : chart.values()) {
      for (Object subject : list(o.get("subjects"))) {
        Map<String, Object> s = map(subject);
        if (!s.get("name").equals("prometheus-k8s")) {
          assertThat(s).as("subject %s", s).containsEntry("namespace", ns);
        }
      }
    }
    for (Map<String, Object> c : List.of(controller(chart), speaker(chart))) {
      assertThat(list(c.get("args"))).contains("--namespace=$(FERROLB_NAMESPACE)");
      assertThat(list(c.get("env")))
          .contains(
              Map.of(
                  "name",
                  "FERROLB_NAMESPACE",
                  "valueFrom",
                  Map.of("fieldRef", Map.of("fieldPath", "metadata.namespace"))));
    }
    Map<String, Object> monitor =
        chart.get(new Key("monitoring.coreos.com/v1", "ServiceMonitor", ns, "speaker"));
    assertThat(map(spec(monitor).get("namespaceSelector")).get("matchNames"))
        .isEqualTo(List.of(ns));
  }

  @Test
  void serviceMonitorsOnlyWhenEnabledAndOnTheMetricsPort() {
    assertThat(objects(template().call()).keySet())
        .extracting(Key::apiVersion)
        .doesNotContain("monitoring.coreos.com/v1");
    for (boolean secure : List.of(false, true)) {
      Map<Key, Map<String, Object>> chart =
          objects(
              template()
                  .set("metrics.serviceMonitor.enabled", "true")
                  .set("metrics.secure.enabled", Boolean.toString(secure))
                  .call());
      String port = secure ? "metricshttps" : "monitoring";
      for (String component : List.of("controller", "speaker")) {
        Map<String, Object> monitor =
            chart.get(new Key("monitoring.coreos.com/v1", "ServiceMonitor", NS, component));
        assertThat(monitor).as("ServiceMonitor %s", component).isNotNull();
        Map<String, Object> endpoint = map(list(spec(monitor).get("endpoints")).get(0));
        assertThat(endpoint).containsEntry("port", port);
        assertThat(endpoint.get("scheme")).isEqualTo(secure ? "https" : null);
        Map<String, Object> service =
            chart.get(new Key("v1", "Service", NS, component + "-metrics"));
        assertThat(labels(service))
            .containsAllEntriesOf(map(map(spec(monitor).get("selector")).get("matchLabels")));
        Map<String, Object> servicePort = map(list(spec(service).get("ports")).get(0));
        assertThat(servicePort).containsEntry("targetPort", port);
        Map<String, Object> container =
            component.equals("controller") ? controller(chart) : speaker(chart);
        assertThat(list(container.get("ports")))
            .as("%s has the port the ServiceMonitor scrapes", component)
            .anyMatch(p -> map(p).get("name").equals(port));
        assertThat(map(spec(service).get("selector")))
            .isEqualTo(
                map(
                    map(map(spec(component.equals("controller")
                                    ? deployment(chart)
                                    : daemonSet(chart))
                                .get("template"))
                            .get("metadata"))
                        .get("labels")));
      }
    }
  }

  @Test
  void prometheusRuleOnlyWhenEnabledWithDeployMonitoringsRules() throws IOException {
    assertThat(objects(template().call()).keySet())
        .extracting(Key::kind)
        .doesNotContain("PrometheusRule");
    Map<Key, Map<String, Object>> chart =
        objects(template().set("metrics.prometheusRule.enabled", "true").call());
    Key key = new Key("monitoring.coreos.com/v1", "PrometheusRule", NS, "ferrolb");
    Map<String, Object> monitoring =
        objects(Files.readString(DEPLOY.resolve("monitoring/prometheusrule.yaml"))).get(key);
    assertThat(monitoring).as("deploy/monitoring/prometheusrule.yaml").isNotNull();
    // the chart labels every object with part-of; deploy/monitoring is applied on its own
    labels(monitoring).put(PART_OF, "ferrolb");
    assertThat(chart.get(key)).isEqualTo(monitoring);
    assertThat(chart.get(key).toString()).contains("{{ $labels.instance }}");
  }

  @Test
  void grafanaDashboardOnlyWhenEnabled() throws IOException {
    assertThat(objects(template().call()).keySet())
        .extracting(Key::kind)
        .doesNotContain("ConfigMap");
    Map<Key, Map<String, Object>> chart =
        objects(template().set("metrics.grafanaDashboard.enabled", "true").call());
    Map<String, Object> cm = chart.get(new Key("v1", "ConfigMap", NS, "ferrolb-grafana-dashboard"));
    assertThat(labels(cm)).containsEntry("grafana_dashboard", "1");
    assertThat(map(cm.get("data")).get("ferrolb.json"))
        .isEqualTo(Files.readString(DEPLOY.resolve("monitoring/grafana-dashboard.json")).strip());
  }

  @Test
  void layer2AndBgpToggles() {
    assertThat(speakerArgs(template().call())).noneMatch(a -> a.startsWith("--announcers"));
    assertThat(speakerArgs(template().set("bgp.enabled", "false").call()))
        .contains("--announcers=layer2");
    assertThat(speakerArgs(template().set("layer2.enabled", "false").call()))
        .contains("--announcers=bgp");
    assertThat(
            objects(
                    template()
                        .set("bgp.enabled", "false")
                        .set("bgp.passwordSecrets[0]", "bgp-password")
                        .call())
                .keySet())
        .as("no BGP, no password Role")
        .extracting(Key::name)
        .doesNotContain("speaker-bgp-passwords");
    Map<Key, Map<String, Object>> twoSecrets =
        objects(
            template()
                .set("bgp.passwordSecrets[0]", "router-a")
                .set("bgp.passwordSecrets[1]", "router-b")
                .call());
    Map<String, Object> role =
        twoSecrets.get(
            new Key("rbac.authorization.k8s.io/v1", "Role", NS, "speaker-bgp-passwords"));
    assertThat(map(list(role.get("rules")).get(0)).get("resourceNames"))
        .isEqualTo(List.of("router-a", "router-b"));
    assertThatThrownBy(
            () -> template().set("layer2.enabled", "false").set("bgp.enabled", "false").call())
        .hasMessageContaining("the speaker would announce nothing");
  }

  @Test
  void logLevelClassAndExtraArgsComeAfterTheChartsOwn() {
    String rendered =
        template()
            .set("loadBalancerClass", "ferrolb")
            .set("controller.logLevel", "debug")
            .set("controller.extraArgs[0]", "--announced-condition=false")
            .set("speaker.logLevel", "warn")
            .set("speaker.extraArgs[0]", "--split-brain=ANNOUNCE_ALWAYS")
            .call();
    assertThat(list(controller(objects(rendered)).get("args")))
        .containsExactly(
            "controller",
            "--namespace=$(FERROLB_NAMESPACE)",
            "--metrics-port=7472",
            "--lb-class=ferrolb",
            "--log-level=debug",
            "--announced-condition=false");
    assertThat(speakerArgs(rendered))
        .containsExactly(
            "speaker",
            "--namespace=$(FERROLB_NAMESPACE)",
            "--node-name=$(FERROLB_NODE_NAME)",
            "--metrics-port=7472",
            "--lb-class=ferrolb",
            "--log-level=warn",
            "--split-brain=ANNOUNCE_ALWAYS");
    assertThatThrownBy(() -> template().set("speaker.logLevel", "verbose").call())
        .as("values.schema.json")
        .hasMessageContaining("speaker.logLevel must be one of the following");
  }

  @Test
  void secureMetricsPortsAndTlsFlags() {
    Map<Key, Map<String, Object>> chart =
        objects(
            template()
                .set("metrics.secure.enabled", "true")
                .set("metrics.secure.port", "9443")
                .set("metrics.port", "17472")
                .set("metrics.secure.tlsMinVersion", "VersionTLS12")
                .set("metrics.secure.controllerTLSSecret", "my-cert")
                .call());
    assertThat(list(controller(chart).get("args")))
        .contains("--port=9443", "--health-probe-port=17472", "--tls-min-version=VersionTLS12");
    assertThat(
            map(
                map(map(spec(deployment(chart)).get("template")).get("metadata"))
                    .get("annotations")))
        .containsEntry("prometheus.io/port", "9443")
        .containsEntry("prometheus.io/scheme", "https");
    assertThat(list(podSpec(deployment(chart)).get("volumes")))
        .contains(Map.of("name", "metrics-certs", "secret", Map.of("secretName", "my-cert")));
    assertThatThrownBy(
            () ->
                template()
                    .set("metrics.secure.enabled", "true")
                    .set("metrics.secure.port", "7472")
                    .call())
        .hasMessageContaining("metrics.secure.port must differ from metrics.port");
  }

  @Test
  void webhookOnlyWhenEnabledWithItsFailurePolicyAndPort() {
    assertThat(objects(template().call()).keySet())
        .extracting(Key::apiVersion)
        .doesNotContain("admissionregistration.k8s.io/v1");
    assertThat(list(controller(objects(template().call())).get("args")))
        .noneMatch(a -> String.valueOf(a).startsWith("--webhook"));
    Map<Key, Map<String, Object>> chart =
        objects(
            template()
                .set("webhook.enabled", "true")
                .set("webhook.failurePolicy", "Fail")
                .set("webhook.port", "8443")
                .set("webhook.bfdProfileInUsePolicy", "false")
                .set("webhook.namespacePolicy", "false")
                .call());
    Map<String, Object> configuration =
        chart.get(
            new Key(
                "admissionregistration.k8s.io/v1",
                "ValidatingWebhookConfiguration",
                null,
                "ferrolb-webhook-configuration"));
    assertThat(map(list(configuration.get("webhooks")).get(0)))
        .containsEntry("failurePolicy", "Fail");
    assertThat(list(controller(chart).get("args"))).contains("--webhook-port=8443");
    assertThat(list(controller(chart).get("ports")))
        .contains(Map.of("name", "webhook", "containerPort", 8443));
    assertThat(chart.keySet())
        .as("webhook.bfdProfileInUsePolicy=false, webhook.namespacePolicy=false")
        .extracting(Key::kind)
        .doesNotContain("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    assertThatThrownBy(() -> template().set("webhook.failurePolicy", "Sometimes").call())
        .as("values.schema.json")
        .hasMessageContaining("webhook.failurePolicy must be one of the following");
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  private static TemplateCommand template() {
    return new Helm(CHART).template().withName("ferrolb").withNamespace(NS);
  }

  private static void assertSameObjects(
      Map<Key, Map<String, Object>> chart,
      Map<Key, Map<String, Object>> kustomized,
      List<Known> known) {
    Map<Key, Map<String, Object>> expected = new TreeMap<>(BY_KEY);
    List<String> unusedKnown = new ArrayList<>();
    for (Known k : known) {
      unusedKnown.add(k.what());
    }
    kustomized.forEach(
        (key, o) -> {
          Map<String, Object> adjusted = o;
          for (Known k : known) {
            if (adjusted != null && k.applies().test(key)) {
              adjusted = k.adjust().apply(adjusted);
              unusedKnown.remove(k.what());
            }
          }
          if (adjusted != null) {
            expected.put(key, adjusted);
          }
        });
    List<String> differences = new ArrayList<>();
    for (Key key : union(chart.keySet(), expected.keySet())) {
      if (!expected.containsKey(key)) {
        differences.add("only in the chart: " + key);
      } else if (!chart.containsKey(key)) {
        differences.add("only in kustomize: " + key);
      } else {
        diff(key + " ", expected.get(key), chart.get(key), differences);
      }
    }
    assertThat(differences).as("chart against kustomize (after the known differences)").isEmpty();
    assertThat(unusedKnown).as("known differences that no longer apply: remove them").isEmpty();
  }

  private static Set<Key> union(Set<Key> a, Set<Key> b) {
    Set<Key> all = new TreeSet<>(BY_KEY);
    all.addAll(a);
    all.addAll(b);
    return all;
  }

  private static final Comparator<Key> BY_KEY =
      Comparator.comparing(Key::toString).thenComparing(Key::apiVersion);

  /** Path-by-path differences between two parsed YAML values, kustomize's first. */
  private static void diff(String path, Object kustomize, Object chart, List<String> out) {
    if (kustomize instanceof Map<?, ?> a && chart instanceof Map<?, ?> b) {
      Set<String> keys = new TreeSet<>();
      a.keySet().forEach(k -> keys.add(String.valueOf(k)));
      b.keySet().forEach(k -> keys.add(String.valueOf(k)));
      for (String k : keys) {
        diff(path + "." + k, a.get(k), b.get(k), out);
      }
    } else if (kustomize instanceof List<?> a
        && chart instanceof List<?> b
        && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        diff(path + "[" + i + "]", a.get(i), b.get(i), out);
      }
    } else if (!Objects.equals(kustomize, chart)) {
      out.add(path + ": kustomize " + kustomize + ", chart " + chart);
    }
  }

  /** Every string value containing {@code needle}, as "path=value". */
  private static void findString(String path, Object value, String needle, List<String> out) {
    if (value instanceof Map<?, ?> m) {
      m.forEach(
          (k, v) -> findString(path.endsWith(" ") ? path + k : path + "." + k, v, needle, out));
    } else if (value instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        findString(path + "[" + i + "]", l.get(i), needle, out);
      }
    } else if (value instanceof String s && s.contains(needle)) {
      out.add(path + "=" + s);
    }
  }

  /** The objects of a multi-document YAML stream, without Helm's labels. */
  private static Map<Key, Map<String, Object>> objects(String yaml) {
    Map<Key, Map<String, Object>> out = new TreeMap<>(BY_KEY);
    for (Object doc : YAML.loadAllFromString(yaml)) {
      if (doc == null) {
        continue;
      }
      Map<String, Object> o = map(doc);
      Map<String, Object> meta = metadata(o);
      Object labels = meta.get("labels");
      if (labels instanceof Map<?, ?>) {
        Map<String, Object> l = map(labels);
        l.keySet().removeAll(HELM_LABELS);
        if (l.isEmpty()) {
          meta.remove("labels");
        }
      }
      Key key =
          new Key(
              (String) o.get("apiVersion"),
              (String) o.get("kind"),
              (String) meta.get("namespace"),
              (String) meta.get("name"));
      assertThat(out.put(key, o)).as("%s twice", key).isNull();
    }
    return out;
  }

  private static Map<Key, Map<String, Object>> kustomize(String dir) {
    Path kubectl =
        Stream.of(Objects.requireNonNullElse(System.getenv("PATH"), "").split(":"))
            .map(p -> Path.of(p, "kubectl"))
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    Assumptions.assumeTrue(
        kubectl != null, "kubectl not on PATH: chart/kustomize comparison skipped");
    try {
      Process p =
          new ProcessBuilder(kubectl.toString(), "kustomize", DEPLOY.resolve(dir).toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out;
      try (InputStream in = p.getInputStream()) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        in.transferTo(buf);
        out = buf.toString(StandardCharsets.UTF_8);
      }
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl kustomize %s finished", dir).isTrue();
      assertThat(p.exitValue()).as("kubectl kustomize %s exit status", dir).isZero();
      return objects(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> filesIn(Path dir, Predicate<String> name) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      Map<String, String> out = new TreeMap<>();
      for (Path f : files.filter(f -> name.test(f.getFileName().toString())).toList()) {
        out.put(f.getFileName().toString(), Files.readString(f));
      }
      return out;
    }
  }

  private static Map<String, Object> chartYaml() {
    try {
      return map(YAML.loadFromString(Files.readString(CHART.resolve("Chart.yaml"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> speakerArgs(String rendered) {
    return list(speaker(objects(rendered)).get("args")).stream()
        .map(String::valueOf)
        .collect(Collectors.toList());
  }

  private static Map<String, Object> deployment(Map<Key, Map<String, Object>> chart) {
    return Objects.requireNonNull(chart.get(new Key("apps/v1", "Deployment", NS, "controller")));
  }

  private static Map<String, Object> daemonSet(Map<Key, Map<String, Object>> chart) {
    return Objects.requireNonNull(chart.get(new Key("apps/v1", "DaemonSet", NS, "speaker")));
  }

  private static Map<String, Object> controller(Map<Key, Map<String, Object>> chart) {
    return workload(chart, "Deployment", "controller");
  }

  private static Map<String, Object> speaker(Map<Key, Map<String, Object>> chart) {
    return workload(chart, "DaemonSet", "speaker");
  }

  /** The one container of a workload, in whichever namespace it was rendered. */
  private static Map<String, Object> workload(
      Map<Key, Map<String, Object>> chart, String kind, String name) {
    Map<String, Object> o =
        chart.entrySet().stream()
            .filter(e -> e.getKey().kind().equals(kind) && e.getKey().name().equals(name))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    List<Object> containers = list(podSpec(o).get("containers"));
    assertThat(containers).hasSize(1);
    return map(containers.get(0));
  }

  private static Map<String, Object> podSpec(Map<String, Object> workload) {
    return spec(map(spec(workload).get("template")));
  }

  private static Map<String, Object> spec(Map<String, Object> o) {
    return map(o.get("spec"));
  }

  private static Map<String, Object> metadata(Map<String, Object> o) {
    return map(o.get("metadata"));
  }

  private static Map<String, Object> labels(Map<String, Object> o) {
    return map(metadata(o).computeIfAbsent("labels", k -> new LinkedHashMap<String, Object>()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).as("a YAML mapping").isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }
}
