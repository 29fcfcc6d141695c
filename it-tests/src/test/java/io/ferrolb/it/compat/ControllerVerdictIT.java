package io.ferrolb.it.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.ferrolb.adapters.k8s.LeaseLeadership;
import io.ferrolb.app.controller.Controller;
import io.ferrolb.it.compat.ValidateVerdictTest.Outcome;
import io.ferrolb.it.compat.VerdictCorpus.Case;
import io.ferrolb.it.compat.VerdictCorpus.ExpectedVerdict;
import io.ferrolb.it.support.Crds;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The controller, on fabric8's mock API server (CRUD mode, real HTTP and watches), writes the same
 * verdict into its {@code ConfigurationState} as {@code ferrolb validate} gives offline on the
 * objects it reads (IPAddressPools, Communities, the legacy ConfigMap: like MetalLB's controller it
 * stays Valid when only a BGPPeer, BFDProfile or advertisement is wrong), for every case of the
 * MetalLB verdict corpus: Valid where validate exits 0 (with the warnings in the {@code
 * ConfigurationWarnings} condition), Invalid where it exits 1.
 *
 * <p>Each case gets its own namespace and its own controller. Cases whose verdict turns on a Secret
 * are left out: the controller, like MetalLB's webhook, does not read Secrets (the speaker, which
 * uses the password, checks them; see {@code SpeakerLoop}).
 */
class ControllerVerdictIT {
  private static final String NS = "metallb-system";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Set<String> CONTROLLER_KINDS =
      Set.of("IPAddressPool", "Community", "ConfigMap");
  private static final Pattern KIND = Pattern.compile("(?m)^kind:[ \\t]*[\"']?(\\w+)");

  KubernetesClient client;
  KubernetesMockServer server;

  @TempDir Path dir;

