package io.ferrolb.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The RBAC of deploy/ against what the components really ask the API server for. {@link Scenario}
 * runs the controller (with its webhook) and a speaker against the mock API server; every request
 * each makes is recorded (the mock server keeps them all, {@code takeRequest}) and read as the
 * authorizer reads it ({@link ApiRequest}). Then, per component: every request must be allowed by a
 * rule bound to its ServiceAccount (else the test names the request and the rule it needs), and
 * every (resource, verb) granted must have been used (else it names the grant), unless {@link
 * #NOT_EXERCISED} lists it with the code that uses it.
 */
@EnableKubernetesMockClient(crud = true)
class RbacUsageTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  static final List<String> INSTALLS = DeployManifests.INSTALLS;

  /** Which installs a component's grants come from: base and the overlays that grant it more. */
  private static final Map<String, List<String>> GRANTING_INSTALLS =
      Map.of(
          "controller", List.of("overlays/webhook", "overlays/secure-metrics"),
          "speaker", List.of("overlays/bgp", "overlays/secure-metrics"));

  /**
   * Grants this test cannot exercise although the code uses them, as "serviceaccount:
   * group/resource verb", each with the code that needs it. An entry that the scenario does use, or
   * that deploy/ does not grant, fails {@link #theAllowListHoldsOnlyGrantsTheScenarioLeavesUnused}.
   */
  private static final Map<String, String> NOT_EXERCISED =
      Map.ofEntries(
          // secure metrics (overlays/secure-metrics): each scrape's token is reviewed; the scenario
          // serves plain-HTTP metrics.
          // app/src/main/java/io/ferrolb/app/observability/secure/Fabric8MetricsAccess.java:105
          Map.entry(
              "controller: authentication.k8s.io/tokenreviews create", "Fabric8MetricsAccess:105"),
          Map.entry(
              "speaker: authentication.k8s.io/tokenreviews create", "Fabric8MetricsAccess:105"),
          // app/src/main/java/io/ferrolb/app/observability/secure/Fabric8MetricsAccess.java:126
          Map.entry(
              "controller: authorization.k8s.io/subjectaccessreviews create",
              "Fabric8MetricsAccess:126"),
          Map.entry(
              "speaker: authorization.k8s.io/subjectaccessreviews create",
              "Fabric8MetricsAccess:126"),
          // a repeated event bumps the count of the first one instead of creating another:
          // adapters-k8s/src/main/java/io/ferrolb/adapters/k8s/Fabric8ClusterEvents.java:155
          Map.entry("controller: core/events patch", "Fabric8ClusterEvents:155"),
          Map.entry("speaker: core/events patch", "Fabric8ClusterEvents:155"),
          // the webhook certificate renewed before it expires (a year after the scenario):
          // adapters-k8s/src/main/java/io/ferrolb/adapters/k8s/Fabric8WebhookCertStore.java:94
          Map.entry("controller: core/secrets update", "Fabric8WebhookCertStore:94"),
          // an existing status object gets this component's Pod as owner (objects written before
          // the Pod was known, or by the previous Pod): the scenario starts on an empty cluster.
          // adapters-k8s/src/main/java/io/ferrolb/adapters/k8s/Fabric8ConfigStatusWriter.java:89
          Map.entry(
              "controller: metallb.io/configurationstates patch", "Fabric8ConfigStatusWriter:89"),
          Map.entry(
              "speaker: metallb.io/configurationstates patch", "Fabric8ConfigStatusWriter:89"),
          // adapters-k8s/src/main/java/io/ferrolb/adapters/k8s/Fabric8AnnouncementStatusWriter.java:118
          Map.entry(
              "speaker: metallb.io/servicel2statuses patch", "Fabric8AnnouncementStatusWriter:118"),
          Map.entry(
              "speaker: metallb.io/servicebgpstatuses patch",
              "Fabric8AnnouncementStatusWriter:118"));

  private static final List<ApiRequest> recorded = new ArrayList<>();
  private static final List<String> nonResource = new ArrayList<>();

  @BeforeAll
  static void runTheScenario() throws Exception {
    try (Scenario s = new Scenario(client)) {
      s.cluster();
      s.start(0);
      s.serviceLifecycle();
      s.errorPaths();
    }
    for (RecordedRequest r = server.takeRequest(200, TimeUnit.MILLISECONDS);
        r != null;
        r = server.takeRequest(200, TimeUnit.MILLISECONDS)) {
      String agent = String.valueOf(r.getHeader("User-Agent"));
      String line = r.getMethod() + " " + r.getPath();
      ApiRequest.parse(agent, r.getMethod(), r.getPath())
          .ifPresentOrElse(recorded::add, () -> nonResource.add(line));
    }
  }

  @AfterAll
  static void clear() {
    recorded.clear();
  }

  static List<ApiRequest> requestsOf(String agent) {
    return recorded.stream().filter(r -> r.agent().startsWith(agent)).toList();
  }

  static List<Rbac.Rule> grantsOf(String serviceAccount) {
    List<Rbac.Rule> out = new ArrayList<>();
    for (String install : GRANTING_INSTALLS.get(serviceAccount)) {
      for (Rbac.Rule r :
          Rbac.rulesOf(DeployManifests.render(install), Scenario.NS, serviceAccount)) {
        if (r.from().equals("Role " + Scenario.NS + "/speaker-bgp-passwords")) {
          r = withScenarioPasswordSecrets(r);
        }
        if (!out.contains(r)) {
          out.add(r);
        }
      }
    }
    return out;
  }

  /**
   * overlays/bgp names the password Secrets the speaker may read, to be edited to the cluster's
   * BGPPeers ("bgp-password" as shipped): here, the scenario's.
   */
  private static Rbac.Rule withScenarioPasswordSecrets(Rbac.Rule r) {
    assertThat(r.resourceNames()).as("%s", r).containsExactly(Scenario.PASSWORD_SECRET);
    return new Rbac.Rule(
        r.from(),
        r.namespace(),
        r.apiGroups(),
        r.resources(),
        r.verbs(),
        Set.of(Scenario.PASSWORD_SECRET, Scenario.BROKEN_SECRET, Scenario.LONG_SECRET),
        r.nonResourceUrls());
  }

  @ParameterizedTest
  @FieldSource("INSTALLS")
  void noRuleHasAWildcard(String install) {
    List<String> wildcards = new ArrayList<>();
    for (Rbac.Rule r : Rbac.allRules(DeployManifests.render(install))) {
      for (Set<String> field :
          List.of(
              r.apiGroups(), r.resources(), r.verbs(), r.resourceNames(), r.nonResourceUrls())) {
        if (field.stream().anyMatch(v -> v.contains("*"))) {
          wildcards.add(r.toString());
        }
      }
    }
    assertThat(wildcards).as("%s: rules with a wildcard", install).isEmpty();
  }

  @Test
  void theScenarioReachedEveryComponent() {
    assertThat(requestsOf(Scenario.CONTROLLER_AGENT)).hasSizeGreaterThan(20);
    assertThat(requestsOf(Scenario.SPEAKER_AGENT)).hasSizeGreaterThan(20);
  }

  @Test
  void everyControllerRequestIsGranted() {
    assertGranted("controller", requestsOf(Scenario.CONTROLLER_AGENT));
  }

  @Test
  void everySpeakerRequestIsGranted() {
    assertGranted("speaker", requestsOf(Scenario.SPEAKER_AGENT));
  }

  @Test
  void everyControllerGrantIsUsed() {
    assertUsed("controller", requestsOf(Scenario.CONTROLLER_AGENT));
  }

  @Test
  void everySpeakerGrantIsUsed() {
    assertUsed("speaker", requestsOf(Scenario.SPEAKER_AGENT));
  }

  @Test
  void theAllowListHoldsOnlyGrantsTheScenarioLeavesUnused() {
    List<String> stale = new ArrayList<>();
    for (String entry : NOT_EXERCISED.keySet()) {
      String sa = entry.substring(0, entry.indexOf(':'));
      String agent = sa.equals("controller") ? Scenario.CONTROLLER_AGENT : Scenario.SPEAKER_AGENT;
      Set<String> granted = new TreeSet<>();
      Set<String> used = new TreeSet<>();
      for (Rbac.Rule rule : grantsOf(sa)) {
        granted.addAll(grantKeys(sa, rule));
        used.addAll(usedKeys(sa, rule, requestsOf(agent)));
      }
      if (!granted.contains(entry) || used.contains(entry)) {
        stale.add(entry + (granted.contains(entry) ? " is used" : " is not granted"));
      }
    }
    assertThat(stale).isEmpty();
  }

  /**
   * The speaker reads Secrets of its own namespace only (Role, never ClusterRole), each by name:
   * memberlist and the BGPPeers' passwordSecrets, never a list or watch of all Secrets.
   */
  @Test
  void theSpeakerReadsOnlyNamedSecretsOfItsNamespace() {
    List<Rbac.Rule> secretRules =
        grantsOf("speaker").stream()
            .filter(r -> r.resources().contains("secrets") && r.apiGroups().contains(""))
            .toList();
    assertThat(secretRules).isNotEmpty();
    assertThat(secretRules)
        .allSatisfy(
            r -> {
              assertThat(r.from()).as("%s", r).startsWith("Role ");
              assertThat(r.namespace()).as("%s", r).isEqualTo(Scenario.NS);
              assertThat(r.resourceNames()).as("%s: by name only", r).isNotEmpty();
            });
    List<ApiRequest> secrets =
        requestsOf(Scenario.SPEAKER_AGENT).stream()
            .filter(r -> r.group().isEmpty() && r.resource().equals("secrets"))
            .toList();
    assertThat(secrets).isNotEmpty();
    Set<String> expected =
        Set.of(
            "memberlist", Scenario.PASSWORD_SECRET, Scenario.BROKEN_SECRET, Scenario.LONG_SECRET);
    assertThat(secrets)
        .allSatisfy(
            r -> {
              assertThat(r.namespace()).as("%s", r).isEqualTo(Scenario.NS);
              assertThat(r.verb()).as("%s", r).isIn("get", "list", "watch");
              assertThat(r.name()).as("%s: a named Secret", r).isIn(expected);
            });
  }

  private static void assertGranted(String sa, List<ApiRequest> requests) {
    List<Rbac.Rule> rules = grantsOf(sa);
    Set<String> missing = new TreeSet<>();
    for (ApiRequest r : requests) {
      if (rules.stream().noneMatch(rule -> rule.allows(r))) {
        missing.add(
            sa
                + " needs: apiGroups [\""
                + r.group()
                + "\"] resources ["
                + r.qualifiedResource()
                + "]"
                + (r.name().isEmpty() ? "" : " resourceNames [" + r.name() + "]")
                + " verbs ["
                + r.verb()
                + "]"
                + (r.namespace().isEmpty() ? " (cluster-wide)" : " in " + r.namespace())
                + ", for "
                + r.method()
                + " "
                + r.path());
      }
    }
    assertThat(missing).as("%s: requests no rule grants", sa).isEmpty();
  }

  private static void assertUsed(String sa, List<ApiRequest> requests) {
    Set<String> unused = new TreeSet<>();
    for (Rbac.Rule rule : grantsOf(sa)) {
      Set<String> used = usedKeys(sa, rule, requests);
      for (String grant : grantKeys(sa, rule)) {
        if (!used.contains(grant) && !NOT_EXERCISED.containsKey(grant)) {
          unused.add(grant + " (" + rule.from() + ")");
        }
      }
    }
    assertThat(unused).as("%s: grants no request used", sa).isEmpty();
  }

  /** "sa: group/resource verb" for each pair the rule grants. */
  private static Set<String> grantKeys(String sa, Rbac.Rule rule) {
    Set<String> out = new TreeSet<>();
    for (String g : rule.apiGroups()) {
      for (String res : rule.resources()) {
        for (String v : rule.verbs()) {
          out.add(key(sa, g, res, v));
        }
      }
    }
    return out;
  }

  private static Set<String> usedKeys(String sa, Rbac.Rule rule, List<ApiRequest> requests) {
    Set<String> out = new TreeSet<>();
    for (ApiRequest r : requests) {
      if (rule.allows(r)) {
        out.add(key(sa, r.group(), r.qualifiedResource(), r.verb()));
      }
    }
    return out;
  }

  private static String key(String sa, String group, String resource, String verb) {
    return sa + ": " + (group.isEmpty() ? "core" : group) + "/" + resource + " " + verb;
  }
}