  @Test
  void controllerConfigurationStateMatchesValidateOnEveryCase() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    int speakersOnly = 0;
    boolean warned;
    for (Case c : VerdictCorpus.load()) {
      if (c.yaml().contains("passwordSecret") || c.yaml().contains("kind: Secret")) {
        continue;
      }
      Path file = dir.resolve(c.id() + ".yaml");
      Files.writeString(file, c.yaml());
      Outcome offline = ValidateVerdictTest.validate(file);
      if (offline.exit() == 2) {
        mismatches.add(c + ": validate could not read it: " + offline.output());
        continue;
      }
      // the controller judges the objects it assigns from, as MetalLB's pool reconciler does
      Path mine = dir.resolve(c.id() + ".controller.yaml");
      Files.writeString(mine, controllerDocuments(c.yaml()));
      Outcome expected = ValidateVerdictTest.validate(mine);
      // a fresh API server per case: the mock server's event loop stalls for 30 s writing events
      // to the watches of controllers already stopped
      server =
          new KubernetesMockServer(
              new Context(),
              new MockWebServer(),
              new HashMap<>(),
              new KubernetesCrudDispatcher(),
              false);
      server.init();
      client = server.createClient();
      Map<String, Object> status;
      try {
        Crds.install(client);
        Optional<String> refused = apply(c, NS);
        if (refused.isPresent()) {
          // the API server refuses the object itself: the user cannot apply it, as validate says
          if (offline.exit() == 0) {
            mismatches.add(c + ": validate accepts it, the API refused it: " + refused.get());
          }
          continue;
        }
        compared++;
        if (offline.exit() != expected.exit()) {
          speakersOnly++;
        }
        status = controllerVerdict(NS, c);
        warned = c.verdict() == ExpectedVerdict.WARNING && warningEvent(NS, c.names());
      } finally {
        client.close();
        try {
          server.destroy();
        } catch (IllegalStateException e) {
          // its event loop may still be stuck writing to the stopped controller's watches; the
          // verdict is taken, and the next case has a server of its own
        }
      }
      boolean valid = "Valid".equals(status.get("result"));
      boolean warns =
          c.verdict() == ExpectedVerdict.WARNING
              && expected.warnings().stream()
                  .anyMatch(w -> c.names().stream().allMatch(w::contains));
      if (valid != (expected.exit() == 0)) {
        mismatches.add(
            c
                + ": validate of its "
                + CONTROLLER_KINDS
                + " exits "
                + expected.exit()
                + " but ConfigurationState "
                + status
                + "\n  validate said: "
                + expected.output().strip().replace("\n", "\n  "));
      } else if (warns && !warningsNameAll(status, c.names())) {
        mismatches.add(c + ": ConfigurationState lacks the warning " + c.names() + ": " + status);
      } else if (warns && !warned) {
        mismatches.add(c + ": no ConfigurationWarning event names " + c.names());
      }
    }
    assertThat(mismatches).as("cases where controller and validate disagree").isEmpty();
    assertThat(compared).as("cases compared").isGreaterThanOrEqualTo(120);
    // mistakes only the speakers see (peers, BFD, advertisements) must leave the controller Valid
    assertThat(speakersOnly).as("invalid cases the controller rightly ignores").isGreaterThan(30);
  }

  /** The YAML documents of {@link #CONTROLLER_KINDS} (and any without a kind), in order. */
  static String controllerDocuments(String yaml) {
    StringBuilder out = new StringBuilder();
    for (String doc : yaml.split("(?m)^---[ \\t]*$")) {
      Matcher m = KIND.matcher(doc);
      if (!m.find() || CONTROLLER_KINDS.contains(m.group(1))) {
        out.append(doc).append("\n---\n");
      }
    }
    return out.toString();
  }

  /** Creates the case's objects in {@code ns}; the API's refusal, if it refuses one. */
  private Optional<String> apply(Case c, String ns) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    Load yaml = new Load(LoadSettings.builder().build());
    try {
      for (Object doc : yaml.loadAllFromString(c.yaml())) {
        if (!(doc instanceof Map<?, ?> m)) {
          continue;
        }
        GenericKubernetesResource r =
            Serialization.unmarshal(Serialization.asJson(m), GenericKubernetesResource.class);
        if (r.getMetadata() == null || r.getMetadata().getName() == null) {
          return Optional.of("no metadata.name");
        }
        String objectNs = r.getMetadata().getNamespace();
        if (objectNs != null && !objectNs.equals("metallb-system")) {
          return Optional.of("object in namespace " + objectNs);
        }
        r.getMetadata().setNamespace(ns);
        if ("ConfigMap".equals(r.getKind())) {
          client
              .configMaps()
              .inNamespace(ns)
              .resource(Serialization.unmarshal(Serialization.asJson(m), ConfigMap.class))
              .create();
        } else {
          client.genericKubernetesResources(context(r)).inNamespace(ns).resource(r).create();
        }
      }
    } catch (KubernetesClientException | IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    return Optional.empty();
  }

  private static ResourceDefinitionContext context(GenericKubernetesResource r) {
    String apiVersion = r.getApiVersion() == null ? "" : r.getApiVersion();
    String kind = r.getKind() == null ? "" : r.getKind();
    int slash = apiVersion.indexOf('/');
    String lower = kind.toLowerCase(Locale.ROOT);
    return new ResourceDefinitionContext.Builder()
        .withGroup(slash < 0 ? "" : apiVersion.substring(0, slash))
        .withVersion(slash < 0 ? apiVersion : apiVersion.substring(slash + 1))
        .withKind(kind)
        .withPlural(
            lower.endsWith("y") ? lower.substring(0, lower.length() - 1) + "ies" : lower + "s")
        .withNamespaced(true)
        .build();
  }

  /** Runs a controller on {@code ns} until it has written its ConfigurationState. */
  private Map<String, Object> controllerVerdict(String ns, Case c) {
    KubernetesClient own = server.createClient();
    try (Controller controller =
        Controller.start(
            own,
            new Controller.Options(
                ns, "", "verdict", LeaseLeadership.Timing.FAST, true, Optional.empty(), false),
            new PrometheusRegistry())) {
      Map<String, Object> status =
          await()
              .atMost(WAIT)
              .pollInterval(Duration.ofMillis(50))
              .until(() -> state(ns), s -> s.containsKey("result"));
      if (c.verdict() == ExpectedVerdict.WARNING && "Valid".equals(status.get("result"))) {
        // events are written after the state: give them the same time before stopping
        try {
          await()
              .atMost(WAIT)
              .pollInterval(Duration.ofMillis(50))
              .until(() -> warningEvent(ns, c.names()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          // reported as a mismatch by the caller
        }
      }
      return status;
    } finally {
      own.close();
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> state(String ns) {
    GenericKubernetesResource s =
        client
            .genericKubernetesResources(
                new ResourceDefinitionContext.Builder()
                    .withGroup("metallb.io")
                    .withVersion("v1beta1")
                    .withKind("ConfigurationState")
                    .withPlural("configurationstates")
                    .withNamespaced(true)
                    .build())
            .inNamespace(ns)
            .withName("controller")
            .get();
    if (s == null || !(s.getAdditionalProperties().get("status") instanceof Map<?, ?> st)) {
      return Map.of();
    }
    return (Map<String, Object>) st;
  }

  private boolean warningEvent(String ns, List<String> tokens) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> "ConfigurationWarning".equals(e.getReason()))
        .anyMatch(e -> tokens.stream().allMatch(e.getMessage()::contains));
  }

  private static boolean warningsNameAll(Map<String, Object> status, List<String> tokens) {
    if (!(status.get("conditions") instanceof List<?> cs)) {
      return false;
    }
    for (Object c : cs) {
      if (c instanceof Map<?, ?> m
          && "ConfigurationWarnings".equals(m.get("type"))
          && m.get("message") instanceof String msg) {
        return msg.lines().anyMatch(l -> tokens.stream().allMatch(l::contains));
      }
    }
    return false;
  }
}
